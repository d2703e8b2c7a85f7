/**
 * A scripted driver and runtime for testing execution environments without a real runtime: the
 * driver's sandbox handle "starts" a FakeProcess that runs a script in this process, talking HTTP
 * to the environment's real mock Runtime API (the address in AWS_LAMBDA_RUNTIME_API), as a runtime
 * client would. Each generation runs the next script (the last one repeats).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'undici';
import type { Driver, DriverPaths, EnvironmentSandbox, ExitInfo, LaunchSpec, RuntimeProcess, SandboxSpec } from '../../harness/drivers/types.ts';
import type { FunctionConfig } from '../../harness/environment/types.ts';
import type { ExecutionEnvironmentOptions } from '../../harness/invoke/types.ts';

export type FakeScript = (rt: FakeRuntime) => Promise<void>;

export interface FakeEvent {
  requestId: string;
  body: string;
}

let nextPid = 40_000;

/** What a script can do: the Runtime API calls of a runtime client, output, and ways to end. */
export class FakeRuntime {
  readonly generation: number;
  readonly env: Record<string, string>;
  /** The host folder that is this environment's /tmp. */
  readonly tmpDir: string;
  readonly #proc: FakeProcess;
  readonly #client: Client;
  readonly #launch: LaunchSpec;

  constructor(proc: FakeProcess, launch: LaunchSpec, tmpDir: string, generation: number) {
    this.#proc = proc;
    this.#launch = launch;
    this.env = launch.env;
    this.tmpDir = tmpDir;
    this.generation = generation;
    this.#client = new Client(`http://${launch.env.AWS_LAMBDA_RUNTIME_API}`, { bodyTimeout: 0, headersTimeout: 0, pipelining: 1 });
  }

  /** GET /next: the first call ends init. */
  async next(): Promise<FakeEvent> {
    const res = await this.#client.request({ method: 'GET', path: '/2018-06-01/runtime/invocation/next' });
    const body = await res.body.text();
    const id = res.headers['lambda-runtime-aws-request-id'];
    if (res.statusCode !== 200 || typeof id !== 'string') throw new Error(`/next answered ${res.statusCode}: ${body}`);
    return { requestId: id, body };
  }

  async respond(requestId: string, body: string): Promise<void> {
    await this.#post(`/2018-06-01/runtime/invocation/${requestId}/response`, body);
  }

  async initError(body = '{"errorType":"Runtime.FakeInit","errorMessage":"scripted init failure"}'): Promise<void> {
    await this.#post('/2018-06-01/runtime/init/error', body, { 'lambda-runtime-function-error-type': 'Runtime.FakeInit' });
  }

  log(text: string): void {
    this.#launch.onLine('stdout', text, Date.now());
  }

  /** Ends the process with `code`; `drainMs` delays `exited` (output still being read), as a pipe can. */
  exit(code: number, drainMs = 0): Promise<never> {
    this.#proc.end({ code, signal: null, at: Date.now() }, drainMs);
    return new Promise<never>(() => undefined);
  }

  /** Does nothing more until killed. */
  hang(): Promise<never> {
    return new Promise<never>(() => undefined);
  }

  /** Answers every event with its own body, forever. */
  async echoLoop(): Promise<never> {
    for (;;) {
      const ev = await this.next();
      await this.respond(ev.requestId, ev.body);
    }
  }

  close(): void {
    void this.#client.destroy().catch(() => undefined);
  }

  async #post(path: string, body: string, headers: Record<string, string> = {}): Promise<void> {
    const res = await this.#client.request({ method: 'POST', path, body, headers: { 'content-type': 'application/json', ...headers } });
    const text = await res.body.text();
    if (res.statusCode !== 202) throw new Error(`POST ${path} answered ${res.statusCode}: ${text}`);
  }
}

/** A runtime "process": a script in this Node process, with an exit the environment can observe and signals it can send. */
export class FakeProcess implements RuntimeProcess {
  readonly pid = nextPid++;
  readonly exited: Promise<ExitInfo>;
  readonly signals: NodeJS.Signals[] = [];
  readonly runtime: FakeRuntime;
  #exit: ExitInfo | undefined;
  #resolve!: (e: ExitInfo) => void;
  readonly #ignoreSigterm: boolean;

