/**
 * The wait of one invocation for whichever comes first: the runtime's result, the process's exit,
 * or the timeout. A class rather than closures because it runs per invoke and bootspec runs through
 * tsx, whose keepNames turns every named closure into a defineProperty call (~0.3 µs each).
 */
import type { RuntimeResult } from '../api/types.ts';
import type { ExitInfo } from '../drivers/types.ts';
import type { Raced } from './outcome.ts';

export interface ExitWaiter {
  exited(e: ExitInfo): void;
}

export class InvocationRace implements ExitWaiter {
  readonly settled: Promise<Raced>;
  #resolve!: (r: Raced) => void;
  #timer: NodeJS.Timeout | undefined;
  #waiters: Set<ExitWaiter>;

  constructor(result: Promise<RuntimeResult>, exited: Promise<ExitInfo> | undefined, timeoutMs: number, waiters: Set<ExitWaiter>) {
    this.settled = new Promise((resolve) => {
      this.#resolve = resolve;
    });
    this.#waiters = waiters;
    this.#timer = setTimeout(() => this.#finish({ tag: 'timeout' }), timeoutMs);
    this.#timer.unref();
    waiters.add(this);
    result.then((r) => this.#finish({ tag: 'result', r }));
    // Exited before we started waiting: its waiters were already called.
    if (exited) void exited.then((e) => this.exited(e));
  }

  exited(e: ExitInfo): void {
    this.#finish({ tag: 'exit', e });
  }

  #finish(r: Raced): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#waiters.delete(this);
    this.#resolve(r);
  }
}
