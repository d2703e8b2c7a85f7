/*
 * The loopback floor: a bare TCP round trip on 127.0.0.1 between two processes, one byte each way,
 * TCP_NODELAY, each side pinned to its own CPU when asked. Prints one round-trip time in ns per line
 * for the measured rounds (warm-up rounds are dropped here).
 *
 *   pingpong --rounds N --warmup W --client-cpu A --server-cpu B   (-1: unpinned)
 */
#include "common.h"
#include <arpa/inet.h>
#include <signal.h>
#include <sys/wait.h>

int main(int argc, char **argv) {
  long rounds = arg_long(argc, argv, "--rounds", 20000), warmup = arg_long(argc, argv, "--warmup", 2000);
  int ccpu = (int)arg_long(argc, argv, "--client-cpu", -1), scpu = (int)arg_long(argc, argv, "--server-cpu", -1);
  int port, lfd = listen_loopback(&port);
  pid_t server = fork();
  if (server < 0) fail("fork");
  if (server == 0) {
    pin(scpu);
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0) fail("accept");
    nodelay(fd);
    char b;
    while (recv(fd, &b, 1, 0) == 1) write_all(fd, &b, 1);
    _exit(0);
  }
  close(lfd);
  pin(ccpu);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) fail("connect");
  nodelay(fd);
  long long *out = malloc(sizeof(long long) * (size_t)rounds);
  char b = 'x';
  for (long i = 0; i < warmup + rounds; i++) {
    long long t0 = now_ns();
    write_all(fd, &b, 1);
    if (recv(fd, &b, 1, MSG_WAITALL) != 1) fail("recv");
    if (i >= warmup) out[i - warmup] = now_ns() - t0;
  }
  close(fd);
  waitpid(server, NULL, 0);
  for (long i = 0; i < rounds; i++) printf("%lld\n", out[i]);
  return 0;
}
