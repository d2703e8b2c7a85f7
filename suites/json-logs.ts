import { randomUUID } from 'node:crypto';
import type { ExecutionEnvironment } from '../harness/invoke/execution-environment.ts';
import type { InvocationRecord } from '../harness/invoke/types.ts';
import { parseJson } from '../harness/suite/checks.ts';
import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';
import { awaitMarkers, linesWith, type LoggerRecord, logThroughLogger, showLine } from '../harness/suite/log-records.ts';

/** The logging configuration of a function with JSON logs at INFO (LoggingConfig; dg/monitoring-cloudwatchlogs-advanced.html). */
const JSON_AT_INFO = { format: 'JSON', applicationLogLevel: 'INFO' } as const;
/** ISO 8601 date and time, as every client writes `timestamp`. */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * An environment with JSON logs at INFO. It gets the telemetry log fd as on Lambda when the runtime
 * claims it and the driver can offer it; otherwise the records are read from stdout and stderr.
 */
function jsonEnvironment(t: ScenarioContext): Promise<ExecutionEnvironment> {
  return t.environment({ logging: JSON_AT_INFO, telemetryLogFd: t.manifest.features.includes('telemetry-log-fd') });
}

/** Logs the records in a fresh JSON environment (after a plain echo) and waits for the expected ones. */
async function logAsJson(t: ScenarioContext, records: LoggerRecord[], expectedMarkers: string[]): Promise<{ env: ExecutionEnvironment; r: InvocationRecord }> {
  const env = await jsonEnvironment(t);
  await t.given(env, { probe: 'echo', value: 1 });
  const r = await logThroughLogger(t, env, records);
  await awaitMarkers(env, expectedMarkers);
  return { env, r };
}

export default area('json-logs', 'JSON logs', [
  scenario(
    {
      id: 'json-logs.fields',
      level: 'MUST',
      feature: 'json-logs',
      title: 'With AWS_LAMBDA_LOG_FORMAT=JSON, each record is one JSON object with timestamp, level, request id and message',
      requirement:
        "With the JSON log format (AWS_LAMBDA_LOG_FORMAT=JSON), each record the function logs through the runtime's logger is one JSON object carrying `timestamp` (ISO 8601), `level`, the invocation's request id (`requestId`; `AWSRequestId` in the Java client) and `message`.",
    },
    async (t: ScenarioContext) => {
      const tag = `bootspec-json-${randomUUID().slice(0, 8)}`;
      const records: LoggerRecord[] = [
        { level: 'INFO', message: `${tag}-info an info record` },
        { level: 'ERROR', message: `${tag}-error an error record` },
      ];
      const markers = records.map((rec) => rec.message.split(' ')[0] as string);
      const { env, r } = await logAsJson(t, records, markers);
      records.forEach((record, i) => {
        const marker = markers[i] as string;
        const lines = linesWith(env, marker);
        t.check(lines.length === 1, {
          message: `the ${record.level} record "${marker}" was seen ${lines.length} time(s)`,
          expected: 'once, as one JSON object',
          actual: lines.map(showLine).join(' | ') || 'not at all',
        });
        const line = lines[0] as (typeof lines)[number];
        const value = parseJson(line.text);
        const json = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
        t.check(json !== undefined, { message: `the record "${marker}" is not a JSON object`, expected: 'one JSON object per record', actual: showLine(line) });
        const requestId = json.requestId ?? json.AWSRequestId;
        const wrong = [
          typeof json.timestamp === 'string' && ISO_TIMESTAMP.test(json.timestamp) ? undefined : `timestamp ${JSON.stringify(json.timestamp)} (an ISO 8601 date and time)`,
          json.level === record.level ? undefined : `level ${JSON.stringify(json.level)} (${record.level})`,
          requestId === r.requestId ? undefined : `requestId ${JSON.stringify(requestId)} (${r.requestId})`,
          typeof json.message === 'string' && json.message.includes(record.message) ? undefined : `message ${JSON.stringify(json.message)} (${JSON.stringify(record.message)})`,
        ].filter((w) => w !== undefined);
        // On the log fd the frame type says JSON too (its format bit clear: 0xA55A…2 rather than …3).
        const frame = line.stream === 'telemetry' ? env.logFrames.find((f) => f.message === line.text) : undefined;
        if (frame && frame.format !== 'json') wrong.push(`frame type 0x${frame.type.toString(16)} (a JSON frame type, format bit clear)`);
        t.check(wrong.length === 0, {
          message: `the JSON record "${marker}" has wrong or missing fields: ${wrong.join('; ')}`,
          expected: `{"timestamp": "<ISO 8601>", "level": "${record.level}", "requestId": "${r.requestId}", "message": "${record.message}", …}`,
          actual: showLine(line),
        });
      });
    },
  ),
  scenario(
    {
      id: 'json-logs.level-filter',
      level: 'MUST',
      feature: 'json-logs',
      title: 'With JSON logs, records below AWS_LAMBDA_LOG_LEVEL are dropped',
      requirement:
        'With the JSON log format and an application log level (AWS_LAMBDA_LOG_LEVEL=INFO), the runtime drops the records of lower levels (a DEBUG record is not written) and writes the others.',
    },
    async (t: ScenarioContext) => {
      const tag = `bootspec-level-${randomUUID().slice(0, 8)}`;
      const debug = `${tag}-debug`;
      const info = `${tag}-info`;
      const { env, r } = await logAsJson(t, [{ level: 'DEBUG', message: `${debug} a debug record` }, { level: 'INFO', message: `${info} an info record` }], [info]);
      const infoLines = linesWith(env, info);
      if (infoLines.length === 0) {
        t.precondition({ message: `the INFO record "${info}" was not written at all`, expected: 'the INFO record, at level INFO', actual: 'not at all', records: [r] }, 'json-logs.fields');
      }
      const debugLines = linesWith(env, debug);
      t.check(debugLines.length === 0, {
        message: `a DEBUG record was written although AWS_LAMBDA_LOG_LEVEL is INFO`,
        expected: 'no DEBUG record',
        actual: debugLines.map(showLine).join(' | '),
        records: [r],
      });
    },
  ),
]);
