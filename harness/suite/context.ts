import type { ExchangeRecord } from '../api/types.ts';
import { ContainerDriver } from '../drivers/container.ts';
import type { ContainerTarget } from '../drivers/container-types.ts';
import { ProcessDriver } from '../drivers/process.ts';
import type { Driver } from '../drivers/types.ts';
import { BootspecError, ErrorCodes } from '../errors.ts';
import { defaultFunctionConfig } from '../environment/env.ts';
import type { AssembledFiles, RuntimeManifest } from '../environment/types.ts';
import { ExecutionEnvironment } from '../invoke/execution-environment.ts';
import type { InvocationRecord, InvokeOptions } from '../invoke/types.ts';
import type { Evidence, ExchangeEvidence, ScenarioMeta } from './types.ts';

/** What a suite run is about, handed from the CLI to the vitest workers (serialisable). */
export interface RunTarget {
  manifest: RuntimeManifest;
  files: AssembledFiles;
  workDir: string;
  driver: 'process' | 'container';
  /** The prepared container run (image built, labels chosen) when driver is 'container'. */
  container?: ContainerTarget;
  noSandbox: boolean;
  /** Idle gap of the long-poll scenario (ms). */
  idleMs: number;
  thorough: boolean;
}

export interface FailureDetail {
  message: string;
  expected?: string;
  actual?: string;
  /** The invocations that show it; default: every invocation of the scenario. */
  records?: InvocationRecord[];
  /** Extra exchanges (e.g. of a whole environment) when records do not hold them. */
  exchanges?: readonly ExchangeRecord[];
}

/** Thrown by a scenario when the runtime broke the requirement; becomes fail (MUST) or warn (SHOULD). */
export class ScenarioFailure extends Error {
  readonly detail: FailureDetail;
  constructor(detail: FailureDetail) {
    super(detail.message);
    this.detail = detail;
  }
}

export interface EnvironmentSpec {
  timeoutS?: number;
  memoryMb?: number;
  extraEnv?: Record<string, string>;
  dropEnv?: string[];
  initBudgetMs?: number;
  sendInvocationId?: boolean;
  retryInitOnInvoke?: boolean;
  handler?: string;
}

/**
 * What a scenario body works with: fresh execution environments of the runtime under test, an
 * invoker that keeps every record as evidence, and checks that stop the scenario with
 * requirement/expected/actual when the runtime misbehaves.
 */
export class ScenarioContext {
  readonly target: RunTarget;
  readonly meta: ScenarioMeta;
  readonly records: InvocationRecord[] = [];
  readonly environments: ExecutionEnvironment[] = [];
  #driver: Driver;
  #note: string | undefined;

  constructor(target: RunTarget, meta: ScenarioMeta) {
    this.target = target;
    this.meta = meta;
    this.#driver = driverFor(target);
  }

  get manifest(): RuntimeManifest {
    return this.target.manifest;
  }

  get pathFidelity(): boolean {
    return this.#driver.pathFidelity;
  }

  get driverName(): Driver['name'] {
    return this.#driver.name;
  }

