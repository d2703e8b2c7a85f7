/** The invocation the Runtime API is working on, and waits for its end. */
import { now } from '../clock.ts';
import type { InflightInvocation, InvocationRequest, RuntimeResult } from './types.ts';

/** An invocation the API is working on (the one of a classic environment, or one of a managed environment's many): delivered zero or more times, settled once. */
export class Inflight implements InflightInvocation {
  readonly request: InvocationRequest;
  readonly result: Promise<RuntimeResult>;
  #deliveries = 0;
  #firstDeliveredAt: number | undefined;
  #settled = false;
  #resolve!: (r: RuntimeResult) => void;

  constructor(request: InvocationRequest) {
    this.request = request;
    this.result = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  get deliveries(): number {
    return this.#deliveries;
  }

  /** Epoch ms of the first /next answer that carried it. */
  get firstDeliveredAt(): number | undefined {
    return this.#firstDeliveredAt;
  }

  get settled(): boolean {
    return this.#settled;
  }

  /** A /next answer carries it (RAPID re-delivers the same event to a /next before its result). */
  markDelivered(): void {
    this.#deliveries += 1;
    this.#firstDeliveredAt ??= now();
  }

  settle(result: RuntimeResult): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#resolve(result);
  }
}

/** One bounded wait for the invocation's end (a class, not closures: it runs per recorded invoke). */
export class EndWait {
  readonly ended: Promise<void>;
  #resolve!: () => void;
  #timer: NodeJS.Timeout;
  #waiters: Set<EndWait>;

  constructor(ms: number, waiters: Set<EndWait>) {
    this.ended = new Promise((resolve) => {
      this.#resolve = resolve;
    });
    this.#waiters = waiters;
    this.#timer = setTimeout(() => this.end(), ms);
    this.#timer.unref();
    waiters.add(this);
  }

  end(): void {
    clearTimeout(this.#timer);
    this.#waiters.delete(this);
    this.#resolve();
  }
}