  constructor(launch: LaunchSpec, tmpDir: string, generation: number, script: FakeScript, ignoreSigterm: boolean) {
    this.exited = new Promise((resolve) => {
      this.#resolve = resolve;
    });
    this.#ignoreSigterm = ignoreSigterm;
    this.runtime = new FakeRuntime(this, launch, tmpDir, generation);
    script(this.runtime).catch((err: unknown) => {
      // a call cut by our own death is expected; anything else is the script's failure: exit 1
      if (this.#exit) return;
      launch.onLine('stderr', `fake runtime: ${(err as Error).message}`, Date.now());
      this.end({ code: 1, signal: null, at: Date.now() }, 0);
    });
  }

  get hasExited(): boolean {
    return this.#exit !== undefined;
  }

  signal(sig: NodeJS.Signals): void {
    if (this.#exit) return;
    this.signals.push(sig);
    if (sig === 'SIGKILL' || (sig === 'SIGTERM' && !this.#ignoreSigterm)) this.end({ code: null, signal: sig, at: Date.now() }, 0);
  }

  kill(): Promise<ExitInfo> {
    this.signal('SIGKILL');
    return this.exited;
  }

  /** Makes it die now, as a crash would (SIGSEGV by default). */
  crash(signal: NodeJS.Signals = 'SIGSEGV'): void {
    this.end({ code: null, signal, at: Date.now() }, 0);
  }

  peakRssKb(): number {
    return 4096;
  }

  end(e: ExitInfo, drainMs: number): void {
    if (this.#exit) return;
    this.#exit = e;
    this.runtime.close();
    // The exit is seen at once (hasExited); `exited` settles once "output is read", a turn or more later.
    if (drainMs > 0) setTimeout(() => this.#resolve(e), drainMs);
    else setImmediate(() => this.#resolve(e));
  }
}

class FakeSandbox implements EnvironmentSandbox {
  readonly paths: DriverPaths;
  readonly spec: SandboxSpec;
  disposed = false;
  readonly #driver: FakeDriver;

  constructor(driver: FakeDriver, spec: SandboxSpec) {
    this.#driver = driver;
    this.spec = spec;
    this.paths = { taskRoot: spec.taskRoot, optDir: spec.optDir, runtimeDir: spec.taskRoot, tmpDir: spec.tmpDir };
  }

  async start(launch: LaunchSpec): Promise<RuntimeProcess> {
    if (this.disposed) throw new Error('fake sandbox used after dispose');
    return this.#driver.spawn(launch, this.spec.tmpDir);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.disposed = true;
  }
}

export interface FakeDriverOptions {
  /** The process ignores SIGTERM (only SIGKILL ends it). */
  ignoreSigterm?: boolean;
}

/** A driver whose processes run scripts: generation n (over all its sandboxes) runs scripts[n-1], the last one repeating. */
export class FakeDriver implements Driver {
  readonly name = 'process' as const;
  readonly pathFidelity = false;
  readonly warning = undefined;
  readonly sandboxes: FakeSandbox[] = [];
  readonly processes: FakeProcess[] = [];
  readonly #scripts: FakeScript[];
  readonly #ignoreSigterm: boolean;

  constructor(scripts: FakeScript | FakeScript[], options: FakeDriverOptions = {}) {
    this.#scripts = Array.isArray(scripts) ? scripts : [scripts];
    this.#ignoreSigterm = options.ignoreSigterm ?? false;
  }

  async open(spec: SandboxSpec): Promise<EnvironmentSandbox> {
    const s = new FakeSandbox(this, spec);
    this.sandboxes.push(s);
    return s;
  }

  spawn(launch: LaunchSpec, tmpDir: string): FakeProcess {
    const n = this.processes.length;
    const script = this.#scripts[Math.min(n, this.#scripts.length - 1)] as FakeScript;
    const p = new FakeProcess(launch, tmpDir, n + 1, script, this.#ignoreSigterm);
    this.processes.push(p);
    return p;
  }
}

export const FAKE_CONFIG: FunctionConfig = {
  functionName: 'fake',
  functionVersion: '$LATEST',
  memoryMb: 128,
  timeoutS: 3,
  region: 'us-east-1',
  handler: 'fake.handler',
  initializationType: 'on-demand',
  logGroupName: '/aws/lambda/fake',
  logStreamName: '2026/01/01/[$LATEST]00000000000000000000000000000000',
};

/** Options of an environment run by `driver`, in a fresh work folder (the files are never read). */
export function fakeEnvironmentOptions(driver: Driver, over: Partial<ExecutionEnvironmentOptions> = {}): ExecutionEnvironmentOptions {
  const workDir = mkdtempSync(join(tmpdir(), 'bootspec-fake-env-'));
  const taskRoot = join(workDir, 'task');
  const optDir = join(workDir, 'opt');
  mkdirSync(taskRoot);
  mkdirSync(optDir);
  return {
    files: { taskRoot, optDir, bootstrap: '/var/task/bootstrap', bootstrapHostPath: join(taskRoot, 'bootstrap'), unzippedBytes: 0 },
    driver,
    config: FAKE_CONFIG,
    workDir,
    shutdownGraceMs: 0,
    ...over,
  };
}

/** Waits for a condition, polling each few ms, up to `ms`; the message says what was awaited. */
export async function until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(5);
  }
}
