import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { now } from '../clock.ts';
import { RuntimeApi } from '../api/runtime-api.ts';
import type { InitPhase } from '../api/telemetry/types.ts';
import type { ApiObservations, ExchangeRecord, FaultInjection, RuntimeResult } from '../api/types.ts';
import type { EnvironmentSandbox, ExitInfo, RuntimeProcess } from '../drivers/types.ts';
import { buildEnvironment } from '../environment/env.ts';
import type { FunctionConfig } from '../environment/types.ts';
import { BootspecError, ErrorCodes } from '../errors.ts';
import { EnvironmentExtensions, type ExtensionFault } from './environment-extensions.ts';
import { extensionInitFailure } from './extension-phases.ts';
import type { FrameError, LogFrame } from './log-frames.ts';
import { LogIntake } from './log-intake.ts';
import { finishInvocation, type InvocationStart } from './invocation-record.ts';
import { endOfInit, shutDown } from './phases.ts';
import { restoreAfterSnapshot } from './restore-phase.ts';
import { EnvironmentLifecycle, type EnvironmentState, type LifecycleEvent } from './lifecycle.ts';
import { LogBuffer } from './log-buffer.ts';
import { type ManagedHost, ManagedInvoker, managedApiOptions } from './managed-invoke.ts';
import { managedConcurrency } from '../environment/managed.ts';
import { MemorySampler } from './memory-sampler.ts';
import { fromRace, initErrorType, invokeResponse, type Raced } from './outcome.ts';
import { initReportLine, startLine } from './platform-lines.ts';
import { reportInit, reportInvocationEnd, reportRuntimeDone, reportStart, withTelemetry } from './telemetry-moments.ts';
import { WatchedProcess } from './process-watch.ts';
import { InvocationRace } from './race.ts';
import { buildRequest, functionArn } from './request.ts';
import { InvocationSlots } from './serial-queue.ts';
import type { ExecutionEnvironmentOptions, InitAttempt, InvocationRecord, InvokeOptions, LogLine } from './types.ts';

export type { ExecutionEnvironmentOptions } from './types.ts';
export type { EnvironmentState, LifecycleEvent } from './lifecycle.ts';

/** Longest wait, after a result, for the runtime's next /next before the invocation's record closes. */
const INVOCATION_END_GRACE_MS = 250;

type Settings = Required<Omit<ExecutionEnvironmentOptions, 'onLog' | 'onLifecycle' | 'recordExchanges' | 'telemetryLogFd'>>;

/**
 * One Lambda execution environment: a sandbox opened by the driver, a Runtime API endpoint, a private
 * /tmp, and the runtime process behind them, with Lambda's lifecycle as an explicit state machine
 * (lifecycle.ts): init ends at the first /next within a budget; a timeout or crash resets the
 * environment and the next invoke re-inits (suppressed init), /tmp kept; close is a shutdown phase.
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
 */
export class ExecutionEnvironment {
  readonly api: RuntimeApi;
  readonly tmpDir: string;
  readonly #o: Settings;
  readonly #lifecycle: EnvironmentLifecycle;
  readonly #logs: LogBuffer;
  readonly #memory = new MemorySampler();
  /** One invocation at a time, as Lambda gives an on-demand environment. */
  readonly #slots = new InvocationSlots(1);
  #sandbox: EnvironmentSandbox | undefined;
  /** The runtime process while it runs; cleared when it exits. */
  #runtime: WatchedProcess | undefined;
  /** The newest process, kept after it exited (for its exit status). */
  #lastProc: RuntimeProcess | undefined;
  readonly #extensions: EnvironmentExtensions;
  readonly #intake: LogIntake;
  /** When the current init attempt started (its telemetry times are counted from it). */
  #initStartedAt = 0;
  /** Lambda Managed Instances: several invocations at once (managed-invoke.ts); undefined: classic. */
  readonly managed: ManagedInvoker | undefined;
  #managedInit: Promise<InitAttempt> | undefined;

