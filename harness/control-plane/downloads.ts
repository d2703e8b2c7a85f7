/**
 * Download locations for stored zips. Lambda answers GetLayerVersion and GetFunction with a
 * presigned S3 URL valid for 10 minutes (API_GetLayerVersion, LayerVersionContentOutput.Location);
 * here the control plane serves the zip itself, under a URL signed with a per-process key.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const VALID_MS = 10 * 60 * 1000;
const KEY = randomBytes(32);

function signature(sha256: string, expires: string): string {
  return createHmac('sha256', KEY).update(`${sha256}\n${expires}`).digest('hex');
}

export function downloadUrl(origin: string, sha256: string, now = Date.now()): string {
  const expires = String(Math.floor((now + VALID_MS) / 1000));
  return `${origin}/bootspec/blobs/${sha256}.zip?Expires=${expires}&Signature=${signature(sha256, expires)}`;
}

/** Is this a valid, unexpired download URL for `sha256`? */
export function checkDownload(sha256: string, query: URLSearchParams, now = Date.now()): boolean {
  const expires = query.get('Expires') ?? '';
  const given = Buffer.from(query.get('Signature') ?? '', 'utf8');
  const want = Buffer.from(signature(sha256, expires), 'utf8');
  return Number(expires) * 1000 > now && given.length === want.length && timingSafeEqual(given, want);
}
