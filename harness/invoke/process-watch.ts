/**
 * A process of an execution environment, watched for its exit: the invocations racing it are told
 * the moment it ends, and the environment is told after them. One per process, so an environment
 * can hold several (the runtime today; its extensions, each with its own watch, next).
 */
import type { ExitInfo, RuntimeProcess } from '../drivers/types.ts';
import type { ExitWaiter } from './race.ts';

export type ProcessRole = 'runtime';

export class WatchedProcess {
  readonly proc: RuntimeProcess;
  readonly role: ProcessRole;
  readonly generation: number;
  /** Invocations waiting on this process's exit (see InvocationRace). */
  readonly exitWaiters = new Set<ExitWaiter>();

  constructor(proc: RuntimeProcess, role: ProcessRole, generation: number, onExit: (watched: WatchedProcess, e: ExitInfo) => void) {
    this.proc = proc;
    this.role = role;
    this.generation = generation;
    // One reaction per process, for its whole life: invocations register as waiters instead of
    // each adding a reaction to this long-lived promise (a leak over millions of invokes).
    void proc.exited.then((e) => {
      for (const w of [...this.exitWaiters]) w.exited(e);
      onExit(this, e);
    });
  }
}
