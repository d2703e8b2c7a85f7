/**
 * bootspec's mock as the server under test: one ExecutionEnvironment (its RuntimeApi, Lambda's
 * lifecycle: init at the first invoke, timeouts, resets, suppressed init) whose "runtime process" is
 * a stand-in the conversation plays, and an invoke endpoint on 127.0.0.1 that answers as `bootspec
 * serve` does. Like the emulator at the pinned version, it takes the request id from X-Amzn-RequestId
 * so both servers deliver the same ids (serve itself does not honour that header yet).
 */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Http1Server } from '../../api/http1/server.ts';
import type { Http1Request, Http1Response } from '../../api/http1/types.ts';
import type { Driver, EnvironmentSandbox, ExitInfo, LaunchSpec, RuntimeProcess, SandboxSpec } from '../../drivers/types.ts';
import type { FunctionConfig } from '../../environment/types.ts';
import { ExecutionEnvironment } from '../../invoke/execution-environment.ts';
import { MAX_REQUEST_PAYLOAD } from '../../invoke/http-endpoint.ts';
import type { InvocationRecord, InvokeOptions } from '../../invoke/types.ts';
import { INVOKE_PATH } from '../grammar.ts';
import type { ServerUnderTest } from '../types.ts';
import { RuntimeLiveness } from './liveness.ts';

/** A runtime process that does nothing by itself: it runs until it is killed or told to exit. */
class StandInProcess implements RuntimeProcess {
  readonly pid = 0;
  readonly exited: Promise<ExitInfo>;
  hasExited = false;
  #resolve!: (e: ExitInfo) => void;

  constructor() {
    this.exited = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  end(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.hasExited) return;
    this.hasExited = true;
    this.#resolve({ code, signal, at: Date.now() });
  }

  signal(sig: NodeJS.Signals): void {
    // A process without handlers dies of SIGTERM, as `sleep` does.
    if (sig === 'SIGTERM' || sig === 'SIGKILL') this.end(null, sig);
  }

  kill(): Promise<ExitInfo> {
    this.end(null, 'SIGKILL');
    return this.exited;
  }

  peakRssKb(): number {
    return 0;
  }
}

/** Opens sandboxes that start stand-in processes, and tells the harness which one is up. */
class StandInDriver implements Driver {
  readonly name = 'process' as const;
  readonly pathFidelity = false;
  readonly warning = undefined;
  readonly live = new RuntimeLiveness();

  async open(spec: SandboxSpec): Promise<EnvironmentSandbox> {
    const live = this.live;
    return {
      paths: { taskRoot: spec.taskRoot, optDir: spec.optDir, runtimeDir: spec.taskRoot, tmpDir: spec.tmpDir },
      async start(launch: LaunchSpec): Promise<RuntimeProcess> {
        const proc = new StandInProcess();
        const port = Number((launch.env.AWS_LAMBDA_RUNTIME_API ?? '').split(':')[1]);
        live.started(port, (code) => proc.end(code, null));
        const generation = live.generation;
        void proc.exited.then(() => live.ended(generation));
        return proc;
      },
      async [Symbol.asyncDispose](): Promise<void> {},
    };
  }
}

export interface MockOptions {
  timeoutS: number;
}

export class MockServer implements ServerUnderTest {
  readonly name = 'mock' as const;
  readonly #driver = new StandInDriver();
  #env!: ExecutionEnvironment;
  #http!: Http1Server;
  #dir: string;

  private constructor(dir: string) {
    this.#dir = dir;
  }

  static async start(o: MockOptions): Promise<MockServer> {
    const dir = mkdtempSync(join(tmpdir(), 'bootspec-fidelity-'));
    const s = new MockServer(dir);
    for (const d of ['task', 'opt', 'work']) mkdirSync(join(dir, d));
    const config: FunctionConfig = {
      functionName: 'test_function',
      functionVersion: '$LATEST',
      memoryMb: 3008,
      timeoutS: o.timeoutS,
      region: 'us-east-1',
      handler: 'function.handler',
      initializationType: 'on-demand',
      logGroupName: '/aws/lambda/test_function',
      logStreamName: '$LATEST',
    };
    const files = { taskRoot: join(dir, 'task'), optDir: join(dir, 'opt'), bootstrap: '/var/task/bootstrap' as const, bootstrapHostPath: join(dir, 'task', 'bootstrap'), unzippedBytes: 0 };
    s.#env = await ExecutionEnvironment.create({ files, driver: s.#driver, config, workDir: join(dir, 'work') });
    s.#http = await Http1Server.listen('127.0.0.1', 0, (req, res) => void s.#handle(req, res), 'a free port is chosen');
    return s;
  }

  get invokePort(): number {
    return this.#http.port;
  }

  get generation(): number {
    return this.#driver.live.generation;
  }

  get runtimeAlive(): boolean {
    return this.#driver.live.alive;
  }

  waitForRuntime(ms: number): Promise<number | undefined> {
    return this.#driver.live.wait(ms);
  }

  exitRuntime(code: number): void {
    this.#driver.live.exit(code);
  }

  async close(): Promise<void> {
    await this.#http?.close();
    await this.#env?.close();
    rmSync(this.#dir, { recursive: true, force: true });
  }

  /** `bootspec serve`'s invoke endpoint (harness/invoke/http-endpoint.ts), reduced to what a conversation sends. */
  async #handle(req: Http1Request, res: Http1Response): Promise<void> {
    const reading = req.readBody(MAX_REQUEST_PAYLOAD);
    if (req.url.split('?')[0] !== INVOKE_PATH) return sendJson(res, 404, { Type: 'User', message: `Unknown path ${req.url}` });
    if (req.method !== 'POST') return sendJson(res, 405, { Type: 'User', message: 'Use POST' });
    const body = await reading;
    if (body.kind === 'truncated') return void res.destroy();
    if (body.kind === 'too-large') return sendJson(res, 413, { Type: 'User', message: `Request must be smaller than ${MAX_REQUEST_PAYLOAD} bytes for the InvokeFunction operation` });
    const h = req.headers;
    const opts: InvokeOptions = {
      event: body.body,
      contentType: h['content-type'] ?? 'application/json',
      clientContext: h['x-amz-client-context'] ? Buffer.from(h['x-amz-client-context'], 'base64').toString('utf8') : null,
      traceId: h['x-amzn-trace-id'],
      onResponse: (id, response) => answerInvoke(res, id, response),
    };
    if (h['x-amzn-requestid']) opts.requestId = h['x-amzn-requestid'];
    if (h['x-amz-tenant-id']) opts.tenantId = h['x-amz-tenant-id'];
    try {
      const record = await this.#env.invoke(opts);
      if (!res.answered) answerInvoke(res, record.requestId, record.response);
    } catch (err) {
      if (!res.answered) sendJson(res, 500, { Type: 'Service', message: (err as Error).message });
    }
  }
}

function answerInvoke(res: Http1Response, requestId: string, response: InvocationRecord['response']): void {
  const headers = ['Content-Type', response.contentType, 'X-Amz-Executed-Version', '$LATEST', 'X-Amzn-RequestId', requestId];
  if (response.functionError) headers.push('X-Amz-Function-Error', response.functionError);
  res.send(200, headers, response.payload);
}

function sendJson(res: Http1Response, status: number, value: unknown): void {
  res.send(status, ['Content-Type', 'application/json'], JSON.stringify(value));
}
