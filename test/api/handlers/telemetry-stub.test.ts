import { describe, expect, it } from 'vitest';
import { handleTelemetryStub } from '../../../harness/api/handlers/telemetry-stub.ts';
import { extensionExchange } from './extension-fakes.ts';

describe('handleTelemetryStub alone', () => {
  it('answers a Telemetry API subscription with the emulator\'s 202 Telemetry.NotSupported', () => {
    const { ex, res } = extensionExchange('PUT', '/2022-07-01/telemetry');
    handleTelemetryStub(ex, 'telemetry');
    expect(res.statusCode).toBe(202);
    expect(res.body).toBe('{"errorMessage":"Telemetry API is not supported","errorType":"Telemetry.NotSupported"}\n');
  });

  it('answers a Logs API subscription with 202 Logs.NotSupported', () => {
    const { ex, res } = extensionExchange('PUT', '/2020-08-15/logs');
    handleTelemetryStub(ex, 'logs');
    expect(res.json).toEqual({ errorMessage: 'Logs API is not supported', errorType: 'Logs.NotSupported' });
  });
});
