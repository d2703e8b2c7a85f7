/**
 * What Go's net/http writes on its own, since RAPID is a Go server: its status texts and its answers
 * to requests it cannot read (net/http server.go, `(*conn).serve` and `(*response).sendExpectationFailed`
 * at go1.26). A runtime's HTTP client sees the same bytes from the mock as from Lambda.
 */

/** net/http's StatusText for the codes an HTTP/1.1 server writes (where Node's names differ, Go's win). */
export const GO_STATUS_TEXT: Readonly<Record<number, string>> = Object.freeze({
  100: 'Continue',
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  413: 'Request Entity Too Large',
  414: 'Request URI Too Long',
  415: 'Unsupported Media Type',
  417: 'Expectation Failed',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
});

/** Go's maxPostHandlerReadBytes: an unread body this large is not drained, the connection closes. */
export const MAX_POST_HANDLER_READ = 256 << 10;

const PLAIN = '\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n';

/**
 * The whole answer to an unreadable request, ended by closing the connection (Go writes no
 * Content-Length). `detail` is the text of Go's statusError (e.g. "missing required Host header"):
 * Go appends it to the status line and the body; a plain 400 has none.
 */
export function goRefusal(status: number, detail: string | undefined, date: string): string {
  const text = GO_STATUS_TEXT[status] ?? `status code ${status}`;
  if (status === 431) return `HTTP/1.1 431 ${text}${PLAIN}431 ${text}`;
  if (status === 501) return `HTTP/1.1 501 ${text}${PLAIN}Unsupported transfer encoding`;
  // An Expect other than 100-continue is refused by a normal empty answer that closes the connection.
  if (status === 417) return `HTTP/1.1 417 ${text}\r\nConnection: close\r\nDate: ${date}\r\nContent-Length: 0\r\n\r\n`;
  const line = detail === undefined ? `${status} ${text}` : `${status} ${text}: ${detail}`;
  return `HTTP/1.1 ${line}${PLAIN}${line}`;
}
