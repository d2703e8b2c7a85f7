import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { now } from '../clock.ts';
import type { ExchangeLogMark } from '../api/recorder.ts';
import { RuntimeApi } from '../api/runtime-api.ts';
import type { ApiObservations, ExchangeRecord, FaultInjection, InvocationRequest, RuntimeResult } from '../api/types.ts';
import type { Driver, ExitInfo, RuntimeProcess } from '../drivers/types.ts';
import { buildEnvironment } from '../environment/env.ts';
import type { AssembledFiles, FunctionConfig } from '../environment/types.ts';
import { BootspecError, ErrorCodes } from '../errors.ts';
import { endLine, initReportLine, reportLine, startLine } from './platform-lines.ts';
import { type ExitWaiter, InvocationRace } from './race.ts';
import { buildRequest } from './request.ts';
import { fromInit, fromRace, initErrorType, invokeResponse, type Raced, type Verdict } from './outcome.ts';
import type { InitAttempt, InvocationRecord, InvokeOptions, LogLine } from './types.ts';

export interface ExecutionEnvironmentOptions {
  files: AssembledFiles;
  driver: Driver;
  config: FunctionConfig;
  /** The manifest's `env` (unreserved variables only; validated when the manifest was read). */
  manifestEnv?: Record<string, string>;
  /** Harness-controlled variables set last, e.g. PROBE_INIT. */
  extraEnv?: Record<string, string>;
  /** Variables to leave out of the runtime's environment (to test that it tolerates their absence). */
  dropEnv?: string[];
  /** Parent folder of this environment's private /tmp. */
  workDir: string;
  /** The init phase budget of on-demand functions: 10 s (SPEC.md §3.1). */
  initBudgetMs?: number;
  /** Record exchanges and logs (default true); off for timed benchmark phases. */
  record?: boolean;
  /** Record the HTTP exchanges (default: as `record`); `serve` keeps logs but has no use for exchanges. */
  recordExchanges?: boolean;
  /** Send Lambda-Runtime-Invocation-Id on /next, as RAPID does since mid-2026 (default true). */
  sendInvocationId?: boolean;
  /** After a failed cold init, re-run init inside the first invoke, as Lambda does (default true). */
  retryInitOnInvoke?: boolean;
  /** How long a runtime that posted /init/error may take to exit before it is killed. */
  initErrorExitGraceMs?: number;
  /** SIGTERM → this grace → SIGKILL at shutdown (0: SIGKILL at once, as Lambda without extensions). */
  shutdownGraceMs?: number;
  onLog?: (line: LogLine) => void;
}

export interface LifecycleEvent {
  at: number;
  kind: 'spawn' | 'ready' | 'init-error' | 'exit' | 'kill' | 'shutdown';
  generation: number;
  detail?: string;
}

/** Longest wait, after a result, for the runtime's next /next before the invocation's record closes. */
const INVOCATION_END_GRACE_MS = 250;

/**
 * One Lambda execution environment: a Runtime API endpoint, a private /tmp, and the runtime process
 * behind them, with Lambda's lifecycle (SPEC.md §3): init ends at the first /next within a budget; a
 * timeout or crash resets the environment and the next invoke re-inits (suppressed init), /tmp kept.
 */
