/**
 * Parsing of an HTTP/1.1 request head (RFC 9112 §2–§6), strict where laxness lets requests be
 * smuggled (both Content-Length and Transfer-Encoding, conflicting lengths, folded lines) and as
 * Go's net/http answers otherwise, since RAPID is a Go server: 400 for a malformed request, 501 for
 * an unsupported transfer coding, 505 for an unknown HTTP version.
 */
import type { RequestHead } from './types.ts';

export type BodyFraming = { kind: 'none' } | { kind: 'length'; length: number } | { kind: 'chunked' };

export type HeadParse =
  | { ok: true; head: RequestHead; framing: BodyFraming; keepAlive: boolean; expectContinue: boolean }
  /** `detail`: the text Go puts after the status (its statusError); a plain Go 400 has none. */
  | { ok: false; status: 400 | 417 | 501 | 505; message: string; detail?: string };

// tchar (RFC 9110 §5.6.2) by char code; the head is on every invoke's path, so no regex per field.
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TCHAR[c.charCodeAt(0)] = 1;
const FIRST_WINS = new Set(['content-type', 'host', 'user-agent', 'authorization']);
const DIGITS = /^[0-9]{1,15}$/;

function bad(message: string): HeadParse {
  return { ok: false, status: 400, message };
}

function isToken(s: string, from: number, to: number): boolean {
  if (from >= to) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c > 127 || TCHAR[c] === 0) return false;
  }
  return true;
}

/** Field values and targets: visible ASCII, obs-text, SP, HTAB (RFC 9110 §5.5); no CR, LF, NUL, other controls. */
const BAD_TEXT = /[\x00-\x08\x0a-\x1f\x7f]/;
const NONE: BodyFraming = Object.freeze({ kind: 'none' });
/**
 * A runtime sends the same few header names, most with the same value every time (Host, User-Agent,
 * Content-Type): names already seen to be tokens map to their lower-case key, and the last value of
 * each key that passed the check is kept, so a repeated one is compared rather than scanned again.
 */
const KEYS = new Map<string, string>();
const GOOD_VALUE = new Map<string, string>();
const MAX_KEYS = 256;
const MAX_KEPT_VALUE = 256;

