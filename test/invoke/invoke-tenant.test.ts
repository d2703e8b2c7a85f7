import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvokeEndpoint } from '../../harness/invoke/http-endpoint.ts';
import type { EnvironmentPool } from '../../harness/invoke/pool.ts';
import type { InvocationRecord, InvokeOptions } from '../../harness/invoke/types.ts';

/** A pool that records what the endpoint asked for and answers every invoke with `{}`. */
function recordingPool(seen: InvokeOptions[]): EnvironmentPool {
  const invoke = async (opts: InvokeOptions): Promise<InvocationRecord> => {
    seen.push(opts);
    const record = {
      requestId: opts.requestId ?? 'fake-request-id',
      outcome: 'success',
      errorType: undefined,
      response: { payload: Buffer.from('{}'), contentType: 'application/json', functionError: undefined },
    };
    return record as unknown as InvocationRecord;
  };
  return { invoke } as unknown as EnvironmentPool;
}

describe('the Invoke API endpoints pass X-Amz-Tenant-Id to the invocation', () => {
  const seen: InvokeOptions[] = [];
  let ep: InvokeEndpoint;
  beforeAll(async () => {
    ep = await InvokeEndpoint.start({ pool: recordingPool(seen), functionName: 'tenant-fn' });
  });
  afterAll(async () => {
    await ep.close();
  });

  const post = async (path: string, headers: Record<string, string>) => {
    const res = await request(`http://${ep.address}${path}`, { method: 'POST', body: '{}', headers });
    await res.body.arrayBuffer();
    return res.statusCode;
  };

  it('buffered invoke: the tenant reaches InvokeOptions.tenantId', async () => {
    seen.length = 0;
    expect(await post('/2015-03-31/functions/function/invocations', { 'X-Amz-Tenant-Id': 'blue' })).toBe(200);
    expect(seen.map((o) => o.tenantId)).toEqual(['blue']);
  });

  it('buffered invoke without the header: no tenant', async () => {
    seen.length = 0;
    expect(await post('/2015-03-31/functions/function/invocations', {})).toBe(200);
    expect(seen.map((o) => o.tenantId)).toEqual([null]);
  });

  it('response-streaming invoke: the tenant reaches InvokeOptions.tenantId', async () => {
    seen.length = 0;
    expect(await post('/2021-11-15/functions/tenant-fn/response-streaming-invocations', { 'X-Amz-Tenant-Id': 'green' })).toBe(200);
    expect(seen.map((o) => o.tenantId)).toEqual(['green']);
  });
});