  /** Runs a command in an environment's sandbox, next to its runtime (container driver only). */
  async sandboxExec(env: ExecutionEnvironment, argv: string[], user: 'function' | 'root' = 'function'): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    if (!this.#driver.exec) {
      throw new BootspecError(ErrorCodes.USAGE, `the ${this.#driver.name} driver cannot run commands in a sandbox`, {
        hint: 'declare needsDriver: "container" on the scenario, so other drivers skip it',
      });
    }
    return this.#driver.exec(env.tmpDir, argv, user);
  }

  /** A new execution environment of the runtime under test; closed when the scenario ends. */
  async environment(spec: EnvironmentSpec = {}): Promise<ExecutionEnvironment> {
    const m = this.target.manifest;
    const env = await ExecutionEnvironment.create({
      files: this.target.files,
      driver: this.#driver,
      config: defaultFunctionConfig(m, {
        timeoutS: spec.timeoutS ?? 3,
        memoryMb: spec.memoryMb ?? 128,
        ...(spec.handler === undefined ? {} : { handler: spec.handler }),
      }),
      manifestEnv: m.env,
      extraEnv: spec.extraEnv ?? {},
      dropEnv: spec.dropEnv ?? [],
      workDir: this.target.workDir,
      shutdownGraceMs: 0,
      ...(spec.initBudgetMs === undefined ? {} : { initBudgetMs: spec.initBudgetMs }),
      ...(spec.sendInvocationId === undefined ? {} : { sendInvocationId: spec.sendInvocationId }),
      ...(spec.retryInitOnInvoke === undefined ? {} : { retryInitOnInvoke: spec.retryInitOnInvoke }),
    });
    this.environments.push(env);
    return env;
  }

  async invoke(env: ExecutionEnvironment, options: InvokeOptions = {}): Promise<InvocationRecord> {
    const r = await env.invoke(options);
    this.records.push(r);
    return r;
  }

  /** Invokes with a probe event (PROBE.md §2). */
  probe(env: ExecutionEnvironment, event: Record<string, unknown>, options: Omit<InvokeOptions, 'event'> = {}): Promise<InvocationRecord> {
    return this.invoke(env, { ...options, event });
  }

  /** The parsed JSON result of a successful invocation; anything else fails the scenario. */
  result<T = unknown>(r: InvocationRecord, what = 'the probe'): T {
    if (r.outcome !== 'success') {
      this.fail({
        message: `${what} did not succeed: ${r.outcome}${r.errorType ? ` (${r.errorType})` : ''}`,
        expected: 'a successful invocation',
        actual: `${r.outcome}: ${excerpt(r.response.payload.toString('utf8'), 300)}`,
      });
    }
    try {
      return JSON.parse(r.response.payload.toString('utf8')) as T;
    } catch {
      return this.fail({
        message: `${what} returned a body that is not JSON`,
        expected: 'a JSON document',
        actual: excerpt(r.response.payload.toString('utf8'), 300),
        records: [r],
      });
    }
  }

  check(condition: boolean, detail: FailureDetail): asserts condition {
    if (!condition) throw new ScenarioFailure(detail);
  }

  fail(detail: FailureDetail): never {
    throw new ScenarioFailure(detail);
  }

  /** A message for a passing verdict (e.g. an INFO finding). */
  note(message: string): void {
    this.#note = message;
  }

  get noteText(): string | undefined {
    return this.#note;
  }

  evidence(detail?: FailureDetail): Evidence {
    const records = detail?.records ?? this.records;
    const seen = new Map<string, ExchangeRecord>();
    const add = (e: ExchangeRecord, env: number) => seen.set(`${env}:${e.seq}`, e);
    for (const r of records) for (const e of r.exchanges) add(e, this.#envIndexOf(r));
    for (const e of detail?.exchanges ?? []) add(e, -1);
    const exchanges = [...seen.values()].sort((a, b) => a.startedAt - b.startedAt).slice(-40).map(toEvidence);
    const lines = records.length
      ? records.flatMap((r) => r.logs)
      : this.environments.flatMap((e) => e.logs);
    const logTail = lines.slice(-30).map((l) => `${l.stream === 'platform' ? '' : `${l.stream} | `}${l.text}`);
    return { exchanges, logTail };
  }

  async close(): Promise<void> {
    await Promise.all(this.environments.map((e) => e.close()));
  }

  #envIndexOf(r: InvocationRecord): number {
    return this.environments.findIndex((e) => e.logs.some((l) => l.requestId === r.requestId));
  }
}

function driverFor(target: RunTarget): Driver {
  if (target.driver === 'process') return new ProcessDriver({ noSandbox: target.noSandbox });
  if (!target.container) {
    throw new BootspecError(ErrorCodes.USAGE, 'a container run needs its prepared container target', {
      hint: 'prepare it with ContainerDriver.prepare() (bootspec run --driver container does)',
    });
  }
  return new ContainerDriver(target.container);
}

export function excerpt(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}… (${s.length - max} more chars)`;
}

const SHOWN_HEADERS = /^(lambda-runtime-|content-type|content-length|transfer-encoding|trailer|user-agent)/;

function toEvidence(e: ExchangeRecord): ExchangeEvidence {
  const pick = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).filter(([k]) => SHOWN_HEADERS.test(k)));
  return {
    method: e.method,
    path: e.path,
    status: e.status,
    requestHeaders: pick(e.requestHeaders),
    responseHeaders: pick(e.responseHeaders),
    requestBody: excerpt(e.requestBodyExcerpt, 400),
    requestBodyBytes: e.requestBodyBytes,
    responseBody: excerpt(e.responseBodyExcerpt, 400),
    responseBodyBytes: e.responseBodyBytes,
    startedAt: e.startedAt,
    durationMs: e.endedAt - e.startedAt,
    clientAborted: e.clientAborted,
    generation: e.generation,
  };
}
