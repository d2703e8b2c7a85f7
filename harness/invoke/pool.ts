import { BootspecError, ErrorCodes } from '../errors.ts';
import { managedConcurrency } from '../environment/managed.ts';
import { ExecutionEnvironment, type ExecutionEnvironmentOptions } from './execution-environment.ts';
import type { InvocationRecord, InvokeOptions } from './types.ts';

/**
 * Up to `size` execution environments of one function, created on demand. An invocation takes a
 * free environment (the warm one first) or waits in line, as Lambda routes one event per environment.
 */
export class EnvironmentPool {
  readonly size: number;
  readonly environments: ExecutionEnvironment[] = [];
  #options: ExecutionEnvironmentOptions;
  #busy = new Set<ExecutionEnvironment>();
  #waiting: Array<(env: ExecutionEnvironment) => void> = [];
  #creating = 0;
  /** Lambda Managed Instances: each environment takes several invocations at once. */
  readonly #managed: boolean;
  /** Managed Instances: the environment being created, if any. */
  #created: Promise<ExecutionEnvironment> | undefined;

  constructor(options: ExecutionEnvironmentOptions, size = 1) {
    if (!Number.isInteger(size) || size < 1) {
      throw new BootspecError(ErrorCodes.USAGE, `pool size must be a whole number ≥ 1, got ${size}`, { hint: 'serve takes --concurrency 1 or more' });
    }
    this.size = size;
    this.#options = options;
    this.#managed = managedConcurrency(options.config) !== undefined;
  }

  async invoke(opts: InvokeOptions): Promise<InvocationRecord> {
    if (this.#managed) return this.#invokeManaged(opts);
    const env = await this.#acquire();
    try {
      return await env.invoke(opts);
    } finally {
      this.#release(env);
    }
  }

  /** Starts the first environment's init now, so the first request is not a cold start. */
  async warm(): Promise<void> {
    const env = await this.#acquire();
    try {
      await env.init();
    } finally {
      this.#release(env);
    }
  }

  /**
   * Lambda Managed Instances: an environment takes up to its maxConcurrency invocations at once; with
   * every environment full, the invoke is refused (throttled) rather than queued, as Lambda rejects
   * new invokes to protect those in flight
   * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-troubleshooting.html).
   */
  async #invokeManaged(opts: InvokeOptions): Promise<InvocationRecord> {
    const room = (e: ExecutionEnvironment) => e.managed !== undefined && e.managed.inFlight < e.managed.maxConcurrency;
    let env = this.environments.find(room);
    // An environment being created has room for those who arrive meanwhile.
    while (!env && this.#created) {
      await this.#created;
      env = this.environments.find(room);
    }
    if (!env && this.environments.length < this.size) {
      this.#created = ExecutionEnvironment.create(this.#options).then((e) => {
        this.environments.push(e);
        return e;
      });
      try {
        env = await this.#created;
      } finally {
        this.#created = undefined;
      }
    }
    if (!env) {
      throw new BootspecError(ErrorCodes.LAMBDA_TOO_MANY_REQUESTS, 'Rate Exceeded.', {
        hint: 'every environment is serving its maximum concurrency: raise --max-concurrency or --concurrency, or invoke less at once',
      });
    }
    return env.invoke(opts);
  }

  async close(): Promise<void> {
    await Promise.all(this.environments.map((e) => e.close()));
  }

  async #acquire(): Promise<ExecutionEnvironment> {
    // A warm environment first: one that needs no init (a reset one re-inits inside its next invoke).
    const free = this.environments.find((e) => !this.#busy.has(e) && e.state === 'ready') ?? this.environments.find((e) => !this.#busy.has(e));
    if (free) {
      this.#busy.add(free);
      return free;
    }
    if (this.environments.length + this.#creating < this.size) {
      this.#creating += 1;
      try {
        const env = await ExecutionEnvironment.create(this.#options);
        this.environments.push(env);
        this.#busy.add(env);
        return env;
      } finally {
        this.#creating -= 1;
      }
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(env: ExecutionEnvironment): void {
    const next = this.#waiting.shift();
    if (next) next(env);
    else this.#busy.delete(env);
  }
}
