/*
 * The minimal Runtime API: the floor against which bootspec's mock is measured. It serves
 * W + N invocations of a fixed payload to whatever runtime connects, with the headers bootspec's mock
 * sends (request id, deadline, ARN, trace id, invocation id, content type), and answers /response
 * with 202 {"status":"OK"}. No state machine, no validation beyond the request id: the least a mock
 * can do. It listens on 127.0.0.1 only.
 *
 *   cmock --invokes N --warmup W --payload BYTES --cpu C
 *
 * Prints "port P" first, then one line per measured invocation: "cycle_ns latency_ns", where
 *   latency = event handed to /next (just before writing it) -> result posted (body read),
 *   cycle   = previous 202 written -> this 202 written (the whole per-invoke cost),
 * then "done".
 */
#include "common.h"
#include <strings.h>

struct reader {
  int fd;
  char *buf;
  size_t pos, len, cap;
};

static int fill(struct reader *r) {
  if (r->pos > 0) {
    memmove(r->buf, r->buf + r->pos, r->len - r->pos);
    r->len -= r->pos;
    r->pos = 0;
  }
  if (r->cap - r->len < 65536) {
    r->cap = r->cap ? r->cap * 2 : 1 << 20;
    r->buf = realloc(r->buf, r->cap);
    if (!r->buf) fail("out of memory");
  }
  ssize_t n;
  do n = recv(r->fd, r->buf + r->len, r->cap - r->len, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0) fail("recv");
  r->len += (size_t)n;
  return n > 0;
}

struct request {
  char line[512];
  size_t body_len;
};

/* Reads one request with its Content-Length body (consumed); 0 if the client closed first. */
static int read_request(struct reader *r, struct request *q) {
  char *end;
  while (!(end = r->len > r->pos ? memmem(r->buf + r->pos, r->len - r->pos, "\r\n\r\n", 4) : NULL))
    if (!fill(r)) return 0;
  char *p = r->buf + r->pos, *eol = memmem(p, (size_t)(end + 2 - p), "\r\n", 2);
  size_t n = (size_t)(eol - p) < sizeof q->line - 1 ? (size_t)(eol - p) : sizeof q->line - 1;
  memcpy(q->line, p, n);
  q->line[n] = 0;
  q->body_len = 0;
  for (char *h = eol + 2; h < end;) {
    char *e = memmem(h, (size_t)(end + 2 - h), "\r\n", 2);
    if (!strncasecmp(h, "Content-Length:", 15)) q->body_len = strtoul(h + 15, NULL, 10);
    if (!strncasecmp(h, "Transfer-Encoding:", 18)) {
      errno = 0;
      fail("chunked request bodies are not supported by the C mock");
    }
    h = e + 2;
  }
  size_t need = (size_t)(end + 4 - p) + q->body_len;
  while (r->len - r->pos < need)
    if (!fill(r)) fail("client closed inside a request body");
  r->pos += need;
  return 1;
}

int main(int argc, char **argv) {
  long invokes = arg_long(argc, argv, "--invokes", 10000), warmup = arg_long(argc, argv, "--warmup", 1000);
  size_t payload = (size_t)arg_long(argc, argv, "--payload", 0);
  pin((int)arg_long(argc, argv, "--cpu", -1));
  int port, lfd = listen_loopback(&port);
  printf("port %d\n", port);
  fflush(stdout);

  char *event = malloc(payload + 1);
  memset(event, 'x', payload);
  long long *cycle = malloc(sizeof(long long) * (size_t)invokes), *latency = malloc(sizeof(long long) * (size_t)invokes);
  struct reader r = {.fd = -1};
  struct request q;
  char head[1024], id[40];
  static const char accepted[] = "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n{\"status\":\"OK\"}\n";
  long long last = 0;
  for (long i = 0; i < warmup + invokes;) {
    if (r.fd < 0) {
      r.fd = accept(lfd, NULL, NULL);
      if (r.fd < 0) fail("accept");
      nodelay(r.fd);
      r.pos = r.len = 0;
    }
    if (!read_request(&r, &q)) {
      close(r.fd);
      r.fd = -1;
      continue;
    }
    if (strncmp(q.line, "GET /2018-06-01/runtime/invocation/next ", 40) != 0) {
      errno = 0;
      fprintf(stderr, "cmock: unexpected request %s\n", q.line);
      fail("expected GET /next");
    }
    snprintf(id, sizeof id, "00000000-0000-4000-8000-%012lx", (unsigned long)i);
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    long long deadline = (long long)wall.tv_sec * 1000 + wall.tv_nsec / 1000000 + 3000;
    int hn = snprintf(head, sizeof head,
                      "HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: %s\r\nLambda-Runtime-Deadline-Ms: %lld\r\n"
                      "Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:123456789012:function:null-c\r\n"
                      "Lambda-Runtime-Trace-Id: Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0\r\n"
                      "Lambda-Runtime-Invocation-Id: %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                      id, deadline, id, payload);
    long long handed = now_ns();
    write_all(r.fd, head, (size_t)hn);
    if (payload) write_all(r.fd, event, payload);
    if (!read_request(&r, &q)) fail("runtime closed the connection before posting a result");
    long long posted = now_ns();
    if (strncmp(q.line, "POST /2018-06-01/runtime/invocation/", 36) != 0 || strncmp(q.line + 36, id, 36) != 0) {
      errno = 0;
      fprintf(stderr, "cmock: unexpected request %s\n", q.line);
      fail("expected POST /{id}/response");
    }
    write_all(r.fd, accepted, sizeof accepted - 1);
    long long t = now_ns();
    if (i >= warmup && last > 0) {
      cycle[i - warmup] = t - last;
      latency[i - warmup] = posted - handed;
    } else if (i >= warmup) {
      cycle[i - warmup] = -1; /* no previous 202 to measure from */
      latency[i - warmup] = posted - handed;
    }
    last = t;
    i++;
  }
  for (long i = 0; i < invokes; i++) printf("%lld %lld\n", cycle[i], latency[i]);
  printf("done\n");
  return 0;
}
