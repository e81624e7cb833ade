/* spawn SIZE_MIB MODE: fills an array and, after its 1st clock_gettime call, starts a
 * child that shares its memory until it execs or exits: MODE `posix_spawn` runs
 * /bin/true (as system() does), `vfork` sums the array's first half in the child and
 * _exits. Then the parent sums the whole array (before the 2nd call). Unlike fork(),
 * neither child has memory of its own, so a migration at the 1st call can serve it. */
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

extern char **environ;

static uint64_t sum(const volatile uint64_t *a, size_t words) {
  uint64_t s = 0;
  for (size_t i = 0; i < words; i += PAGE / sizeof(uint64_t)) s += a[i];
  return s;
}

/* the child sums the first half and _exits; apart from main, whose locals vfork may clobber */
static pid_t vfork_summing(const uint64_t *a, size_t half_words, uint64_t want_half) {
  pid_t child = vfork();
  if (child == 0) _exit(sum(a, half_words) == want_half ? 0 : 3);
  return child;
}

int main(int argc, char **argv) {
  size_t bytes = arg_mib(argc, argv, 1, 4), words = bytes / sizeof(uint64_t);
  const char *mode = argc > 2 ? argv[2] : "posix_spawn";
  uint64_t *a = malloc(bytes);
  if (!a) return 1;
  for (size_t i = 0; i < words; i++) a[i] = i;
  uint64_t want = sum(a, words), want_half = sum(a, words / 2);
  double t0 = seconds(); /* 1st call */
  pid_t child;
  int status;
  if (!strcmp(mode, "posix_spawn")) {
    char *args[] = {"/bin/true", NULL};
    if (posix_spawn(&child, args[0], NULL, NULL, args, environ) != 0) return 1;
  } else if (!strcmp(mode, "vfork")) {
    child = vfork_summing(a, words / 2, want_half);
    if (child < 0) return 1;
  } else {
    fprintf(stderr, "spawn: MODE is posix_spawn or vfork, not %s\n", mode);
    return 1;
  }
  if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fprintf(stderr, "spawn: the %s child failed (status %d)\n", mode, status);
    return 2;
  }
  uint64_t s = sum(a, words);
  double t1 = seconds(); /* 2nd call */
  printf("spawn: %s, %zu MiB, sum %llu (%s), %.3f s\n", mode, bytes >> 20, (unsigned long long)s, s == want ? "right" : "WRONG", t1 - t0);
  return s == want ? 0 : 2;
}
