/**
 * Which runtime process is up, for a server under comparison: the conversation plays the runtime,
 * but the server starts and kills the process, and a dead process's connections must go with it.
 */
export class RuntimeLiveness {
  generation = 0;
  alive = false;
  port: number | undefined;
  #waiters = new Set<() => void>();
  #exit: ((code: number) => void) | undefined;

  started(port: number, exit: (code: number) => void): void {
    this.generation += 1;
    this.alive = true;
    this.port = port;
    this.#exit = exit;
    for (const w of [...this.#waiters]) w();
  }

  /** The process of `generation` ended (a later generation may already be up). */
  ended(generation: number): void {
    if (generation === this.generation) {
      this.alive = false;
      this.#exit = undefined;
    }
  }

  exit(code: number): void {
    this.#exit?.(code);
  }

  wait(ms: number): Promise<number | undefined> {
    if (this.alive) return Promise.resolve(this.port);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve(this.alive ? this.port : undefined);
      };
      const timer = setTimeout(done, ms);
      this.#waiters.add(done);
    });
  }
}
