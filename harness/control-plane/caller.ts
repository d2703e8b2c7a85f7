/**
 * Who is calling: SigV4's `Authorization: AWS4-HMAC-SHA256 Credential=<key id>/<date>/<region>/lambda/aws4_request, …`.
 * The signature is not checked (nothing here holds secrets); the key id picks the account from
 * the configured map, so two keys act as two accounts and cross-account sharing can be exercised.
 */
import { BootspecError, ErrorCodes } from '../errors.ts';
import type { Caller } from '../layers/types.ts';
import type { AccountEntry } from './types.ts';

const CREDENTIAL = /Credential=([^/,\s]+)\/\d{8}\/([a-z0-9-]+)\/lambda\/aws4_request/;

export const DEFAULT_ACCOUNT = '123456789012';
export const DEFAULT_REGION = 'us-east-1';

export function callerOf(
  authorization: string | undefined,
  accounts: ReadonlyMap<string, AccountEntry>,
  defaults: { account: string; region: string },
): Caller {
  const m = authorization === undefined ? null : CREDENTIAL.exec(authorization);
  if (!m) return { account: defaults.account, region: defaults.region };
  const entry = accounts.get(m[1] as string);
  return { account: entry?.account ?? defaults.account, region: m[2] as string, organizationId: entry?.organizationId };
}

/** `--accounts AKID=123456789012[:o-orgid],…` */
export function parseAccounts(value: string | undefined): Map<string, AccountEntry> {
  const map = new Map<string, AccountEntry>();
  for (const pair of (value ?? '').split(',').filter((p) => p.trim() !== '')) {
    const m = /^([A-Za-z0-9]{1,128})=(\d{12})(?::(o-[a-z0-9]{10,32}))?$/.exec(pair.trim());
    if (!m) throw new BootspecError(ErrorCodes.USAGE, `--accounts takes ACCESS_KEY_ID=ACCOUNT[:ORG_ID] pairs separated by commas, got "${pair}"`, {
        hint: 'e.g. --accounts AKIDALICE=111111111111,AKIDBOB=222222222222:o-exampleorgid1',
      });
    map.set(m[1] as string, { account: m[2] as string, organizationId: m[3] });
  }
  return map;
}
