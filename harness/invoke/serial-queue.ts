/**
 * Invocation slots of one execution environment: at most `maxConcurrency` tasks run at once, the
 * others wait in call order. Lambda gives an on-demand environment one event at a time, so
 * environments use a limit of 1 (a serial queue); Lambda Managed Instances hand one environment
 * several, which a higher limit will model.
 *
 * Runs per invoke: an uncontended run allocates only its own async frame (no closure, no extra
 * promise); a waiter costs one promise while it waits.
 */
export class InvocationSlots {
  readonly maxConcurrency: number;
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(maxConcurrency = 1) {
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) throw new RangeError(`maxConcurrency must be a whole number ≥ 1, got ${maxConcurrency}`);
    this.maxConcurrency = maxConcurrency;
  }

  /** Tasks running now. */
  get running(): number {
    return this.#running;
  }

  /** Tasks waiting for a slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * Runs `task(arg)` in a slot. `admit` is called when the slot is taken and may throw (e.g. the
   * environment closed while the task waited): the task then does not run. A method and its
   * argument, rather than a closure, keep the invoke path free of per-call functions: bind once.
   */
  async run<A, T>(task: (arg: A) => Promise<T>, arg: A, admit?: () => void): Promise<T> {
    if (this.#running < this.maxConcurrency && this.#waiting.length === 0) this.#running += 1;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      admit?.();
      return await task(arg);
    } finally {
      this.#release();
    }
  }

  /** Hands the slot straight to the oldest waiter, so a new caller cannot overtake it. */
  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#running -= 1;
  }
}
