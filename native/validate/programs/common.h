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
/* `random`'s work: writes an array of `bytes` a cache line at a time, then in each pass
 * reads 8 words of as many pages as it has, each picked at random (with replacement,
 * from a fixed seed): about 63% of the pages in a pass. Each pass ends with a
 * clock_gettime call (a migration point). Prints what it did as `name`; 1 when out of
 * memory. */
static inline int random_program(const char *name, size_t bytes, long passes) {
  size_t pages = bytes / PAGE, words = bytes / sizeof(uint64_t);
  uint64_t *a = malloc(bytes);
  if (!a) return 1;
  double t0 = seconds();
  for (size_t i = 0; i < words; i += LINE / sizeof(uint64_t)) a[i] = i;
  uint64_t sum = 0, seed = 0x9e3779b97f4a7c15ULL;
  double t = seconds();
  for (long p = 0; p < passes; p++) {
    for (size_t n = 0; n < pages; n++) {
      const uint64_t *w = a + (next_random(&seed) % pages) * (PAGE / sizeof(uint64_t));
      for (size_t k = 0; k < PAGE / sizeof(uint64_t); k += 64) sum += w[k];
    }
    t = seconds();
  }
  printf("%s: %zu MiB, %ld passes, sum %llu, %.3f s\n", name, bytes >> 20, passes, (unsigned long long)sum, t - t0);
  free(a);
  return 0;
}
#endif
