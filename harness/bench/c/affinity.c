/*
 * Moves threads between CPUs on request, so bootspec can hand a CPU to a runtime it is about to start
 * and take its own back without blocking its event loop on a `taskset` process. Reads lines
 * "<tid> <cpu>" on stdin and applies each with sched_setaffinity; it runs pinned to --cpu itself.
 */
#include "common.h"

int main(int argc, char **argv) {
  pin((int)arg_long(argc, argv, "--cpu", -1));
  char line[64];
  while (fgets(line, sizeof line, stdin)) {
    int tid, cpu;
    if (sscanf(line, "%d %d", &tid, &cpu) != 2) continue;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(tid, sizeof set, &set) != 0) fprintf(stderr, "affinity: tid %d: %s\n", tid, strerror(errno));
  }
  return 0;
}
