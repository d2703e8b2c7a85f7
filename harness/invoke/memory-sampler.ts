/**
 * Max Memory Used: the process tree's high-water mark, read after each recorded invoke (~10 µs a
 * process). Back-to-back invocations under 1 ms reuse a reading under 10 ms old (what `serve` sees
 * under load); growth inside such an invocation shows in the next reading.
 */
import { now } from '../clock.ts';
import type { RuntimeProcess } from '../drivers/types.ts';

export class MemorySampler {
  #proc: RuntimeProcess | undefined;
  #at = 0;
  #kb = 0;

  peakKb(proc: RuntimeProcess, durationMs: number): number {
    const t = now();
    if (proc !== this.#proc || durationMs >= 1 || t - this.#at >= 10) {
      this.#proc = proc;
      this.#at = t;
      this.#kb = proc.peakRssKb();
    }
    return this.#kb;
  }
}
