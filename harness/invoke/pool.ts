import { BootspecError, ErrorCodes } from '../errors.ts';
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

  constructor(options: ExecutionEnvironmentOptions, size = 1) {
    if (!Number.isInteger(size) || size < 1) {
      throw new BootspecError(ErrorCodes.USAGE, `pool size must be a whole number ≥ 1, got ${size}`, { hint: 'serve takes --concurrency 1 or more' });
    }
    this.size = size;
    this.#options = options;
  }

  async invoke(opts: InvokeOptions): Promise<InvocationRecord> {
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
