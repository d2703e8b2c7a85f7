import { randomUUID } from 'node:crypto';
import { Client } from 'undici';
import type { InvocationRequest } from '../../harness/api/types.ts';

export function invocation(over: Partial<InvocationRequest> = {}): InvocationRequest {
  return {
    payload: Buffer.from('{"hello":"world"}'),
    contentType: 'application/json',
    requestId: randomUUID(),
    functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:probe',
    deadlineMs: Date.now() + 3000,
    traceId: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
    clientContext: null,
    cognitoIdentity: null,
    tenantId: null,
    invocationId: null,
    headerCase: 'canonical',
    ...over,
  };
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: unknown;
}

/** A raw HTTP client against the mock, as a runtime would talk to it. */
export class RawRuntime {
  readonly client: Client;
  constructor(address: string) {
    this.client = new Client(`http://${address}`, { bodyTimeout: 0, headersTimeout: 0 });
  }
  async call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: Buffer | string, headers: Record<string, string> = {}): Promise<RawAnswer> {
    const res = await this.client.request({ method, path, body: body ?? null, headers });
    const text = await res.body.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, headers: res.headers, body: text, json };
  }
  next(): Promise<RawAnswer> {
    return this.call('GET', '/2018-06-01/runtime/invocation/next');
  }
  respond(id: string, body: Buffer | string = '{}', headers: Record<string, string> = {}): Promise<RawAnswer> {
    return this.call('POST', `/2018-06-01/runtime/invocation/${encodeURIComponent(id)}/response`, body, headers);
  }
  error(id: string, body: Buffer | string = '{"errorType":"E","errorMessage":"m"}', headers: Record<string, string> = {}): Promise<RawAnswer> {
    return this.call('POST', `/2018-06-01/runtime/invocation/${encodeURIComponent(id)}/error`, body, headers);
  }
  initError(body = '{"errorType":"Runtime.X","errorMessage":"boom"}', headers: Record<string, string> = {}): Promise<RawAnswer> {
    return this.call('POST', '/2018-06-01/runtime/init/error', body, headers);
  }
  close(): Promise<void> {
    return this.client.close();
  }
}
