import { describe, expect, it } from 'vitest';
import { stripErrorCause } from '../../../harness/api/handlers/error-cause.ts';
import { matchRoute } from '../../../harness/api/router.ts';

const render = (body: string) => stripErrorCause(Buffer.from(body)).toString();

// RAPID re-encodes an error.cause+json body from its struct (model.ErrorResponse, stackTrace omitempty).
describe('an error.cause+json body, as RAPID forwards it', () => {
  it('keeps errorMessage, errorType and a non-empty stackTrace, in Go’s field order, and drops the rest', () => {
    expect(render('{"stackTrace":["a"],"errorType":"E","errorCause":{"x":1},"extra":2,"errorMessage":"m"}')).toBe(
      '{"errorMessage":"m","errorType":"E","stackTrace":["a"]}',
    );
  });
  it('omits an empty stackTrace and writes missing strings as empty', () => {
    expect(render('{"errorType":"E","stackTrace":[]}')).toBe('{"errorMessage":"","errorType":"E"}');
    expect(render('null')).toBe('{"errorMessage":"","errorType":""}');
  });
  it('matches field names in any case and escapes <, > and & as Go does', () => {
    expect(render('{"ERRORMESSAGE":"a<b>&c"}')).toBe('{"errorMessage":"a\\u003cb\\u003e\\u0026c","errorType":""}');
  });
  it('turns a body Go cannot decode into the struct into "Invalid error body"', () => {
    for (const bad of ['{', '[]', '"s"', '{"errorMessage":1}', '{"stackTrace":"x"}', '{"stackTrace":[1]}']) {
      expect(render(bad)).toBe('"Invalid error body"');
    }
  });
});

// chi would route on URL.RawPath when the client's escaping is not Go's own; bootspec decodes any
// escaping on purpose (harness/fidelity/deliberate.json, router.id-fully-decoded).
describe('the request id in the path', () => {
  const id = (segment: string) => {
    const r = matchRoute('POST', `/2018-06-01/runtime/invocation/${segment}/response`);
    return r.name === 'response' ? r.requestId : undefined;
  };
  it('decodes any percent-escaping, Go’s or encodeURIComponent’s', () => {
    expect(id('a%20b')).toBe('a b');
    expect(id('a%3Fb')).toBe('a?b');
    expect(id('a%2Fb')).toBe('a/b');
    expect(id('a%62c')).toBe('abc');
    expect(id('a%3fb')).toBe('a?b');
    expect(id('a%40b')).toBe('a@b');
    expect(id('plain-id')).toBe('plain-id');
  });
  it('keeps a malformed escape as sent, an id that matches nothing', () => {
    expect(id('a%zzb')).toBe('a%zzb');
  });
});