/** `text` is the head in latin1, without its closing empty line. */
export function parseHead(text: string): HeadParse {
  let start = 0;
  // RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request line.
  while (text.charCodeAt(start) === 13 && text.charCodeAt(start + 1) === 10) start += 2;
  let eol = text.indexOf('\r\n', start);
  if (eol === -1) eol = text.length;
  const sp1 = text.indexOf(' ', start);
  const sp2 = sp1 === -1 ? -1 : text.indexOf(' ', sp1 + 1);
  const sp3 = sp2 === -1 ? -1 : text.indexOf(' ', sp2 + 1);
  if (sp2 === -1 || sp2 >= eol || (sp3 !== -1 && sp3 < eol)) return bad('malformed request line');
  const method = text.slice(start, sp1);
  const target = text.slice(sp1 + 1, sp2);
  if (!isToken(text, start, sp1) || target === '' || BAD_TEXT.test(target)) return bad('malformed request line');
  const version = text.slice(sp2 + 1, eol);
  let httpVersion: '1.0' | '1.1' = '1.1';
  // Go serves any HTTP/1.x and refuses another major version only once the whole head is read.
  let unsupportedVersion = false;
  if (version === 'HTTP/1.0') httpVersion = '1.0';
  else if (version !== 'HTTP/1.1') {
    if (!/^HTTP\/[0-9]\.[0-9]$/.test(version)) return bad('malformed HTTP version');
    unsupportedVersion = version.charCodeAt(5) !== 49; /* 1 */
  }
  // Go cannot parse a path with a malformed percent escape (net/url): a plain 400.
  if (target.includes('%') && !validEscapes(target)) return bad('malformed percent escape in the request target');

  const headers: Record<string, string> = {};
  for (let at = eol + 2; at < text.length; ) {
    let end = text.indexOf('\r\n', at);
    if (end === -1) end = text.length;
    const colon = text.indexOf(':', at);
    if (colon === -1 || colon >= end) return bad('malformed header line');
    const c0 = text.charCodeAt(at);
    if (c0 === 32 || c0 === 9) return bad('folded header line');
    const name = text.slice(at, colon);
    let key = KEYS.get(name);
    let kept = true;
    if (key === undefined) {
      if (!isToken(text, at, colon)) return bad(`malformed header name ${JSON.stringify(name)}`);
      key = name.toLowerCase();
      kept = KEYS.size < MAX_KEYS;
      if (kept) KEYS.set(name, key);
    }
    let a = colon + 1;
    let b = end;
    while (a < b && (text.charCodeAt(a) === 32 || text.charCodeAt(a) === 9)) a++;
    while (b > a && (text.charCodeAt(b - 1) === 32 || text.charCodeAt(b - 1) === 9)) b--;
    const value = text.slice(a, b);
    if (GOOD_VALUE.get(key) !== value) {
      if (BAD_TEXT.test(value)) return bad(`invalid character in header ${name}`);
      if (kept && value.length <= MAX_KEPT_VALUE) GOOD_VALUE.set(key, value);
    }
    at = end + 2;
    const seen = headers[key];
    if (seen === undefined) headers[key] = value;
    else if (key === 'content-length') {
      if (seen !== value) return bad('conflicting Content-Length');
    } else if (key === 'host') return bad('too many Host headers');
    else if (!FIRST_WINS.has(key)) headers[key] = `${seen}, ${value}`;
  }

  let framing: BodyFraming = NONE;
  // Go ignores Transfer-Encoding in an HTTP/1.0 request (net/http transfer.go).
  const te = httpVersion === '1.0' ? undefined : headers['transfer-encoding'];
  const cl = headers['content-length'];
  if (te !== undefined) {
    if (cl !== undefined) return bad('both Transfer-Encoding and Content-Length');
    if (te.toLowerCase() !== 'chunked') return { ok: false, status: 501, message: 'unsupported transfer encoding' };
    framing = { kind: 'chunked' };
  } else if (cl !== undefined) {
    if (!DIGITS.test(cl)) return bad('invalid Content-Length');
    const length = Number(cl);
    if (length > 0) framing = { kind: 'length', length };
  }

  if (unsupportedVersion) return { ok: false, status: 505, message: 'HTTP version not supported', detail: 'unsupported protocol version' };
  // RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without Host (Go's wording).
  if (httpVersion === '1.1' && headers.host === undefined) return { ok: false, status: 400, message: 'missing Host', detail: 'missing required Host header' };
  const connection = headers.connection?.toLowerCase() ?? '';
  const keepAlive = httpVersion === '1.1' ? !hasToken(connection, 'close') : hasToken(connection, 'keep-alive');
  const expect = headers.expect;
  let expectContinue = false;
  // Go: 100-continue among the tokens is honoured (HTTP/1.1 only); any other Expect gets 417.
  if (expect !== undefined && expect !== '') {
    if (!hasToken(expect.toLowerCase(), '100-continue')) return { ok: false, status: 417, message: 'unsupported Expect' };
    expectContinue = httpVersion === '1.1';
  }
  const url = absoluteToOrigin(target);
  return { ok: true, head: { method, url, httpVersion, headers }, framing, keepAlive, expectContinue };
}

/** Every `%` in the path (the query is not decoded) starts two hex digits, as Go's url.ParseRequestURI requires. */
function validEscapes(target: string): boolean {
  const q = target.indexOf('?');
  const end = q === -1 ? target.length : q;
  for (let i = target.indexOf('%'); i !== -1 && i < end; i = target.indexOf('%', i + 1)) {
    if (!isHex(target.charCodeAt(i + 1)) || !isHex(target.charCodeAt(i + 2))) return false;
  }
  return true;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function hasToken(list: string, token: string): boolean {
  if (list === '') return false;
  if (list === token) return true;
  if (!list.includes(token)) return false;
  return list.split(',').some((t) => t.trim() === token);
}

/** `http://host:port/path?q` → `/path?q` (RFC 9112 §3.2.2: servers must accept the absolute form). */
function absoluteToOrigin(target: string): string {
  if (target.charCodeAt(0) === 47 /* / */) return target;
  const m = /^https?:\/\/[^/?#]*/i.exec(target);
  if (!m) return target;
  const rest = target.slice(m[0].length);
  return rest === '' ? '/' : rest.startsWith('/') ? rest : `/${rest}`;
}
