/**
 * The AWS Runtime Interface Emulator as the oracle: its invoke endpoint and Runtime API on 127.0.0.1.
 * Its bootstrap is a stand-in process that reports to the harness over a loopback socket that it
 * starts up, and exits when told to; the conversation itself plays the runtime over raw TCP.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, type Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emulatorPath, freePort, waitForListener } from '../../bench/emulator.ts';
import type { ServerUnderTest } from '../types.ts';
import { RuntimeLiveness } from './liveness.ts';

/**
 * Connects to the harness (the socket lives as long as this process), then waits for an exit code on
 * it. RIE forwards its own environment to the runtime, so the port arrives as a variable.
 */
const STAND_IN = `#!/bin/bash
exec 3<>"/dev/tcp/127.0.0.1/$FIDELITY_LIVENESS_PORT" || exit 97
read -r code <&3
exit "\${code:-0}"
`;

export interface RieOptions {
  timeoutS: number;
}

export class RieServer implements ServerUnderTest {
  readonly name = 'rie' as const;
  readonly invokePort: number;
  readonly #live = new RuntimeLiveness();
  readonly #dir: string;
  readonly #child: ReturnType<typeof spawn>;
  readonly #liveness: Server;
  readonly #apiPort: number;
  readonly #exited: Promise<void>;
  /** The stand-ins' sockets: a stand-in exits when its socket tells it to or closes. */
  readonly #standIns = new Set<Socket>();

  private constructor(dir: string, child: ReturnType<typeof spawn>, liveness: Server, invokePort: number, apiPort: number, exited: Promise<void>) {
    this.#dir = dir;
    this.#child = child;
    this.#liveness = liveness;
    this.invokePort = invokePort;
    this.#apiPort = apiPort;
    this.#exited = exited;
  }

  static async start(o: RieOptions): Promise<RieServer> {
    const rie = emulatorPath();
    const dir = mkdtempSync(join(tmpdir(), 'bootspec-fidelity-'));
    const bootstrap = join(dir, 'bootstrap');
    writeFileSync(bootstrap, STAND_IN, { mode: 0o755 });
    const liveness = createServer();
    await new Promise<void>((resolve) => liveness.listen(0, '127.0.0.1', resolve));
    const livePort = (liveness.address() as { port: number }).port;
    const [apiPort, invokePort] = [await freePort(), await freePort()];
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      AWS_LAMBDA_FUNCTION_TIMEOUT: String(o.timeoutS),
      FIDELITY_LIVENESS_PORT: String(livePort),
    };
    const argv = ['--log-level', 'error', '--runtime-api-address', `127.0.0.1:${apiPort}`, '--runtime-interface-emulator-address', `127.0.0.1:${invokePort}`, bootstrap];
    const child = spawn(rie, argv, { cwd: dir, env, stdio: ['ignore', 'ignore', 'ignore'], detached: true });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const server = new RieServer(dir, child, liveness, invokePort, apiPort, exited);
    liveness.on('connection', (s: Socket) => server.#runtimeStarted(s));
    try {
      await waitForListener(invokePort, 10_000);
    } catch (err) {
      await server.close();
      throw err;
    }
    return server;
  }

  get generation(): number {
    return this.#live.generation;
  }

  get runtimeAlive(): boolean {
    return this.#live.alive;
  }

  waitForRuntime(ms: number): Promise<number | undefined> {
    return this.#live.wait(ms);
  }

  exitRuntime(code: number): void {
    this.#live.exit(code);
  }

  /** The emulator process exited before close() (it panics on, e.g., a second invoke while one is in flight). */
  get crashed(): boolean {
    return !this.#closing && this.#child.exitCode !== null;
  }

  #closing = false;

  async close(): Promise<void> {
    this.#closing = true;
    if (this.#child.pid !== undefined && this.#child.exitCode === null) {
      try {
        process.kill(-this.#child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      await this.#exited;
    }
    // The emulator starts the runtime in its own process group: tell the stand-ins to go.
    for (const s of this.#standIns) s.end('0\n');
    for (const s of this.#standIns) s.destroy();
    await new Promise<void>((resolve) => this.#liveness.close(() => resolve()));
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #runtimeStarted(s: Socket): void {
    s.on('error', () => undefined);
    this.#standIns.add(s);
    s.once('close', () => this.#standIns.delete(s));
    this.#live.started(this.#apiPort, (code) => s.write(`${code}\n`));
    const generation = this.#live.generation;
    s.once('close', () => this.#live.ended(generation));
  }
}

