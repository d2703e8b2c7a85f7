/** bootspec bench's handle on its load-client process (./load/client-process.ts). */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BootspecError, ErrorCodes } from '../errors.ts';
import type { LoadReply, LoadRequest } from './load/protocol.ts';
import type { CpuPlacement } from './placement.ts';
import { CHILD_EXEC_ARGV, CODE_EXT } from '../code-kind.ts';

const SCRIPT = fileURLToPath(new URL(`./load/client-process${CODE_EXT}`, import.meta.url));

type Pending = { resolve: (r: LoadReply) => void; reject: (e: Error) => void };
type LatencyRequest = Extract<LoadRequest, { op: 'latency' }>;
type AutocannonRequest = Extract<LoadRequest, { op: 'autocannon' }>;
type LatencyReply = Extract<LoadReply, { op: 'latency' }>;
type AutocannonReply = Extract<LoadReply, { op: 'autocannon' }>;

export class LoadClient {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, Pending>();
  #next = 1;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (reply: LoadReply) => {
      const p = this.#pending.get(reply.id);
      if (!p) return;
      this.#pending.delete(reply.id);
      if (reply.op === 'error') p.reject(new BootspecError(ErrorCodes.WAIT_TIMEOUT, `the load client failed: ${reply.message}`, { hint: 'is the endpoint still up?' }));
      else p.resolve(reply);
    });
    child.on('exit', (code) => {
      for (const p of this.#pending.values()) p.reject(new BootspecError(ErrorCodes.WAIT_TIMEOUT, `the load client exited (${code})`, { hint: 'see its stderr above' }));
      this.#pending.clear();
    });
  }

  /** Starts the client on the runtime's CPU (it inherits the spawning thread's CPU mask). */
  static start(placement: CpuPlacement): LoadClient {
    const child = placement.spawnOnRuntimeCpu(() =>
      fork(SCRIPT, [], { execArgv: [...CHILD_EXEC_ARGV], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }),
    );
    return new LoadClient(child);
  }

  latency(req: Omit<LatencyRequest, 'id' | 'op'>): Promise<LatencyReply> {
    return this.#send({ ...req, op: 'latency' }) as Promise<LatencyReply>;
  }

  autocannon(req: Omit<AutocannonRequest, 'id' | 'op'>): Promise<AutocannonReply> {
    return this.#send({ ...req, op: 'autocannon' }) as Promise<AutocannonReply>;
  }

  #send(req: Omit<LatencyRequest, 'id'> | Omit<AutocannonRequest, 'id'>): Promise<LoadReply> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.send({ ...req, id });
    });
  }

  close(): void {
    if (this.#child.connected) this.#child.disconnect();
    this.#child.kill();
  }
}
