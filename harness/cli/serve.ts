import { parseArgs } from 'node:util';
import { CONTROL_PLANE_FLAGS, CONTROL_PLANE_FLAGS_HELP, startControlPlane } from '../control-plane/start.ts';
import { deferExitOnSignal } from '../drivers/reaper.ts';
import { InvokeEndpoint } from '../invoke/http-endpoint.ts';
import type { LifecycleEvent } from '../invoke/lifecycle.ts';
import { EnvironmentPool } from '../invoke/pool.ts';
import { CONTAINER_FLAGS_HELP, envPairs, FUNCTION_FLAGS, intFlag, driverFromFlags, prepareFunction } from './common.ts';

export const serveHelp = `bootspec serve [<runtime>] [options]

A drop-in for the AWS Runtime Interface Emulator: listens on 127.0.0.1 with
POST /2015-03-31/functions/function/invocations and keeps warm execution environments.
The same port serves Lambda's control plane for the AWS CLI and SDKs (--endpoint-url):
the Layers API, CreateFunction & co., Invoke and InvokeWithResponseStream for
provided.al2023/provided.al2 functions.
Without a runtime, only the control plane is served.
Extensions in /opt/extensions get the Extensions, Telemetry (2022-07-01) and Logs (2020-08-15)
APIs on the runtime's endpoint; telemetry goes to their listeners on 127.0.0.1.

  --port N              port on 127.0.0.1 (default 9000)
  --timeout S           function timeout in seconds (default 3)
  --memory MB           function memory size (default 128)
  --snap-start          a SnapStart function (AWS_LAMBDA_INITIALIZATION_TYPE=snap-start): init ends at
                        /runtime/restore/next, then the environment is restored (docs/requirements.md#restore)
  --concurrency N       up to N environments; extra requests queue (default 1)
  --max-concurrency N   Lambda Managed Instances: each environment serves up to N invocations at once
                        (AWS_LAMBDA_MAX_CONCURRENCY); beyond that an invoke is refused with 429
                        TooManyRequestsException (docs/requirements.md#concurrency)
  --handler H           _HANDLER (overrides runtime.json)
  --env NAME=value      extra environment (repeatable)
  --quiet               do not print the runtime's output and platform lines
  --driver D            how to start the runtime: process (default) or container (Docker,
                        a Lambda-like sandbox per environment)
${CONTAINER_FLAGS_HELP}${CONTROL_PLANE_FLAGS_HELP}  --no-sandbox          do not use bubblewrap even if it is installed
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
      ...CONTROL_PLANE_FLAGS,
    },
  });
  if (values.help) {
    process.stdout.write(serveHelp);
    return 0;
  }
  const port = intFlag('port', values.port, 0, 65535) ?? 9000;
  const concurrency = intFlag('concurrency', values.concurrency, 1, 64) ?? 1;
  envPairs(values.env); // a malformed --env is a usage error before anything starts
  const opened = await driverFromFlags(values);
  if (positionals[0] === undefined) {
    const controlPlane = startControlPlane(opened.driver, { ...values, concurrency });
    const bound = await controlPlane.listen('127.0.0.1', port);
    process.stderr.write(`bootspec: serving the Lambda control plane on http://127.0.0.1:${bound}\n  aws lambda list-layers --endpoint-url http://127.0.0.1:${bound}\n  Ctrl-C stops it.\n`);
    await stopSignal();
    await controlPlane.close();
    await opened.dispose();
    return 0;
  }
  const { prepared, config, environment } = await prepareFunction(positionals[0], opened.driver, values);
  const controlPlane = startControlPlane(opened.driver, { ...values, concurrency });
  const pool = new EnvironmentPool(
    // Logs are kept (X-Amz-Log-Result tails, the printed output); exchanges have no reader here.
    { ...environment, recordExchanges: false, ...(values.quiet ? {} : { onLog: (l) => process.stdout.write(`${l.text}\n`), onLifecycle: printShutdownStep }) },
    concurrency,
  );
  const endpoint = await InvokeEndpoint.start({ pool, functionName: config.functionName, port, fallback: controlPlane.listener });
  process.stderr.write(
    `bootspec: serving ${prepared.manifest.name} (${concurrency} environment${concurrency > 1 ? 's' : ''}${config.maxConcurrency ? `, up to ${config.maxConcurrency} invocations each` : ''}, timeout ${config.timeoutS} s, ${config.memoryMb} MB)\n` +
      `  curl -s -d '{}' ${endpoint.url}\n  Ctrl-C stops it.\n`,
  );
  await stopSignal();
  await endpoint.close();
  await controlPlane.close();
  await pool.close();
  await opened.dispose();
  prepared.dispose();
  return 0;
}

/** The shutdown phase of an environment, step by step (SIGTERM, SHUTDOWN, a SIGKILL at the grace's end). */
function printShutdownStep(e: LifecycleEvent): void {
  if (e.kind !== 'shutdown' && e.kind !== 'sigterm' && e.kind !== 'sigkill') return;
  process.stderr.write(`bootspec: ${e.kind}${e.detail ? ` (${e.detail})` : ''}\n`);
}

async function stopSignal(): Promise<void> {
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // the environments end with their shutdown phase (SIGTERM, extensions' SHUTDOWN), not a SIGKILL
    deferExitOnSignal();
  });
  process.stderr.write('bootspec: stopping\n');
}
