import type { ExchangeRecord } from '../api/types.ts';
import type { ContainerTarget } from '../drivers/container-types.ts';
import { openDriver } from '../drivers/open.ts';
import type { Driver } from '../drivers/types.ts';
import { BootspecError, ErrorCodes } from '../errors.ts';
import { defaultFunctionConfig } from '../environment/env.ts';
import type { AssembledFiles, FunctionLogging, RuntimeManifest } from '../environment/types.ts';
import { ExecutionEnvironment } from '../invoke/execution-environment.ts';
import type { InvocationRecord, InvokeOptions } from '../invoke/types.ts';
import type { Evidence, ExchangeEvidence, ScenarioMeta } from './types.ts';
import { type Counter, COVERED, coveringScenario, Verifier } from './verify.ts';

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
  /** `run --snap-start`: every environment is a SnapStart one (AWS_LAMBDA_INITIALIZATION_TYPE=snap-start). */
  snapStart?: boolean;
  /** `run --max-concurrency N`: the concurrency the concurrency.* scenarios use (default 4). */
  maxConcurrency?: number;
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

/**
 * Thrown when the runtime does not use the optional behaviour a scenario judges (it sends no X-Ray
 * cause, say): there is nothing to judge, which is not a pass. Becomes `unsupported`.
 */
export class NothingToJudge extends Error {}

/**
 * Thrown when something the scenario relies on, and that another scenario judges, is broken: the
 * scenario cannot judge its own subject. Becomes `precondition-failed`, naming `coveredBy`.
 */
