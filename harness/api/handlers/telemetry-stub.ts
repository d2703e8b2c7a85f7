import type { RuntimeExchange } from '../types.ts';

/**
 * PUT /2022-07-01/telemetry and PUT /2020-08-15/logs: bootspec does not deliver telemetry yet, so it
 * answers as the emulator does with telemetry off: 202 with `Telemetry.NotSupported` /
 * `Logs.NotSupported` (aws-lambda-runtime-interface-emulator@4fa21571
 * internal/lambda/rapi/handler/runtimelogs_stub.go). A subscriber sees it is not served.
 * https://docs.aws.amazon.com/lambda/latest/dg/telemetry-api.html
 */
export function handleTelemetryStub(ex: RuntimeExchange, api: 'telemetry' | 'logs'): void {
  ex.sendJson(
    202,
    api === 'telemetry'
      ? { errorMessage: 'Telemetry API is not supported', errorType: 'Telemetry.NotSupported' }
      : { errorMessage: 'Logs API is not supported', errorType: 'Logs.NotSupported' },
  );
}
