/**
 * The streaming floor: bootspec's own mock (a Runtime API of its own, no runtime process of a
 * function) reading the same streams from a minimal raw-socket client (./load/stream-floor-client.ts)
 * placed where runtimes run. null-c and the C mock cannot stream, so this is the floor: what the
 * mock's stream intake and loopback cost, with no runtime library or handler in the way.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RuntimeApi } from '../api/runtime-api.ts';
import { CHILD_EXEC_ARGV, CODE_EXT } from '../code-kind.ts';
import { BootspecError, ErrorCodes } from '../errors.ts';
import type { CpuPlacement } from './placement.ts';

const SCRIPT = fileURLToPath(new URL(`./load/stream-floor-client${CODE_EXT}`, import.meta.url));

export const STREAM_FLOOR_CLIENT = "bootspec's mock reading a chunked streaming /response from a minimal raw-socket client (Node, no HTTP library, no handler)";

export class StreamFloor {
  readonly api: RuntimeApi;
  readonly #child: ChildProcess;
  /** Rejects when the client process goes away while the floor is open. */
  readonly exited: Promise<never>;
  #closing = false;

  private constructor(api: RuntimeApi, child: ChildProcess) {
    this.api = api;
    this.#child = child;
    this.exited = new Promise<never>((_, reject) => {
      child.once('exit', (code, signal) => {
        if (this.#closing) return;
        reject(
          new BootspecError(ErrorCodes.DRIVER_START_FAILED, `the streaming floor's client exited (${signal ?? `code ${code}`})`, {
            hint: 'see its stderr above; leave the phase out with --phases to run the rest',
          }),
        );
      });
    });
    // Nobody may be awaiting it between loops; its rejection is read by the loops that race it.
    this.exited.catch(() => undefined);
  }

  static async start(placement: CpuPlacement): Promise<StreamFloor> {
    const api = await RuntimeApi.start({ record: false });
    const child = placement.spawnOnRuntimeCpu(() => fork(SCRIPT, [api.address], { execArgv: [...CHILD_EXEC_ARGV], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }));
    return new StreamFloor(api, child);
  }

  async close(): Promise<void> {
    this.#closing = true;
    await this.api.close();
    if (this.#child.exitCode === null) this.#child.kill();
  }
}
