import { parseArgs } from 'node:util';
import type { Driver } from '../drivers/types.ts';
import { ExecutionEnvironment } from '../invoke/execution-environment.ts';
import { diagnose, envPairs, FUNCTION_FLAGS, driverFromFlags, outputTail, prepareFunction, readEvent, CONTAINER_FLAGS_HELP } from './common.ts';

export const invokeHelp = `bootspec invoke <runtime> [options]

Starts the runtime against the mock Runtime API, invokes it once and prints the result.
Exits 0 on success, 1 when the invocation failed (function error, timeout, crash, init error).

  --event JSON          the event (default {})
  --event-file F        read the event from a file (- for stdin)
  --timeout S           function timeout in seconds (default 3)
  --memory MB           function memory size (default 128)
  --max-concurrency N   Lambda Managed Instances: one environment serves up to N invocations at once
                        (AWS_LAMBDA_MAX_CONCURRENCY; docs/requirements.md#concurrency)
  --snap-start          a SnapStart function (AWS_LAMBDA_INITIALIZATION_TYPE=snap-start): init ends at
                        /runtime/restore/next, then the environment is restored (docs/requirements.md#restore)
  --handler H           _HANDLER (overrides runtime.json; needed for a bare bootstrap folder)
  --env NAME=value      extra environment, e.g. --env PROBE_INIT=fail (repeatable)
  --logs                print the runtime's output and Lambda's START/END/REPORT lines to stderr
  --driver D            how to start the runtime: process (default) or container (Docker,
                        a Lambda-like sandbox: memory limit, read-only code, non-root, /tmp size)
${CONTAINER_FLAGS_HELP}  --no-sandbox          do not use bubblewrap even if it is installed
`;

export async function invokeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...FUNCTION_FLAGS,
      event: { type: 'string' },
      'event-file': { type: 'string' },
      logs: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(invokeHelp);
    return 0;
  }
  const event = readEvent(values.event, values['event-file']);
  envPairs(values.env); // a malformed --env is a usage error before anything starts
  const opened = await driverFromFlags(values);
  try {
    return await invokeOnce(opened.driver, positionals[0], values, event);
  } finally {
    await opened.dispose();
  }
}

async function invokeOnce(
  driver: Driver,
  dir: string | undefined,
  values: { handler?: string | undefined; timeout?: string | undefined; memory?: string | undefined; env?: string[] | undefined; logs?: boolean | undefined; 'snap-start'?: boolean | undefined },
  event: Buffer,
): Promise<number> {
  const { prepared, environment } = await prepareFunction(dir, driver, values);
  const env = await ExecutionEnvironment.create({
    ...environment,
    shutdownGraceMs: 0,
    ...(values.logs ? { onLog: (l) => process.stderr.write(`${l.stream === 'platform' ? '' : `${l.stream} | `}${l.text}\n`) } : {}),
  });
  try {
    const record = await env.invoke({ event });
    process.stdout.write(record.response.payload);
    if (record.response.payload.length && record.response.payload.at(-1) !== 10 && process.stdout.isTTY) process.stdout.write('\n');
    if (record.outcome === 'success') return 0;
    const why = diagnose(record, 10_000);
    process.stderr.write(`\nbootspec: invocation failed: ${record.outcome} (${record.errorType})${why ? `\n  ${why}` : ''}\n`);
    if (!values.logs) {
      const tail = outputTail(record);
      if (tail) process.stderr.write(`  runtime output (last lines):\n${tail}\n`);
    }
    return 1;
  } finally {
    await env.close();
    prepared.dispose();
  }
}
