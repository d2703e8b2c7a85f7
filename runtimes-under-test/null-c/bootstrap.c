/*
 * null-c: the cheapest possible Lambda custom runtime, the floor of bootspec's benchmarks.
 *
 * One keep-alive HTTP/1.1 connection to $AWS_LAMBDA_RUNTIME_API; the loop is GET /next, then POST the
 * event's bytes back unchanged to /response. No allocation per invoke once the buffer has grown, no
 * JSON, no logging. BUSY_WAIT_US=N spins N microseconds (fractions allowed) per invoke (a known slowdown, to check that
 * bootspec's regression verdicts catch one). Exits 1 on any protocol surprise: it is a benchmark
 * instrument, not a runtime to learn from.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

struct conn {
  int fd;
  char *buf; /* received bytes not yet consumed: buf[pos..len) */
  size_t pos, len, cap;
};

static const char *api;
static char host[256], port[16];

static void die(const char *what) {
  fprintf(stderr, "null-c: %s%s%s\n", what, errno ? ": " : "", errno ? strerror(errno) : "");
  exit(1);
}

static void dial(struct conn *c) {
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res;
  if (getaddrinfo(host, port, &hints, &res) != 0) die("cannot resolve AWS_LAMBDA_RUNTIME_API");
  c->fd = socket(res->ai_family, SOCK_STREAM, 0);
  if (c->fd < 0 || connect(c->fd, res->ai_addr, res->ai_addrlen) != 0) die("cannot connect to the Runtime API");
  freeaddrinfo(res);
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  c->pos = c->len = 0;
}

/* Makes room for `more` bytes after len, compacting first. */
static void reserve(struct conn *c, size_t more) {
  if (c->pos > 0) {
    memmove(c->buf, c->buf + c->pos, c->len - c->pos);
    c->len -= c->pos;
    c->pos = 0;
  }
  if (c->len + more <= c->cap) return;
  size_t cap = c->cap ? c->cap : 65536;
  while (cap < c->len + more) cap *= 2;
  c->buf = realloc(c->buf, cap);
  if (!c->buf) die("out of memory");
  c->cap = cap;
}

/* Reads at least one more byte; 0 on EOF. */
static int fill(struct conn *c) {
  reserve(c, 65536);
  ssize_t n;
  do n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0) die("recv");
  c->len += (size_t)n;
  return n > 0;
}

static void send_all(int fd, struct iovec *iov, int n) {
  while (n > 0) {
    ssize_t w = writev(fd, iov, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      die("send");
    }
    while (n > 0 && (size_t)w >= iov->iov_len) w -= (ssize_t)(iov++)->iov_len, n--;
    if (n > 0) iov->iov_base = (char *)iov->iov_base + w, iov->iov_len -= (size_t)w;
  }
}

struct answer {
  int status;
  char request_id[128];
  char invocation_id[128];
  const char *body; /* points into the connection buffer, valid until the next read */
  size_t body_len;
};

static void header_value(const char *line, const char *end, char *out, size_t outsz) {
  const char *v = memchr(line, ':', (size_t)(end - line));
  if (!v) return;
  for (v++; v < end && (*v == ' ' || *v == '\t'); v++) {}
  size_t n = (size_t)(end - v);
  if (n >= outsz) n = outsz - 1;
  memcpy(out, v, n);
  out[n] = 0;
}

