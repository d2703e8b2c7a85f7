import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecutionEnvironment } from '../harness/invoke/execution-environment.ts';
import type { InvocationRecord } from '../harness/invoke/types.ts';
import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';
import { awaitMarkers, linesWith, type LoggerRecord, logThroughLogger, showLine } from '../harness/suite/log-records.ts';
import { type TelemetryEvent, telemetryReceived, telemetrySubscription, withProbeExtension } from '../harness/suite/probe-extension.ts';

/** The probe extension batches for 25 ms; this bounds the wait for an invocation's last batch. */
const DELIVERY_WAIT_MS = 5_000;
/** Pipe reads and the HTTP post race inside bootspec; a line written before the post may be read this much later. */
const PIPE_SLACK_MS = 50;
/** Clock reads of two processes on one host, rounded differently (µs, ms). */
const CLOCK_SLACK_MS = 50;

function recordOf(e: TelemetryEvent): Record<string, unknown> {
  return typeof e.record === 'object' && e.record !== null ? (e.record as Record<string, unknown>) : {};
}

function platformEvent(events: TelemetryEvent[], type: string, requestId: string): number {
  return events.findIndex((e) => e.type === type && recordOf(e).requestId === requestId);
}

/** Waits until the subscriber has been sent `platform.runtimeDone` of the invocation (and a moment for a straggling batch). */
async function awaitRuntimeDone(env: ExecutionEnvironment, requestId: string): Promise<TelemetryEvent[]> {
  const until = Date.now() + DELIVERY_WAIT_MS;
  while (Date.now() < until) {
    if (platformEvent(telemetryReceived(env), 'platform.runtimeDone', requestId) >= 0) break;
    await sleep(25);
  }
  await sleep(100);
  return telemetryReceived(env);
}

function show(e: TelemetryEvent | undefined): string {
  return e ? `${e.time} ${e.type} ${JSON.stringify(e.record).slice(0, 160)}` : '(none)';
}

export default area('telemetry', 'Telemetry API subscribers', [
  scenario(
    {
      id: 'telemetry.function-logs-in-order',
      level: 'MUST',
      title: 'Function log records reach a Telemetry API subscriber within their invocation, dated when they were logged',
      requirement:
        "An extension subscribed to the Telemetry API receives each record the function logs during an invocation once, between that invocation's platform.start and platform.runtimeDone events, and with a time between theirs: a record written to _LAMBDA_TELEMETRY_LOG_FD is dated by its frame's timestamp (microseconds since the epoch), an output line by its arrival.",
    },
    async (t: ScenarioContext) => {
      const framed = (t.target.manifest.features ?? []).includes('telemetry-log-fd');
      const env = await t.environment({ files: withProbeExtension(t), extraEnv: { EXTENSION_PROBE_TELEMETRY: 'telemetry' }, telemetryLogFd: framed });
      const warm = await t.probe(env, { probe: 'echo', value: 1 });
      t.pre.that(
        warm.outcome === 'success',
        { message: `with a subscribing extension present, the set-up echo ended as ${warm.outcome}`, expected: 'a successful echo', actual: warm.response.payload.toString('utf8').slice(0, 300), records: [warm] },
        'extensions.external-present',
      );
      // A runtime that leaves after each invocation takes its subscriber's environment with it.
      await t.givenWarm(env);

      const tag = `bootspec-tel-${randomUUID().slice(0, 8)}`;
      const markers = [`${tag}-1`, `${tag}-2`];
      let r: InvocationRecord;
      if (framed && env.telemetryLogFdOffered) {
        // WARN: a Python root logger drops INFO unless a log level is configured.
        const records: LoggerRecord[] = markers.map((m) => ({ level: 'WARN', message: `${m} a record` }));
        r = await logThroughLogger(t, env, records);
        await awaitMarkers(env, markers);
        const broken = env.logFrameErrors[0];
        const frames = markers.map((m) => env.logFrames.filter((f) => f.message.includes(m)).length);
        t.pre.that(
          broken === undefined && frames.every((n) => n === 1),
          {
            message: broken ? `the telemetry log fd broke: ${broken.reason}` : `the records arrived in ${frames.join(', ')} frame(s)`,
            expected: 'each record in one well-formed frame',
            actual: env.logFrames.map((f) => JSON.stringify(f.message)).join(' | ') || 'no frames',
          },
          'telemetry-log-fd.frames',
        );
      } else {
        r = await t.probe(env, { probe: 'log', stdout: markers.map((m) => `${m} a line`) });
        t.pre.json(env, r, 'the log probe', 'log');
        await awaitMarkers(env, markers);
        const resultAt = r.timings.resultAt ?? r.timings.completedAt;
        const late = markers.flatMap((m) => linesWith(env, m)).filter((l) => l.at > resultAt + PIPE_SLACK_MS);
        t.pre.that(late.length === 0, { message: 'log lines arrived after the result was posted', expected: 'written during the invocation', actual: late.map(showLine).join(' | ') }, 'logging.during-invoke');
      }

      const events = await awaitRuntimeDone(env, r.requestId);
      const iStart = platformEvent(events, 'platform.start', r.requestId);
      const iDone = platformEvent(events, 'platform.runtimeDone', r.requestId);
      if (iStart < 0 || iDone < 0) {
        // The platform's own events are bootspec's to send: missing ones are not the runtime's fault.
        const subscribed = telemetrySubscription(env) ?? 'no answer printed';
        throw new Error(
          `bootspec: the subscriber was not sent platform.start and platform.runtimeDone of ${r.requestId}; it got: ${events.map((e) => e.type).join(', ') || 'nothing'} (its subscription was answered: ${subscribed})`,
        );
      }
      const start = events[iStart] as TelemetryEvent;
      const done = events[iDone] as TelemetryEvent;
      const from = Date.parse(start.time) - CLOCK_SLACK_MS;
      const to = Date.parse(done.time) + CLOCK_SLACK_MS;
      const around = `platform.start: ${show(start)}\nplatform.runtimeDone: ${show(done)}`;
      for (const m of markers) {
        const seen = events.map((e, i) => ({ e, i })).filter(({ e }) => e.type === 'function' && JSON.stringify(e.record).includes(m));
        t.check(seen.length === 1, {
          message: `the record "${m}" reached the subscriber ${seen.length} time(s)`,
          expected: 'once',
          actual: seen.map(({ e }) => show(e)).join('\n') || `not at all; function events sent: ${events.filter((e) => e.type === 'function').map(show).join(' | ') || 'none'}`,
        });
        const { e, i } = seen[0] as { e: TelemetryEvent; i: number };
        t.check(i > iStart && i < iDone, {
          message: `the record "${m}" was sent ${i < iStart ? 'before platform.start' : 'after platform.runtimeDone'} of its invocation`,
          expected: 'between platform.start and platform.runtimeDone',
          actual: `${show(e)}\n${around}`,
        });
        const time = Date.parse(e.time);
        t.check(time >= from && time <= to, {
          message: `the record "${m}" is dated ${e.time}, outside its invocation (${start.time} to ${done.time})${framed ? ': the date comes from its frame\'s timestamp, in microseconds since the epoch' : ''}`,
          expected: `a time between ${start.time} and ${done.time}`,
          actual: `${show(e)}\n${around}`,
        });
      }
    },
  ),
]);