  private constructor(api: RuntimeApi, options: ExecutionEnvironmentOptions) {
    this.api = api;
    this.#o = {
      manifestEnv: {},
      extraEnv: {},
      dropEnv: [],
      initBudgetMs: 10_000,
      record: true,
      sendInvocationId: true,
      retryInitOnInvoke: true,
      initErrorExitGraceMs: 2_000,
      shutdownGraceMs: 300,
      ...options,
    };
    this.#logs = new LogBuffer(this.#o.record, withTelemetry(api.telemetry, options.onLog));
    this.#lifecycle = new EnvironmentLifecycle(options.onLifecycle);
    this.#extensions = new EnvironmentExtensions(api.extensions, this.#lifecycle, this.#logs, options.files.optDir);
    this.tmpDir = mkdtempSync(join(options.workDir, 'tmp-'));
    const n = managedConcurrency(options.config);
    this.managed = n === undefined ? undefined : new ManagedInvoker(n, this.#managedHost());
    this.#intake = new LogIntake(this.#logs, {
      managed: this.managed !== undefined,
      offersLogFd: options.telemetryLogFd === true && options.driver.telemetryLogFd === true,
      generation: () => this.api.generation,
    });
  }

  /** What managed-instances invocations use of this environment: one init at a time, joined by all who wait. */
  #managedHost(): ManagedHost {
    const o = this.#o;
    return {
      api: this.api,
      config: o.config,
      logs: this.#logs,
      sendInvocationId: o.sendInvocationId,
      initBudgetMs: o.initBudgetMs,
      ready: () => this.#lifecycle.state === 'ready',
      init: (budgetMs) => this.#managedInitOnce(budgetMs),
      runtime: () => this.#runtime,
      admit: this.#admit,
    };
  }

  /** Managed Instances: one init at a time; whoever asks meanwhile waits for the same one. */
  #managedInitOnce(budgetMs: number): Promise<InitAttempt> {
    this.#managedInit ??= this.#initAttempt(budgetMs).finally(() => {
      this.#managedInit = undefined;
    });
    return this.#managedInit;
  }

  static async create(options: ExecutionEnvironmentOptions): Promise<ExecutionEnvironment> {
    const c = options.config;
    const accountId = functionArn(c).split(':')[4] ?? '';
    const extensionMetadata = { functionName: c.functionName, functionVersion: c.functionVersion, handler: c.handler, accountId };
    const snapStart = c.initializationType === 'snap-start';
    const api = await RuntimeApi.start({ ...managedApiOptions(c), record: options.recordExchanges ?? options.record ?? true, extensionMetadata, snapStart });
    const env = new ExecutionEnvironment(api, options);
    // The sandbox (a container) exists before Init starts, as on Lambda: its set-up is not init time.
    const sandbox = { taskRoot: options.files.taskRoot, optDir: options.files.optDir, tmpDir: env.tmpDir, memoryMb: options.config.memoryMb };
    try {
      env.#sandbox = await options.driver.open(sandbox);
    } catch (err) {
      await env.close();
      throw err;
    }
    return env;
  }

  get config(): FunctionConfig {
    return this.#o.config;
  }

  /** Where the environment is in its lifecycle. */
  get state(): EnvironmentState {
    return this.#lifecycle.state;
  }

  /** What happened to it so far: spawns, inits, exits, kills, the shutdown phase. */
  get lifecycle(): LifecycleEvent[] {
    return this.#lifecycle.events;
  }

  /** Every line of its processes and the platform's, all generations (when recording). */
  get logs(): LogLine[] {
    return this.#logs.lines;
  }

  /** True while a runtime process is up and past init (idle or invoked). */
  get ready(): boolean {
    const s = this.#lifecycle.state;
    return s === 'ready' || s === 'invoking';
  }

  get process(): RuntimeProcess | undefined {
    return this.#runtime?.proc;
  }

  /** The driver's handle on this environment's sandbox (e.g. to run a command next to the runtime). */
  get sandbox(): EnvironmentSandbox {
    if (!this.#sandbox || this.#lifecycle.closing) throw closedError();
    return this.#sandbox;
  }

  /** Every exchange recorded so far in this environment, all generations. */
  get exchanges(): readonly ExchangeRecord[] {
    return this.api.log.records;
  }

  get observations(): Readonly<ApiObservations> {
    return this.api.observations;
  }

  /** The next `times` requests to a route get a 500 from the Runtime API. */
  injectFault(fault: FaultInjection): void {
    this.api.inject(fault);
  }

  /** Stops the Runtime API: the runtime's connections are cut and new ones are refused. */
  async cutRuntimeApi(): Promise<void> {
    await this.api.close();
  }

  /** Waits up to `ms` for the runtime process to exit by itself; undefined if it is still running. */
  async waitForExit(ms: number): Promise<ExitInfo | undefined> {
    const proc = this.#lastProc;
    if (!proc) return undefined;
    return Promise.race([proc.exited, sleep(ms, undefined, { ref: false }).then(() => undefined)]);
  }

  /** Runs the init phase now (a warm-up), instead of at the first invoke. */
  init(): Promise<InitAttempt> {
    if (this.managed) return this.#managedInitOnce(this.#o.initBudgetMs);
    return this.#slots.run(this.#initTask, undefined, this.#admit);
  }

  /** Invokes the function once; invocations are served one at a time, in call order. */
  invoke(options: InvokeOptions = {}): Promise<InvocationRecord> {
    if (this.managed) return this.managed.invoke(options);
    return this.#slots.run(this.#invokeTask, options, this.#admit);
  }

  /**
   * The shutdown phase: SIGTERM, up to `shutdownGraceMs` for the runtime to exit, then SIGKILL
   * (at once when the grace is 0, as Lambda without extensions), each step recorded; then the
   * sandbox, the Runtime API and /tmp go.
   */
  async close(): Promise<void> {
    if (this.#lifecycle.closing) return;
    this.#lifecycle.to('shutting-down');
    // Subscribers get what is buffered while their extensions still run (bounded: never holds up close).
    await this.api.telemetry.flush();
    const proc = this.#runtime?.proc;
    if (this.#extensions.active) await this.#extensions.shutDown('spindown', proc, this.api.generation);
    else if (proc && !proc.hasExited) await shutDown(proc, this.#o.shutdownGraceMs, this.#lifecycle, this.api.generation);
    try {
      await this.#intake.close();
      // e.g. the container driver removes the environment's sandbox container
      await this.#sandbox?.[Symbol.asyncDispose]();
    } finally {
      await this.api.close();
      rmSync(this.tmpDir, { recursive: true, force: true });
      this.#lifecycle.to('closed');
      this.#event('closed');
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // Bound once: the slots take a method and its argument, so an invoke creates no closure.
  readonly #invokeTask = (options: InvokeOptions) => this.#invoke(options);
  readonly #initTask = () => this.#init();
  readonly #admit = () => {
    if (this.#lifecycle.closing) throw closedError();
  };

  async #init(): Promise<InitAttempt> {
    const a = await this.#initAttempt(this.#o.initBudgetMs);
    if (a.kind !== 'ready') this.#logs.platform(initReportLine(a.durationMs, a.kind === 'timeout' ? 'timeout' : 'error', initErrorType(a)), this.api.generation);
    return a;
  }

  async #invoke(options: InvokeOptions): Promise<InvocationRecord> {
    const o = this.#o;
    const queuedAt = now();
    const request = buildRequest(options, o.config, o.sendInvocationId);
    const timeoutMs = options.timeoutMs ?? o.config.timeoutS * 1000;
    const logMark = this.api.log.mark();
    const lines: LogLine[] = [];
    this.#logs.collect(lines);
    const inits: InitAttempt[] = [];
    let coldStart = false;
    let initDurationMs: number | undefined;

    if (this.#lifecycle.state === 'fresh') {
      coldStart = true;
      const a = await this.#initAttempt(o.initBudgetMs);
      inits.push(a);
      if (a.kind === 'ready') initDurationMs = a.durationMs;
      else this.#logs.platform(initReportLine(a.durationMs, a.kind === 'timeout' ? 'timeout' : 'error', initErrorType(a)), this.api.generation);
    }

    const startedAt = now();
    const deadline = startedAt + timeoutMs;
    // Whole epoch milliseconds, as Lambda sends them.
    request.deadlineMs = Math.floor(options.deadlineMs ?? deadline);
    this.#logs.requestId = request.requestId;
    this.#logs.platform(startLine(request.requestId, o.config.functionVersion), this.api.generation);
    reportStart(this.api.telemetry, request, o.config.functionVersion);
    const start: InvocationStart = { request, queuedAt, startedAt, timeoutMs, logMark, lines, inits, coldStart, initDurationMs };

    let suppressedInit = false;
    for (let attempt = 0; ; attempt++) {
      if (this.#lifecycle.state !== 'ready') {
        // resetting: the last init failed, or the runtime died since; Lambda inits again inside this invoke
        suppressedInit = true;
        const last = inits.at(-1);
        const a = attempt === 0 && coldStart && !o.retryInitOnInvoke && last ? last : await this.#initAttempt(Math.max(0, deadline - now()), 'invoke');
        if (a !== last) inits.push(a);
        if (a.kind !== 'ready') return this.#finish(start, suppressedInit, { failedInit: a });
      }
      const runtime = this.#runtime as WatchedProcess;
      const proc = runtime.proc;
      this.#lifecycle.to('invoking');
      const resultP = this.api.invoke(request);
      if (this.#extensions.active) this.api.extensions.dispatchInvoke(request);
      const inflight = this.api.inflight;
      const raced = await this.#race(resultP, runtime, Math.max(0, deadline - now()));
      const verdict = fromRace(raced, request.requestId, timeoutMs);
      // Lambda answers a synchronous caller once the result is posted, not when the runtime next asks.
      if (raced.tag === 'result') options.onResponse?.(request.requestId, invokeResponse(verdict));
      const maxMemKb = o.record ? this.#memory.peakKb(proc, now() - startedAt) : 0;
      const deliveries = inflight?.deliveries ?? 0;
      const deliveredAt = inflight?.firstDeliveredAt;
      if (raced.tag === 'exit' && deliveries === 0 && attempt === 0) {
        // The process died before the event reached it, i.e. between invocations as far as the
        // platform can tell (an exit right after posting a result races our invoke). Lambda resets
        // on that exit, so this event gets a fresh process: a suppressed init, once.
        this.api.abandon();
        this.#lifecycle.to('resetting');
        continue;
      }
      // The invocation ends when the runtime asks for the next one: output it writes until then is
      // this invocation's (a line written before the post may reach the pipe after it). Only when
      // recording: the wait is bounded but not free.
      if (raced.tag === 'result' && o.record) {
        await this.api.whenInvocationEnded(INVOCATION_END_GRACE_MS);
        // one more poll of the pipes: data written before the /next may be read just after it
        await new Promise((resolve) => setImmediate(resolve));
      }
      const telemetry = this.api.telemetry;
      if (telemetry.active) {
        const result = raced.tag === 'result' ? raced.r : undefined;
        reportRuntimeDone(telemetry, { request, outcome: verdict.outcome, errorType: verdict.errorType, deliveredAt: deliveredAt ?? startedAt, result, at: result?.at ?? now() });
        // A reset shuts the extensions down: their subscribers get what is buffered first.
        if (raced.tag !== 'result' && this.#extensions.active) await telemetry.flush();
      }
      // On Lambda the invocation ends when every extension subscribed to INVOKE has called event/next
      // again, within the function's timeout: that time counts in the duration.
      const ext = this.#extensions;
      const extensionsDone = raced.tag !== 'result' || !ext.active || (await ext.ready(deadline - now()));
      if (raced.tag === 'timeout') {
        this.#event('kill', 'invoke timeout');
        this.api.abandon();
        this.api.runtimeKilled();
        if (ext.active) await ext.shutDown('timeout', proc, this.api.generation);
        else await proc.kill();
      } else if (raced.tag === 'exit') {
        this.api.abandon();
        if (ext.active) await ext.shutDown('failure', proc, this.api.generation);
      } else if (!extensionsDone) {
        const fault = ext.fault;
        this.#event('kill', fault?.message ?? 'extensions not done by the deadline');
        await ext.shutDown(fault ? 'failure' : 'timeout', proc, this.api.generation);
      }
      // Still the same live process: warm for the next invoke. Otherwise (timeout, crash, or an exit
      // right after its result) the next invoke re-inits.
      this.#lifecycle.to(raced.tag === 'result' && this.#runtime === runtime && extensionsDone ? 'ready' : 'resetting');
      if (this.#lifecycle.state === 'ready') this.#timeOutUnendedInvocation(runtime, deadline);
      return this.#finish(start, suppressedInit, { raced, verdict, maxMemKb, deliveries, deliveredAt });
    }
  }

  #finish(start: InvocationStart, suppressedInit: boolean, end: Parameters<typeof finishInvocation>[2]): InvocationRecord {
    const record = finishInvocation(start, suppressedInit, end, this.#o.config.memoryMb, this.api, this.#logs);
    reportInvocationEnd(this.api.telemetry, record, this.#o.config.memoryMb, 'failedInit' in end);
    return record;
  }

  /**
   * The caller has its result, but the invocation lasts until the runtime asks for the next one.
   * If that has not happened by the deadline, Lambda times the invocation out like any other and
   * resets the environment ("Task timed out", then a fresh init), as the emulator does (a post
   * after that is an unknown id on a closed connection). The kill is what the exit watcher sees:
   * it moves a ready environment to resetting; an invoke already queued behind sees the exit
   * before its delivery and re-inits.
   */
  #timeOutUnendedInvocation(runtime: WatchedProcess, deadline: number): void {
    if (this.api.state !== 'RuntimeResponseSentState') return;
    const generation = this.api.generation;
    void this.api.whenInvocationEnded(Math.max(0, deadline - now())).then(async () => {
      const unended = this.api.state === 'RuntimeResponseSentState' && this.api.generation === generation;
      if (!unended || this.#runtime !== runtime || this.#lifecycle.closing) return;
      this.#event('kill', 'invoke timeout: the result was posted, but the runtime did not ask for the next event by the deadline');
      this.api.runtimeKilled();
      if (this.#extensions.active) await this.#extensions.shutDown('timeout', runtime.proc, generation);
      else await runtime.proc.kill();
    });
  }

  /**
   * Result, exit or timeout, whichever comes first. Unlike Promise.race with the process's exit
   * promise, it leaves nothing behind: no reaction per invoke on a promise that lives as long as the
   * process (a leak over millions of invokes in `serve`), no pending timer per invoke.
   */
  #race(result: Promise<RuntimeResult>, runtime: WatchedProcess, timeoutMs: number): Promise<Raced> {
    const proc = runtime.proc;
    return new InvocationRace(result, proc.hasExited ? proc.exited : undefined, timeoutMs, runtime.exitWaiters).settled;
  }

  /** One init phase, reported to the Telemetry API's subscribers (phase `invoke`: a suppressed init). */
  async #initAttempt(budgetMs: number, phase: InitPhase = 'init'): Promise<InitAttempt> {
    const init = await this.#runInit(budgetMs, phase);
    // SnapStart: an init that ended at restore/next is followed by its restore phase (restore-phase.ts).
    const restore = { t0: this.#initStartedAt, budgetMs: this.#o.initBudgetMs, exitGraceMs: this.#o.initErrorExitGraceMs };
    const a = await restoreAfterSnapshot(this.api, this.#runtime?.proc, init, restore, this.#lifecycle);
    reportInit(this.api.telemetry, a, phase, this.#initStartedAt, this.api.extensions.registered);
    return a;
  }

  /** One init phase: a fresh runtime process (the old one killed), ended by its first /next, an error, an exit or the budget. */
  async #runInit(budgetMs: number, phase: InitPhase): Promise<InitAttempt> {
    // close() may have begun while this invoke waited: start nothing new in a closing environment
    if (this.#lifecycle.closing) throw closedError();
    this.#lifecycle.to('initializing');
    const o = this.#o;
    const old = this.#runtime?.proc;
    if (old && !old.hasExited) {
      this.#event('kill', 'reset before re-init');
      await old.kill();
    }
    await this.#extensions.kill('reset before re-init');
    this.api.beginGeneration();
    const generation = this.api.generation;
    const t0 = now();
    this.#initStartedAt = t0;
    this.api.telemetry.beginInit(phase, t0);
    const sandbox = this.sandbox;
    const env = buildEnvironment({ config: o.config, paths: sandbox.paths, runtimeApi: this.api.address, manifestEnv: o.manifestEnv, extra: o.extraEnv });
    for (const name of o.dropEnv) delete env[name];
    let started: ExtensionFault | 'timeout' | undefined;
    try {
      started = await this.#extensions.start(sandbox, env, generation, budgetMs);
    } catch (err) {
      this.#lifecycle.to('resetting');
      throw err;
    }
    if (started) return this.#failInitForExtensions(generation, t0, started === 'timeout' ? undefined : started);
    this.#event('spawn');
    let proc: RuntimeProcess;
    try {
      const intake = await this.#intake.forProcess(sandbox, generation);
      proc = await sandbox.start({ ...intake, bootstrap: o.files.bootstrap, env: { ...env, ...intake.env } });
    } catch (err) {
      this.#lifecycle.to('resetting');
      throw err;
    }
    this.#runtime = new WatchedProcess(proc, 'runtime', generation, this.#onExit);
    this.#lastProc = proc;

    const a = await endOfInit(this.api, proc, { t0, generation, initErrorExitGraceMs: o.initErrorExitGraceMs, budgetMs: Math.max(0, budgetMs - (now() - t0)) }, this.#lifecycle);
    this.api.extensions.closeRegistration();
    // Init ends when the runtime and every registered extension are ready; subscriptions stay open till then.
    const extensionsReady = a.kind === 'ready' && this.#extensions.active ? await this.#extensions.ready(budgetMs - (now() - t0)) : undefined;
    this.api.extensions.closeSubscriptions();
    if (extensionsReady === undefined) return a;
    if (extensionsReady) return { ...a, durationMs: Math.max(a.durationMs, now() - t0) };
    this.#lifecycle.to('resetting');
    return this.#failInitForExtensions(a.generation, t0, this.#extensions.fault);
  }

  /** Frames read from the telemetry log fd, all generations, and where the framing broke. */
  get logFrames(): readonly LogFrame[] {
    return this.#intake.frames;
  }

  get logFrameErrors(): readonly (FrameError & { generation: number })[] {
    return this.#intake.frameErrors;
  }

  /** True when the runtime is offered `_LAMBDA_TELEMETRY_LOG_FD` (asked for, and the driver can). */
  get telemetryLogFdOffered(): boolean {
    return this.#intake.offersLogFd;
  }

  /** An init that failed for its extensions: everything of the generation is killed. */
  async #failInitForExtensions(generation: number, t0: number, fault: ExtensionFault | undefined): Promise<InitAttempt> {
    if (this.#lifecycle.state === 'initializing') this.#lifecycle.to('resetting');
    const rt = this.#runtime?.proc;
    if (rt && !rt.hasExited) {
      this.#event('kill', fault ? fault.message : 'extensions not ready within the init budget');
      await rt.kill();
    }
    await this.#extensions.kill(fault ? fault.message : 'init timeout');
    const durationMs = now() - t0;
    return fault ? extensionInitFailure(generation, durationMs, fault.errorType, fault.message) : { kind: 'timeout', generation, durationMs };
  }

  /** A watched process ended (its racing invocations were told first). */
  readonly #onExit = (watched: WatchedProcess, e: ExitInfo): void => {
    this.#event('exit', e.signal ? `signal ${e.signal}` : `code ${e.code}`, watched.generation);
    if (this.#runtime !== watched) return;
    this.#runtime = undefined;
    // A crash between invocations: the next invoke re-inits. During init or an invocation, the
    // phase in progress sees the exit itself and decides where the environment goes.
    if (this.#lifecycle.state === 'ready') this.#lifecycle.to('resetting');
  };

  #event(kind: LifecycleEvent['kind'], detail?: string, generation = this.api.generation): void {
    this.#lifecycle.record(kind, generation, detail);
  }
}

function closedError(): BootspecError {
  return new BootspecError(ErrorCodes.ENVIRONMENT_CLOSED, 'the execution environment is closed', {
    hint: 'invoke an environment before closing it, or create a new one',
  });
}
