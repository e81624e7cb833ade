/* grow SIZE_MIB PASSES: writes a block, then grows it to twice its size with realloc,
 * which for a block this large glibc does with mremap, moving it where the space above
 * it is taken (as it is for a fresh mapping: mappings are placed downward), and sums
 * the whole block PASSES times. Migrated before the growth, the process must find its
 * pages where the move put them (the handler follows the move). */
#include "common.h"

int main(int argc, char **argv) {
  size_t bytes = arg_mib(argc, argv, 1, 4);
  long passes = arg_long(argc, argv, 2, 2);
  size_t words = bytes / sizeof(uint64_t), step = LINE / sizeof(uint64_t);
  uint64_t *a = malloc(bytes);
  if (!a) return 1;
  double t0 = seconds();
  for (size_t i = 0; i < words; i += step) a[i] = 3 * i + 1;
  seconds();
  uintptr_t before = (uintptr_t)a;
  a = realloc(a, 2 * bytes);
  if (!a) return 1;
  /* the grown half is new memory: written once, read with the rest */
  for (size_t i = words; i < 2 * words; i += step) a[i] = 5 * i;
  uint64_t sum = 0;
  for (long p = 0; p < passes; p++)
    for (size_t i = 0; i < 2 * words; i += step) sum += a[i];
  double t = seconds();
  printf("grow: %zu MiB to %zu MiB (%s), %ld passes, sum %llu, total %.3f s\n", bytes >> 20, 2 * bytes >> 20,
         (uintptr_t)a == before ? "in place" : "moved", passes, (unsigned long long)sum, t - t0);
  free(a);
  return 0;
}
