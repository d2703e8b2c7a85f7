/**
 * Invocations of a Lambda Managed Instances environment: up to `maxConcurrency` at once, each with
 * its own request, deadline and timeout. A timed-out invocation is not killed (its handler may still
 * post; the post gets 410) and the environment stays warm. The runtime is one process tree: how it
 * spreads invocations over workers is its own business, and when that process exits every
 * invocation in flight ends with Runtime.ExitError and the next invoke re-inits, as in classic mode.
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances.html
 * https://github.com/aws/aws-lambda-runtime-interface-emulator/blob/4fa21571526087e3a0076b9fecf67a79e3927994/internal/lambda-managed-instances/invoke/invoke_router.go
 * docs/requirements.md#concurrency
 */
import { now } from '../clock.ts';
import type { RuntimeApi } from '../api/runtime-api.ts';
import type { ManagedRouter } from '../api/managed/router.ts';
import { managedConcurrency } from '../environment/managed.ts';
import type { FunctionConfig } from '../environment/types.ts';
import { finishInvocation, type InvocationStart } from './invocation-record.ts';
import type { LogBuffer } from './log-buffer.ts';
import { fromRace, invokeResponse } from './outcome.ts';
import { startLine } from './platform-lines.ts';
import type { WatchedProcess } from './process-watch.ts';
import { InvocationRace } from './race.ts';
import { buildRequest } from './request.ts';
import { InvocationSlots } from './serial-queue.ts';
import { reportInvocationEnd, reportRuntimeDone, reportStart } from './telemetry-moments.ts';
import type { InitAttempt, InvocationRecord, InvokeOptions, LogLine } from './types.ts';

/** What the managed invoker needs of its environment. */
export interface ManagedHost {
  readonly api: RuntimeApi;
  readonly config: FunctionConfig;
  readonly logs: LogBuffer;
  readonly sendInvocationId: boolean;
  /** True while a runtime process is up and past init. */
  ready(): boolean;
  /** Runs an init, or joins the one running (several invocations may wait for the same one). */
  init(budgetMs: number): Promise<InitAttempt>;
  readonly initBudgetMs: number;
  /** The live runtime process, if any. */
  runtime(): WatchedProcess | undefined;
  /** Throws when the environment is closing. */
  admit(): void;
}

export class ManagedInvoker {
  readonly maxConcurrency: number;
  readonly #host: ManagedHost;
  readonly #router: ManagedRouter;
  /** At most maxConcurrency invocations in flight; the others wait in call order. */
  readonly #slots: InvocationSlots;
  /** No init has ended yet: invocations that wait for the first one are cold starts. */
  #firstInit = true;

  constructor(maxConcurrency: number, host: ManagedHost) {
    const router = host.api.managed;
    if (!router) throw new Error('internal: a managed invoker needs a Runtime API in managed-instances mode');
    this.maxConcurrency = maxConcurrency;
    this.#host = host;
    this.#router = router;
    this.#slots = new InvocationSlots(maxConcurrency);
  }

  /** Invocations running or waiting for a slot (`serve` refuses a new one when this reaches maxConcurrency). */
  get inFlight(): number {
    return this.#slots.running + this.#slots.waiting;
  }

  invoke(options: InvokeOptions): Promise<InvocationRecord> {
    return this.#slots.run(this.#task, options, this.#host.admit);
  }

  readonly #task = (options: InvokeOptions) => this.#invoke(options);

  async #invoke(options: InvokeOptions): Promise<InvocationRecord> {
    const h = this.#host;
    const queuedAt = now();
    const request = buildRequest(options, h.config, h.sendInvocationId);
    const timeoutMs = options.timeoutMs ?? h.config.timeoutS * 1000;
    const logMark = h.api.log.mark();
    // Lines of concurrent invocations interleave in one process: an invocation collects the JSON
    // records that name it (from the log socket, the telemetry fd or stdout); plain text is nobody's.
    const lines: LogLine[] = [];
    h.logs.collectFor(request.requestId, lines);
    const inits: InitAttempt[] = [];
    const coldStart = this.#firstInit && !h.ready();
    let initDurationMs: number | undefined;
    // A cold start's init comes before the invocation's own time, as in the classic environment.
    if (coldStart) {
      const a = await h.init(h.initBudgetMs);
      this.#firstInit = false;
      inits.push(a);
      if (a.kind === 'ready') initDurationMs = a.durationMs;
    }
    const startedAt = now();
    const deadline = startedAt + timeoutMs;
    request.deadlineMs = Math.floor(options.deadlineMs ?? deadline);
    const start: InvocationStart = { request, queuedAt, startedAt, timeoutMs, logMark, lines, inits, coldStart, initDurationMs };
    h.logs.platform(startLine(request.requestId, h.config.functionVersion), h.api.generation);
    // The Telemetry API's invocation events, per invocation: several runs' events interleave.
    reportStart(h.api.telemetry, request, h.config.functionVersion);

    for (let attempt = 0; ; attempt++) {
      if (!h.ready()) {
        // After a failed cold init, or a process that died: Lambda inits again inside the invocation.
        const a = await h.init(Math.max(0, deadline - now()));
        this.#firstInit = false;
        inits.push(a);
        if (a.kind !== 'ready') return this.#finish(start, { failedInit: a });
      }
      const runtime = h.runtime();
      if (!runtime) {
        if (attempt === 0) continue;
        return this.#finish(start, { failedInit: inits.at(-1) ?? { kind: 'timeout', generation: h.api.generation, durationMs: 0 } });
      }
      const proc = runtime.proc;
      const inv = this.#router.invoke(request);
      const raced = await new InvocationRace(inv.result, proc.hasExited ? proc.exited : undefined, Math.max(0, deadline - now()), runtime.exitWaiters).settled;
      if (raced.tag === 'timeout') this.#router.timeOut(inv);
      else if (raced.tag === 'exit') this.#router.abandon(inv);
      // The process died before any worker took the event: a fresh process gets it, once.
      if (raced.tag === 'exit' && inv.deliveries === 0 && attempt === 0) continue;
      const verdict = fromRace(raced, request.requestId, timeoutMs);
      if (raced.tag === 'result') options.onResponse?.(request.requestId, invokeResponse(verdict));
      const result = raced.tag === 'result' ? raced.r : undefined;
      reportRuntimeDone(h.api.telemetry, { request, outcome: verdict.outcome, errorType: verdict.errorType, deliveredAt: inv.firstDeliveredAt ?? startedAt, result, at: result?.at ?? now() });
      return this.#finish(start, { raced, verdict, maxMemKb: 0, deliveries: inv.deliveries, deliveredAt: inv.firstDeliveredAt });
    }
  }

  #finish(start: InvocationStart, end: Parameters<typeof finishInvocation>[2]): InvocationRecord {
    const h = this.#host;
    const suppressedInit = start.inits.length > (start.coldStart ? 1 : 0);
    h.logs.release(start.request.requestId);
    const record = finishInvocation(start, suppressedInit, end, h.config.memoryMb, h.api, h.logs);
    reportInvocationEnd(h.api.telemetry, record, h.config.memoryMb, 'failedInit' in end);
    return record;
  }
}

/** The Runtime API options of an environment with this configuration: managed-instances mode or none. */
export function managedApiOptions(config: FunctionConfig): { maxConcurrency?: number } {
  const n = managedConcurrency(config);
  return n === undefined ? {} : { maxConcurrency: n };
}