export class PreconditionFailure extends Error {
  readonly detail: FailureDetail;
  readonly coveredBy: string;
  constructor(detail: FailureDetail, coveredBy: string) {
    super(detail.message);
    this.detail = detail;
    this.coveredBy = coveredBy;
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
  /** The function's files laid out otherwise (extra layers, the bootstrap moved into a layer); default: the runtime's own. */
  files?: AssembledFiles;
  /** The function's logging configuration (sets AWS_LAMBDA_LOG_FORMAT / AWS_LAMBDA_LOG_LEVEL). */
  logging?: FunctionLogging;
  /** Offer `_LAMBDA_TELEMETRY_LOG_FD` and decode its frames (when the driver can: `telemetryLogFdOffered`). */
  telemetryLogFd?: boolean;
  /** SnapStart: init ends at restore/next, then the environment is restored (harness/invoke/restore-phase.ts). Default: the run's. */
  snapStart?: boolean;
  /** Lambda Managed Instances: up to this many invocations at once (AWS_LAMBDA_MAX_CONCURRENCY); see harness/environment/managed.ts. */
  maxConcurrency?: number;
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
  /** Checks of the scenario's own subject: a miss is fail (MUST) or warn (SHOULD). */
  readonly verify: Verifier;
  /** Checks of its preconditions: a miss is precondition-failed, naming the covering scenario. */
  readonly pre: Verifier;
  #driver: Driver;
  #note: string | undefined;

  constructor(target: RunTarget, meta: ScenarioMeta) {
    this.target = target;
    this.meta = meta;
    this.verify = new Verifier({ raise: (detail) => this.fail(detail) });
    this.pre = new Verifier({ raise: (detail, coveredBy) => this.precondition(detail, coveredBy) });
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
    const sandbox = env.sandbox;
    if (!sandbox.exec) {
      throw new BootspecError(ErrorCodes.USAGE, `the ${this.#driver.name} driver cannot run commands in a sandbox`, {
        hint: 'declare needsDriver: "container" on the scenario, so other drivers skip it',
      });
    }
    return sandbox.exec(argv, user);
  }

  /** A new execution environment of the runtime under test; closed when the scenario ends. */
  async environment(spec: EnvironmentSpec = {}): Promise<ExecutionEnvironment> {
    const m = this.target.manifest;
    const env = await ExecutionEnvironment.create({
      files: spec.files ?? this.target.files,
      driver: this.#driver,
      config: defaultFunctionConfig(m, {
        timeoutS: spec.timeoutS ?? 3,
        memoryMb: spec.memoryMb ?? 128,
        ...(spec.handler === undefined ? {} : { handler: spec.handler }),
        ...(spec.logging === undefined ? {} : { logging: spec.logging }),
        ...((spec.snapStart ?? this.target.snapStart) === true ? { initializationType: 'snap-start' as const } : {}),
        ...(spec.maxConcurrency === undefined ? {} : { maxConcurrency: spec.maxConcurrency }),
      }),
      manifestEnv: m.env,
      extraEnv: spec.extraEnv ?? {},
      dropEnv: spec.dropEnv ?? [],
      workDir: this.target.workDir,
      shutdownGraceMs: 0,
      ...(spec.initBudgetMs === undefined ? {} : { initBudgetMs: spec.initBudgetMs }),
      ...(spec.sendInvocationId === undefined ? {} : { sendInvocationId: spec.sendInvocationId }),
      ...(spec.retryInitOnInvoke === undefined ? {} : { retryInitOnInvoke: spec.retryInitOnInvoke }),
      ...(spec.telemetryLogFd === undefined ? {} : { telemetryLogFd: spec.telemetryLogFd }),
    });
    this.environments.push(env);
    return env;
  }

  async invoke(env: ExecutionEnvironment, options: InvokeOptions = {}): Promise<InvocationRecord> {
    const r = await env.invoke(options);
    this.records.push(r);
    return r;
  }

  /** Invokes with a probe event (docs/probe-contract.md#probe-function). */
  probe(env: ExecutionEnvironment, event: Record<string, unknown>, options: Omit<InvokeOptions, 'event'> = {}): Promise<InvocationRecord> {
    return this.invoke(env, { ...options, event });
  }

  /**
   * A set-up step: invokes a probe event that must succeed, and returns its JSON result. When it does
   * not, the scenario's subject cannot be judged: precondition-failed, naming the scenario that
   * covers what broke (the API never reached, init out of time, or that probe operation).
   */
  async given<T = unknown>(env: ExecutionEnvironment, event: Record<string, unknown>, options: Omit<InvokeOptions, 'event'> = {}): Promise<T> {
    const r = await this.probe(env, event, options);
    const op = typeof event.probe === 'string' ? event.probe : undefined;
    if (r.outcome !== 'success') {
      this.precondition(
        { message: `set-up invocation ${op ?? ''} did not succeed: ${r.outcome}${r.errorType ? ` (${r.errorType})` : ''}`, expected: 'a successful invocation', actual: excerpt(r.response.payload.toString('utf8'), 300), records: [r] },
        coveringScenario(env, r, op),
      );
    }
    return this.pre.json<T>(env, r, `set-up invocation ${op ?? ''}`, op);
  }

  /**
   * The precondition of scenarios that judge an unusual environment (variables removed, init made to
   * fail): a default environment serves a plain echo. Checked when their subject failed, so a
   * runtime that never works is blamed once, by the scenario that covers that.
   */
  async baseline(): Promise<void> {
    const env = await this.environment();
    await this.given(env, { probe: 'echo', value: 'baseline' });
  }

  /**
   * Precondition: one process serves consecutive invocations (judged by reuse.globals-warm). Returns
   * the last counter, for a scenario that then checks the process survives something else.
   */
  async givenWarm(env: ExecutionEnvironment): Promise<Counter> {
    const a = await this.given<Counter>(env, { probe: 'counter' });
    const r = await this.probe(env, { probe: 'counter' });
    const b = this.pre.json<Counter>(env, r, 'the second counter invocation', 'counter');
    this.pre.sameProcess(a, b, r, 'a new process served the second of two plain invocations', COVERED.warm);
    return b;
  }

  /** Precondition: the process survives a handler error (judged by errors.warm-after-error). */
  async givenSurvivesError(env: ExecutionEnvironment): Promise<Counter> {
    const before = await this.givenWarm(env);
    await this.probe(env, { probe: 'throw', errorType: 'BootspecProbeError', message: 'set-up error' });
    const r = await this.probe(env, { probe: 'counter' });
    const after = this.pre.json<Counter>(env, r, 'the invocation after a handler error', 'counter');
    this.pre.sameProcess(before, after, r, 'a new process served the invocation after a handler error', COVERED.warmAfterError);
    return after;
  }

  /** Ends the scenario as `unsupported`: the runtime does not use the optional behaviour judged here. */
  nothingToJudge(why: string): never {
    throw new NothingToJudge(why);
  }

  /** Ends the scenario as precondition-failed; a precondition that is the scenario's own subject is a plain failure. */
  precondition(detail: FailureDetail, coveredBy: string): never {
    if (coveredBy === this.meta.id) throw new ScenarioFailure(detail);
    throw new PreconditionFailure({ ...detail, message: `${detail.message} (judged by ${coveredBy})` }, coveredBy);
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

/** The run's driver, opened once per worker process and shared by all its scenarios. */
function driverFor(target: RunTarget): Driver {
  return openDriver(target.driver === 'process' ? { driver: 'process', noSandbox: target.noSandbox } : { driver: 'container', container: target.container });
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
