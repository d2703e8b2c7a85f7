import { randomUUID } from 'node:crypto';
import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';
import { awaitMarkers, linesWith, type LoggerRecord, logThroughLogger, showLine } from '../harness/suite/log-records.ts';

export default area('telemetry-log-fd', 'Telemetry log fd', [
  scenario(
    {
      id: 'telemetry-log-fd.frames',
      level: 'MUST',
      feature: 'telemetry-log-fd',
      title: 'Log records are written to _LAMBDA_TELEMETRY_LOG_FD as whole, well-formed frames',
      requirement:
        'Given _LAMBDA_TELEMETRY_LOG_FD, the runtime writes each log record as one frame (big-endian 4-byte type 0xA55A…, 4-byte length in bytes, 8-byte timestamp in microseconds, then the message): one frame per record, a multi-line message kept whole in its frame, and none of it on stdout or stderr.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment({ telemetryLogFd: true });
      if (!env.telemetryLogFdOffered) t.nothingToJudge(`the ${t.driverName} driver cannot offer _LAMBDA_TELEMETRY_LOG_FD`);
      await t.given(env, { probe: 'echo', value: 1 });
      const tag = `bootspec-fd-${randomUUID().slice(0, 8)}`;
      // The non-ASCII letters make byte and character lengths differ; the newlines must stay in one frame.
      // WARN and ERROR: a Python root logger drops INFO unless a log level is configured.
      const records: LoggerRecord[] = [
        { level: 'WARN', message: `${tag}-single one line` },
        { level: 'WARN', message: `${tag}-multi first line\nsecond line ünïcödé\nthird line` },
        { level: 'ERROR', message: `${tag}-error an error record` },
      ];
      const markers = records.map((r) => r.message.split(/[ \n]/)[0] as string);
      await logThroughLogger(t, env, records);
      await awaitMarkers(env, markers);

      const broken = env.logFrameErrors[0];
      t.check(broken === undefined, {
        message: `the telemetry log fd holds bytes that are not a well-formed frame: ${broken?.reason}`,
        expected: 'a stream of frames: type 0xA55A…, length in bytes, timestamp, message',
        actual: broken ? `at byte ${broken.offset} of generation ${broken.generation}: ${broken.reason}; bytes there: ${broken.excerpt}` : '',
      });
      const tagged = env.logFrames.filter((f) => f.message.includes(tag));
      records.forEach((record, i) => {
        const marker = markers[i] as string;
        const frames = tagged.filter((f) => f.message.includes(marker));
        const elsewhere = linesWith(env, marker).filter((l) => l.stream !== 'telemetry');
        t.check(frames.length === 1, {
          message: `the ${record.level} record "${marker}" arrived in ${frames.length} frame(s)${elsewhere.length ? `, and on ${[...new Set(elsewhere.map((l) => l.stream))].join(' and ')}` : ''}`,
          expected: 'exactly one frame',
          actual: [...frames.map((f) => `frame: ${JSON.stringify(f.message)}`), ...elsewhere.map(showLine)].join(' | ') || 'nowhere',
        });
        const frame = frames[0] as (typeof frames)[number];
        t.check(frame.message.includes(record.message), {
          message: `the frame of "${marker}" does not hold the whole message${record.message.includes('\n') ? ' (a multi-line record must stay one frame, newlines kept)' : ''}`,
          expected: JSON.stringify(record.message),
          actual: `${JSON.stringify(frame.message)}; the other frames: ${env.logFrames.filter((f) => f !== frame).slice(0, 8).map((f) => JSON.stringify(f.message)).join(' | ') || 'none'}`,
        });
        t.check(elsewhere.length === 0, {
          message: `the record "${marker}" was written to ${elsewhere.map((l) => l.stream).join(' and ')} as well as to the telemetry log fd`,
          expected: 'the telemetry log fd only',
          actual: elsewhere.map(showLine).join(' | '),
        });
      });
    },
  ),
]);
