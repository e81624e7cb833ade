/* Shared by the validation programs: a size argument in MiB, a pass timer (each pass
 * is bracketed by clock_gettime calls, which is also what `ampom validate` counts to
 * place the migration point), and a deterministic generator. */
#ifndef AMPOM_VALIDATE_PROGRAMS_COMMON_H
#define AMPOM_VALIDATE_PROGRAMS_COMMON_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define PAGE 4096
#define LINE 64

static inline size_t arg_mib(int argc, char **argv, int i, size_t fallback) {
  return (argc > i ? (size_t)strtoull(argv[i], NULL, 10) : fallback) << 20;
}

static inline long arg_long(int argc, char **argv, int i, long fallback) {
  return argc > i ? strtol(argv[i], NULL, 10) : fallback;
}

static inline double seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* xorshift64*: the same sequence on every run */
static inline uint64_t next_random(uint64_t *s) {
  uint64_t x = *s;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *s = x;
  return x * 0x2545F4914F6CDD1DULL;
}
#endif
