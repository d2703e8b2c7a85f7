/** Helpers for the extension handlers' tests: a real ExtensionRegistry behind a wire-less exchange. */
import { Exchange } from '../../../harness/api/exchange.ts';
import { ExtensionRegistry } from '../../../harness/api/extensions/registry.ts';
import type { BodyResult } from '../../../harness/api/http1/types.ts';
import { ExchangeLog } from '../../../harness/api/recorder.ts';
import { FakeApiState, FakeRequest, FakeResponse } from './fakes.ts';

export const METADATA = { functionName: 'fn', functionVersion: '$LATEST', handler: 'probe.handler', accountId: '111111111111' };
export const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A registry of a fresh generation with these external extensions (file names in /opt/extensions). */
export function registry(externals: string[] = []): ExtensionRegistry {
  const r = new ExtensionRegistry(METADATA);
  r.beginGeneration(externals);
  return r;
}

export function extensionExchange(method: string, path: string, headers: Record<string, string> = {}, body?: BodyResult): { ex: Exchange; res: FakeResponse } {
  const res = new FakeResponse();
  const req = new FakeRequest(method, path, headers, body);
  return { ex: new Exchange(new ExchangeLog(false), FakeApiState.in('Started'), req, res, 'extension'), res };
}

/** The value of a response header, by name in any case. */
export function header(res: FakeResponse, name: string): string | undefined {
  for (let i = 0; i < res.headers.length; i += 2) if (res.headers[i]?.toLowerCase() === name.toLowerCase()) return res.headers[i + 1];
  return undefined;
}
