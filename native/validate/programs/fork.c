/* fork SIZE_MIB: fills an array, then (after its 1st clock_gettime call) forks a child
 * that sums it and exits; once the child is done (the 2nd call) the parent sums it too
 * (before the 3rd). Migrated at the 1st call, the child runs after the migration point;
 * at the 2nd, before it. */
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

static uint64_t sum(const uint64_t *a, size_t words) {
  uint64_t s = 0;
  for (size_t i = 0; i < words; i += PAGE / sizeof(uint64_t)) s += a[i];
  return s;
}

int main(int argc, char **argv) {
  size_t bytes = arg_mib(argc, argv, 1, 4), words = bytes / sizeof(uint64_t);
  uint64_t *a = malloc(bytes);
  if (!a) return 1;
  for (size_t i = 0; i < words; i++) a[i] = i;
  uint64_t want = sum(a, words);
  double t0 = seconds(); /* 1st call */
  pid_t child = fork();
  if (child < 0) return 1;
  if (child == 0) exit(sum(a, words) == want ? 0 : 3);
  int status;
  if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fprintf(stderr, "fork: the child saw another array (status %d)\n", status);
    return 2;
  }
  seconds(); /* 2nd call */
  uint64_t s = sum(a, words);
  double t2 = seconds(); /* 3rd call */
  printf("fork: %zu MiB, sum %llu (%s), %.3f s\n", bytes >> 20, (unsigned long long)s, s == want ? "right" : "WRONG", t2 - t0);
  return s == want ? 0 : 2;
}
