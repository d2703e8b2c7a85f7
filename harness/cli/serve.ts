import { parseArgs } from 'node:util';
import { InvokeEndpoint } from '../invoke/http-endpoint.ts';
import { EnvironmentPool } from '../invoke/pool.ts';
import { CONTAINER_FLAGS_HELP, envPairs, FUNCTION_FLAGS, intFlag, openDriver, prepareFunction } from './common.ts';

export const serveHelp = `bootspec serve <runtime> [options]

A drop-in for the AWS Runtime Interface Emulator: listens on 127.0.0.1 with
POST /2015-03-31/functions/function/invocations and keeps warm execution environments.

  --port N              port on 127.0.0.1 (default 9000)
  --timeout S           function timeout in seconds (default 3)
  --memory MB           function memory size (default 128)
  --concurrency N       up to N environments; extra requests queue (default 1)
  --handler H           _HANDLER (overrides runtime.json)
  --env NAME=value      extra environment (repeatable)
  --quiet               do not print the runtime's output and platform lines
  --driver D            how to start the runtime: process (default) or container (Docker,
                        a Lambda-like sandbox per environment)
${CONTAINER_FLAGS_HELP}  --no-sandbox          do not use bubblewrap even if it is installed
`;

export async function serveCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...FUNCTION_FLAGS,
      port: { type: 'string' },
      concurrency: { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(serveHelp);
    return 0;
  }
  const port = intFlag('port', values.port, 0, 65535) ?? 9000;
  const concurrency = intFlag('concurrency', values.concurrency, 1, 64) ?? 1;
  envPairs(values.env); // a malformed --env is a usage error before anything starts
  const opened = await openDriver(values);
  const { prepared, config, environment } = await prepareFunction(positionals[0], opened.driver, values);
  const pool = new EnvironmentPool(
    // Logs are kept (X-Amz-Log-Result tails, the printed output); exchanges have no reader here.
    { ...environment, recordExchanges: false, ...(values.quiet ? {} : { onLog: (l) => process.stdout.write(`${l.text}\n`) }) },
    concurrency,
  );
  const endpoint = await InvokeEndpoint.start({ pool, functionName: config.functionName, port });
  process.stderr.write(
    `bootspec: serving ${prepared.manifest.name} (${concurrency} environment${concurrency > 1 ? 's' : ''}, timeout ${config.timeoutS} s, ${config.memoryMb} MB)\n` +
      `  curl -s -d '{}' ${endpoint.url}\n  Ctrl-C stops it.\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stderr.write('bootspec: stopping\n');
  await endpoint.close();
  await pool.close();
  await opened.dispose();
  prepared.dispose();
  return 0;
}
