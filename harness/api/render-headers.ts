/** The headers of a /next answer: the event's context, as RAPID sends it. */
import type { InvocationRequest } from './types.ts';

const HEADER_NAMES = {
  requestId: 'Lambda-Runtime-Aws-Request-Id',
  deadline: 'Lambda-Runtime-Deadline-Ms',
  arn: 'Lambda-Runtime-Invoked-Function-Arn',
  trace: 'Lambda-Runtime-Trace-Id',
  clientContext: 'Lambda-Runtime-Client-Context',
  cognito: 'Lambda-Runtime-Cognito-Identity',
  tenant: 'Lambda-Runtime-Aws-Tenant-Id',
  invocationId: 'Lambda-Runtime-Invocation-Id',
  contentType: 'Content-Type',
} as const;

const ASCII = /^[\x00-\x7f]*$/;
type HeaderNames = Record<keyof typeof HEADER_NAMES, string>;
const spelled = (spell: (name: string) => string) =>
  Object.fromEntries(Object.entries(HEADER_NAMES).map(([k, v]) => [k, spell(v)])) as HeaderNames;
/** Header names spelled for each InvocationRequest.headerCase. */
const NAMES: Record<InvocationRequest['headerCase'], HeaderNames> = {
  canonical: spelled((n) => n),
  lower: spelled((n) => n.toLowerCase()),
  upper: spelled((n) => n.toUpperCase()),
};

/**
 * /next answer headers; like RAPID, an optional header is sent only when it has a value.
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html#runtimes-api-next
 */
export function renderInvokeHeaders(r: InvocationRequest): string[] {
  const n = NAMES[r.headerCase];
  const ascii = r.asciiHeaders === true;
  const h: string[] = [];
  addHeader(h, n.requestId, r.requestId, ascii);
  h.push(n.deadline, String(r.deadlineMs));
  addHeader(h, n.arn, r.functionArn, ascii);
  addHeader(h, n.trace, r.traceId, ascii);
  addHeader(h, n.clientContext, r.clientContext, ascii);
  addHeader(h, n.cognito, r.cognitoIdentity, ascii);
  addHeader(h, n.tenant, r.tenantId, ascii);
  addHeader(h, n.invocationId, r.invocationId, ascii);
  addHeader(h, n.contentType, r.contentType || 'application/json', ascii);
  return h;
}

function addHeader(h: string[], name: string, value: string | null, ascii: boolean): void {
  if (value === null || value === '') return;
  // Raw UTF-8 bytes on the wire, as Go's net/http writes them (the transport writes header text as
  // latin1). ASCII is the same in both; only other values need the re-encoding.
  h.push(name, ascii || ASCII.test(value) ? value : Buffer.from(value, 'utf8').toString('latin1'));
}
