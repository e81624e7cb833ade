/* percpu SIZE_MIB: sizes its work by the CPUs it may use, as GNU sort starts a thread
 * per CPU and merges through a scratch area per thread. It fills SIZE_MIB, and after
 * the migration point a fresh SIZE_MIB scratch area per CPU, then reads the first
 * buffer again. Every run of it must see the same CPUs (the native runs, the capture
 * under valgrind, the real migrations): otherwise the trace holds other fresh pages
 * than the real run zero-fills. */
#define _GNU_SOURCE
#include <sched.h>
#include "common.h"

int main(int argc, char **argv) {
  size_t bytes = arg_mib(argc, argv, 1, 1);
  cpu_set_t set;
  size_t cpus = sched_getaffinity(0, sizeof set, &set) ? 1 : (size_t)CPU_COUNT(&set);
  char *a = malloc(bytes), *scratch = malloc(bytes * cpus);
  if (!a || !scratch) return 1;
  seconds();
  for (size_t i = 0; i < bytes; i += LINE) a[i] = (char)(i / LINE);
  seconds();
  unsigned long sum = 0;
  for (size_t c = 0; c < cpus; c++)
    for (size_t i = 0; i < bytes; i += PAGE) scratch[c * bytes + i] = a[i];
  for (size_t i = 0; i < bytes * cpus; i += PAGE) sum += (unsigned char)scratch[i];
  for (size_t i = 0; i < bytes; i += LINE) sum += (unsigned char)a[i];
  printf("%zu cpus, sum %lu\n", cpus, sum);
  return 0;
}