/* Reads one HTTP response (Content-Length or chunked body); 0 if the server closed first. */
static int read_answer(struct conn *c, struct answer *a) {
  char *hdr_end;
  for (;;) {
    hdr_end = c->len > c->pos ? memmem(c->buf + c->pos, c->len - c->pos, "\r\n\r\n", 4) : NULL;
    if (hdr_end) break;
    if (!fill(c)) return 0;
  }
  char *p = c->buf + c->pos;
  a->status = atoi(p + 9);
  a->request_id[0] = a->invocation_id[0] = 0;
  long length = -1;
  int chunked = 0;
  char num[32];
  for (char *line = strstr(p, "\r\n") + 2; line < hdr_end; ) {
    char *eol = memmem(line, (size_t)(hdr_end + 2 - line), "\r\n", 2);
    if (!strncasecmp(line, "Content-Length:", 15)) {
      num[0] = 0;
      header_value(line, eol, num, sizeof num);
      length = atol(num);
    } else if (!strncasecmp(line, "Transfer-Encoding:", 18)) {
      chunked = 1;
    } else if (!strncasecmp(line, "Lambda-Runtime-Aws-Request-Id:", 30)) {
      header_value(line, eol, a->request_id, sizeof a->request_id);
    } else if (!strncasecmp(line, "Lambda-Runtime-Invocation-Id:", 29)) {
      header_value(line, eol, a->invocation_id, sizeof a->invocation_id);
    }
    line = eol + 2;
  }
  size_t header_bytes = (size_t)(hdr_end + 4 - p);
  if (!chunked) {
    size_t need = header_bytes + (size_t)(length < 0 ? 0 : length);
    while (c->len - c->pos < need)
      if (!fill(c)) die("connection closed inside a body");
    a->body = c->buf + c->pos + header_bytes;
    a->body_len = need - header_bytes;
    c->pos += need;
    return 1;
  }
  /* Chunked: decode in place, right after the headers. */
  size_t out = c->pos + header_bytes, in = out;
  for (;;) {
    char *eol;
    while (!(eol = memmem(c->buf + in, c->len - in, "\r\n", 2)))
      if (!fill(c)) die("connection closed inside a chunk");
    size_t n = strtoul(c->buf + in, NULL, 16);
    size_t data = (size_t)(eol + 2 - c->buf);
    while (c->len < data + n + 2)
      if (!fill(c)) die("connection closed inside a chunk");
    memmove(c->buf + out, c->buf + data, n);
    out += n;
    in = data + n + 2;
    if (n == 0) break; /* no trailers expected */
  }
  a->body = c->buf + c->pos + header_bytes;
  a->body_len = out - (c->pos + header_bytes);
  c->pos = in;
  return 1;
}

static void busy_wait(long ns) {
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  do clock_gettime(CLOCK_MONOTONIC, &t);
  while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < ns);
}

int main(void) {
  api = getenv("AWS_LAMBDA_RUNTIME_API");
  if (!api) die("AWS_LAMBDA_RUNTIME_API is not set");
  const char *colon = strrchr(api, ':');
  if (!colon || (size_t)(colon - api) >= sizeof host) die("AWS_LAMBDA_RUNTIME_API is not host:port");
  memcpy(host, api, (size_t)(colon - api));
  snprintf(port, sizeof port, "%s", colon + 1);
  const char *bw = getenv("BUSY_WAIT_US");
  /* fractional microseconds allowed: a +10 % step of a ~28 µs invoke is 2.8 µs */
  long busy_ns = bw ? (long)(atof(bw) * 1000.0) : 0;

  struct conn c = {0};
  dial(&c);
  char next[512], post[1024];
  int next_len = snprintf(next, sizeof next,
                          "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: %s\r\nUser-Agent: bootspec-null-c/1\r\n\r\n", api);
  /* The event is echoed from the receive buffer; copy it out first, the next read may move it. */
  char *event = NULL;
  size_t event_cap = 0;
  for (;;) {
    struct iovec get = {next, (size_t)next_len};
    send_all(c.fd, &get, 1);
    struct answer a;
    if (!read_answer(&c, &a)) {
      close(c.fd); /* the server closed an idle keep-alive connection: dial again */
      dial(&c);
      continue;
    }
    if (a.status != 200) {
      fprintf(stderr, "null-c: /next answered %d\n", a.status);
      return 1;
    }
    if (a.body_len > event_cap) {
      event_cap = a.body_len;
      event = realloc(event, event_cap);
      if (!event) die("out of memory");
    }
    if (a.body_len) memcpy(event, a.body, a.body_len);
    size_t event_len = a.body_len;
    if (busy_ns > 0) busy_wait(busy_ns);
    int post_len = snprintf(post, sizeof post,
                            "POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: %s\r\n"
                            "User-Agent: bootspec-null-c/1\r\nContent-Type: application/octet-stream\r\n"
                            "%s%s%sContent-Length: %zu\r\n\r\n",
                            a.request_id, api, a.invocation_id[0] ? "Lambda-Runtime-Invocation-Id: " : "", a.invocation_id,
                            a.invocation_id[0] ? "\r\n" : "", event_len);
    struct iovec iov[2] = {{post, (size_t)post_len}, {event, event_len}};
    send_all(c.fd, iov, event_len ? 2 : 1);
    if (!read_answer(&c, &a)) die("the Runtime API closed the connection before answering /response");
    if (a.status != 202) {
      fprintf(stderr, "null-c: /response answered %d\n", a.status);
      return 1;
    }
  }
}
