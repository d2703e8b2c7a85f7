import { describe, expect, it } from 'vitest';
import { renderInvokeHeaders } from '../../harness/api/render-headers.ts';
import { invocation } from './helpers.ts';

const pairs = (h: string[]) => Object.fromEntries(Array.from({ length: h.length / 2 }, (_, i) => [h[2 * i], h[2 * i + 1]]));

describe('renderInvokeHeaders', () => {
  it('renders the event context in RAPID\'s canonical spelling', () => {
    const inv = invocation({ invocationId: 'nonce-1' });
    expect(pairs(renderInvokeHeaders(inv))).toEqual({
      'Lambda-Runtime-Aws-Request-Id': inv.requestId,
      'Lambda-Runtime-Deadline-Ms': String(inv.deadlineMs),
      'Lambda-Runtime-Invoked-Function-Arn': inv.functionArn,
      'Lambda-Runtime-Trace-Id': inv.traceId,
      'Lambda-Runtime-Invocation-Id': 'nonce-1',
      'Content-Type': 'application/json',
    });
  });

  it('leaves out an optional header that is null or empty, and falls back to application/json', () => {
    const h = pairs(renderInvokeHeaders(invocation({ traceId: null, clientContext: '', cognitoIdentity: '{"a":1}', tenantId: 't', contentType: '' })));
    expect(Object.keys(h)).toEqual([
      'Lambda-Runtime-Aws-Request-Id',
      'Lambda-Runtime-Deadline-Ms',
      'Lambda-Runtime-Invoked-Function-Arn',
      'Lambda-Runtime-Cognito-Identity',
      'Lambda-Runtime-Aws-Tenant-Id',
      'Content-Type',
    ]);
    expect(h['Content-Type']).toBe('application/json');
  });

  it.each([
    ['lower', 'lambda-runtime-aws-request-id'],
    ['upper', 'LAMBDA-RUNTIME-AWS-REQUEST-ID'],
  ] as const)('spells the names %s when asked', (headerCase, name) => {
    const inv = invocation({ headerCase });
    expect(pairs(renderInvokeHeaders(inv))[name]).toBe(inv.requestId);
  });

  it('writes a non-ASCII value as its UTF-8 bytes (the transport writes latin1), an ASCII one as it is', () => {
    const h = pairs(renderInvokeHeaders(invocation({ tenantId: 'tenant-é', clientContext: 'plain' })));
    expect(Buffer.from(h['Lambda-Runtime-Aws-Tenant-Id'] as string, 'latin1').toString('utf8')).toBe('tenant-é');
    expect(h['Lambda-Runtime-Client-Context']).toBe('plain');
  });

  it('trusts asciiHeaders: values are not checked when the caller vouches for them', () => {
    const h = pairs(renderInvokeHeaders(invocation({ tenantId: 'tenant-é', asciiHeaders: true })));
    expect(h['Lambda-Runtime-Aws-Tenant-Id']).toBe('tenant-é');
  });
});