export class ExecutionEnvironment {
  readonly api: RuntimeApi;
  readonly tmpDir: string;
  readonly logs: LogLine[] = [];
  readonly lifecycle: LifecycleEvent[] = [];
  readonly #o: Required<Omit<ExecutionEnvironmentOptions, 'onLog' | 'recordExchanges'>> & Pick<ExecutionEnvironmentOptions, 'onLog'>;
  #proc: RuntimeProcess | undefined;
  /** The newest process, kept after it exited (for its exit status). */
  #lastProc: RuntimeProcess | undefined;
  #ready = false;
  #initialized = false;
  #current: string | undefined;
  #collect: LogLine[] | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  /** Invocations waiting on the current process's exit (see #race). */
  readonly #exitWaiters = new Set<ExitWaiter>();
  #closed = false;
  #memory: { proc: RuntimeProcess | undefined; at: number; kb: number } = { proc: undefined, at: 0, kb: 0 };

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
    this.tmpDir = mkdtempSync(join(options.workDir, 'tmp-'));
  }

  static async create(options: ExecutionEnvironmentOptions): Promise<ExecutionEnvironment> {
    const api = await RuntimeApi.start({ record: options.recordExchanges ?? options.record ?? true });
    const env = new ExecutionEnvironment(api, options);
    // The sandbox (a container) exists before Init starts, as on Lambda: its set-up is not init time.
    const sandbox = { taskRoot: options.files.taskRoot, optDir: options.files.optDir, tmpDir: env.tmpDir, memoryMb: options.config.memoryMb };
    await options.driver.prepareEnvironment?.(sandbox).catch(async (err: unknown) => {
      await env.close();
      throw err;
    });
    return env;
  }

  get config(): FunctionConfig {
    return this.#o.config;
  }

  /** True while a runtime process is up and past init. */
  get ready(): boolean {
    return this.#ready;
  }

  get process(): RuntimeProcess | undefined {
    return this.#proc;
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
    return this.#serialised(async () => {
      this.#initialized = true;
      const a = await this.#initAttempt(this.#o.initBudgetMs);
      if (a.kind !== 'ready') this.#platform(initReportLine(a.durationMs, a.kind === 'timeout' ? 'timeout' : 'error', initErrorType(a)));
      return a;
    });
  }

  /** Invokes the function once; invocations are served one at a time, in call order. */
  invoke(options: InvokeOptions = {}): Promise<InvocationRecord> {
    return this.#serialised(() => this.#invoke(options));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const proc = this.#proc;
    if (proc && !proc.hasExited) {
      this.#event('shutdown');
      if (this.#o.shutdownGraceMs > 0) {
        proc.signal('SIGTERM');
        await Promise.race([proc.exited, sleep(this.#o.shutdownGraceMs)]);
      }
      if (!proc.hasExited) await proc.kill();
    }
    try {
      // e.g. the container driver removes the environment's sandbox container
      await this.#o.driver.release?.(this.tmpDir);
    } finally {
      await this.api.close();
      rmSync(this.tmpDir, { recursive: true, force: true });
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * Result, exit or timeout, whichever comes first. Unlike Promise.race with the process's exit
   * promise, it leaves nothing behind: no reaction per invoke on a promise that lives as long as the
   * process (a leak over millions of invokes in `serve`), no pending timer per invoke.
   */
  #race(result: Promise<RuntimeResult>, proc: RuntimeProcess, timeoutMs: number): Promise<Raced> {
    return new InvocationRace(result, proc.hasExited ? proc.exited : undefined, timeoutMs, this.#exitWaiters).settled;
  }

  #serialised<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.#queue.then(() => {
      if (this.#closed) throw new BootspecError(ErrorCodes.ENVIRONMENT_CLOSED, 'the execution environment is closed');
      return fn();
    });
    this.#queue = p.catch(() => undefined);
    return p;
  }

  async #invoke(options: InvokeOptions): Promise<InvocationRecord> {
    const o = this.#o;
    const queuedAt = now();
    const request = buildRequest(options, o.config, o.sendInvocationId);
    const timeoutMs = options.timeoutMs ?? o.config.timeoutS * 1000;
    const logMark = this.api.log.mark();
    const lines: LogLine[] = [];
    this.#collect = lines;
    const inits: InitAttempt[] = [];
    let coldStart = false;
    let initDurationMs: number | undefined;

    if (!this.#ready && !this.#initialized) {
      coldStart = true;
      this.#initialized = true;
      const a = await this.#initAttempt(o.initBudgetMs);
      inits.push(a);
      if (a.kind === 'ready') initDurationMs = a.durationMs;
      else this.#platform(initReportLine(a.durationMs, a.kind === 'timeout' ? 'timeout' : 'error', initErrorType(a)));
    }

    const startedAt = now();
    const deadline = startedAt + timeoutMs;
    // Whole epoch milliseconds, as Lambda sends them (SPEC.md §1.3).
    request.deadlineMs = Math.floor(options.deadlineMs ?? deadline);
    this.#current = request.requestId;
    this.#platform(startLine(request.requestId, o.config.functionVersion));
    const base = { request, queuedAt, startedAt, timeoutMs, logMark, lines, inits, coldStart, initDurationMs };

    let suppressedInit = false;
    for (let attempt = 0; ; attempt++) {
      if (!this.#ready) {
        suppressedInit = true;
        const last = inits.at(-1);
        const a = attempt === 0 && coldStart && !o.retryInitOnInvoke && last ? last : await this.#initAttempt(Math.max(0, deadline - now()));
        if (a !== last) inits.push(a);
        if (a.kind !== 'ready') return this.#finish(base, true, { failedInit: a });
      }
      const proc = this.#proc as RuntimeProcess;
      const resultP = this.api.invoke(request);
      const inflight = this.api.inflight;
      const raced = await this.#race(resultP, proc, Math.max(0, deadline - now()));
      const verdict = fromRace(raced, request.requestId, timeoutMs);
      // Lambda answers a synchronous caller once the result is posted, not when the runtime next asks.
      if (raced.tag === 'result') options.onResponse?.(request.requestId, invokeResponse(verdict));
      const maxMemKb = o.record ? this.#peakKb(proc, now() - startedAt) : 0;
      const deliveries = inflight?.deliveries ?? 0;
      const deliveredAt = inflight?.firstDeliveredAt;
      if (raced.tag === 'exit' && deliveries === 0 && attempt === 0) {
        // The process died before the event reached it, i.e. between invocations as far as the
        // platform can tell (an exit right after posting a result races our invoke). Lambda resets
        // on that exit, so this event gets a fresh process: a suppressed init, once.
        this.api.abandon();
        this.#ready = false;
        continue;
      }
      // The invocation ends when the runtime asks for the next one (SPEC.md §1.3): output it writes
      // until then is this invocation's (a line written before the post may reach the pipe after
      // it). Only when recording: the wait is bounded but not free.
      if (raced.tag === 'result' && o.record) {
        await this.api.whenInvocationEnded(INVOCATION_END_GRACE_MS);
        // one more poll of the pipes: data written before the /next may be read just after it
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (raced.tag === 'timeout') {
        this.#event('kill', 'invoke timeout');
        this.api.abandon();
        await proc.kill();
      } else if (raced.tag === 'exit') {
        this.api.abandon();
      }
      return this.#finish(base, suppressedInit, { raced, verdict, maxMemKb, deliveries, deliveredAt });
    }
  }

  #finish(
    base: {
      request: InvocationRequest;
      queuedAt: number;
      startedAt: number;
      timeoutMs: number;
      logMark: ExchangeLogMark;
      lines: LogLine[];
      inits: InitAttempt[];
      coldStart: boolean;
      initDurationMs: number | undefined;
    },
    suppressedInit: boolean,
    end: { failedInit: InitAttempt } | { raced: Raced; verdict: Verdict; maxMemKb: number; deliveries: number; deliveredAt: number | undefined },
  ): InvocationRecord {
    const { request } = base;
    const id = request.requestId;
    const completedAt = now();
    const verdict = 'failedInit' in end ? fromInit(end.failedInit, id, base.timeoutMs) : end.verdict;
    const durationMs = completedAt - base.startedAt;
    const billedDurationMs = Math.ceil(durationMs + (base.coldStart ? (base.initDurationMs ?? 0) : 0));
    const maxMemoryUsedMb = 'maxMemKb' in end && end.maxMemKb > 0 ? Math.ceil(end.maxMemKb / 1024) : undefined;
    this.#platform(endLine(id));
    this.#platform(
      reportLine({
        requestId: id,
        durationMs,
        billedMs: billedDurationMs,
        memorySizeMb: this.#o.config.memoryMb,
        maxMemoryUsedMb,
        initDurationMs: base.initDurationMs,
        status: verdict.outcome === 'timeout' ? 'timeout' : verdict.platformError ? 'error' : undefined,
        errorType: verdict.platformError ? verdict.errorType : undefined,
      }),
    );
    this.#current = undefined;
    this.#collect = undefined;
    const raced = 'raced' in end ? end.raced : undefined;
    return {
      requestId: id,
      outcome: verdict.outcome,
      response: invokeResponse(verdict),
      errorType: verdict.errorType,
      runtimeResult: raced?.tag === 'result' ? raced.r : undefined,
      inits: base.inits,
      exit: raced?.tag === 'exit' ? raced.e : 'failedInit' in end && end.failedInit.kind === 'exit' ? end.failedInit.exit : undefined,
      coldStart: base.coldStart,
      suppressedInit,
      deliveries: 'deliveries' in end ? end.deliveries : 0,
      generation: this.api.generation,
      request,
      timings: {
        queuedAt: base.queuedAt,
        startedAt: base.startedAt,
        deliveredAt: 'deliveredAt' in end ? end.deliveredAt : undefined,
        resultAt: raced?.tag === 'result' ? raced.r.at : undefined,
        completedAt,
        durationMs,
        initDurationMs: base.initDurationMs,
        billedDurationMs,
      },
      maxMemoryUsedMb,
      exchanges: this.api.log.enabled ? this.api.log.forInvocation(base.logMark, id) : [],
      logs: base.lines,
    };
  }

  async #initAttempt(budgetMs: number): Promise<InitAttempt> {
    const o = this.#o;
    if (this.#proc && !this.#proc.hasExited) {
      this.#event('kill', 'reset before re-init');
      await this.#proc.kill();
    }
    this.#ready = false;
    this.api.beginGeneration();
    const generation = this.api.generation;
    const t0 = now();
    const paths = o.driver.paths({ taskRoot: o.files.taskRoot, optDir: o.files.optDir, tmpDir: this.tmpDir });
    const env = buildEnvironment({ config: o.config, paths, runtimeApi: this.api.address, manifestEnv: o.manifestEnv, extra: o.extraEnv });
    for (const name of o.dropEnv) delete env[name];
    this.#event('spawn');
    const proc = await o.driver.start({
      taskRoot: o.files.taskRoot,
      optDir: o.files.optDir,
      tmpDir: this.tmpDir,
      bootstrap: o.files.bootstrap,
      env,
      memoryMb: o.config.memoryMb,
      onLine: (stream, text, at) => this.#log({ at, stream, text, requestId: this.#current, generation }),
    });
    this.#proc = proc;
    this.#lastProc = proc;
    void proc.exited.then((e) => {
      if (this.#proc === proc) for (const w of [...this.#exitWaiters]) w.exited(e);
      this.#event('exit', e.signal ? `signal ${e.signal}` : `code ${e.code}`, generation);
      if (this.#proc === proc) {
        this.#proc = undefined;
        this.#ready = false;
      }
    });

    const winner = await Promise.race([
      this.api.initOutcome().then(() => 'init' as const),
      proc.exited.then(() => 'exit' as const),
      sleep(budgetMs, undefined, { ref: false }).then(() => 'timeout' as const),
    ]);
    const durationMs = now() - t0;
    const init = this.api.initResult;
    if (init?.kind === 'ready' && !proc.hasExited) {
      this.#ready = true;
      this.#event('ready', undefined, generation);
      return { kind: 'ready', generation, durationMs: init.at - t0 };
    }
    if (init?.kind === 'init-error') {
      this.#event('init-error', undefined, generation);
      const exit = await Promise.race([proc.exited, sleep(o.initErrorExitGraceMs, undefined, { ref: false }).then(() => undefined)]);
      if (!exit) {
        this.#event('kill', 'still running after /init/error', generation);
        await proc.kill();
      }
      return { kind: 'init-error', generation, durationMs, report: init.report, exitedWithinMs: exit ? exit.at - init.report.at : undefined, exit };
    }
    if (winner === 'exit' || proc.hasExited) return { kind: 'exit', generation, durationMs, exit: await proc.exited };
    this.#event('kill', 'init timeout', generation);
    await proc.kill();
    return { kind: 'timeout', generation, durationMs };
  }

  #log(line: LogLine): void {
    if (this.#o.record) {
      this.logs.push(line);
      if (this.logs.length > 20_000) this.logs.splice(0, 10_000);
      this.#collect?.push(line);
    }
    this.#o.onLog?.(line);
  }

  /**
   * Max Memory Used: the tree's high-water mark, read after each recorded invoke (~10 µs a process).
   * Back-to-back invocations under 1 ms reuse a reading under 10 ms old (what `serve` sees under load);
   * growth inside such an invocation shows in the next reading.
   */
  #peakKb(proc: RuntimeProcess, durationMs: number): number {
    const t = now();
    if (proc !== this.#memory.proc || durationMs >= 1 || t - this.#memory.at >= 10) this.#memory = { proc, at: t, kb: proc.peakRssKb() };
    return this.#memory.kb;
  }

  #platform(text: string): void {
    this.#log({ at: now(), stream: 'platform', text, requestId: this.#current, generation: this.api.generation });
  }

  #event(kind: LifecycleEvent['kind'], detail?: string, generation = this.api.generation): void {
    this.lifecycle.push(detail === undefined ? { at: now(), kind, generation } : { at: now(), kind, generation, detail });
  }
}
