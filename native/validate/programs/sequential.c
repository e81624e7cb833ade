/* sequential SIZE_MIB PASSES: writes an array one cache line at a time, then sums it
 * in PASSES sequential sweeps (one word read per cache line). */
#include "common.h"

int main(int argc, char **argv) {
  size_t bytes = arg_mib(argc, argv, 1, 8);
  long passes = arg_long(argc, argv, 2, 3);
  size_t words = bytes / sizeof(uint64_t), step = LINE / sizeof(uint64_t);
  uint64_t *a = malloc(bytes);
  if (!a) return 1;
  double t0 = seconds();
  for (size_t i = 0; i < words; i += step) a[i] = i;
  uint64_t sum = 0;
  double t = seconds(), first = t - t0;
  for (long p = 0; p < passes; p++) {
    for (size_t i = 0; i < words; i += step) sum += a[i];
    t = seconds();
  }
  printf("sequential: %zu MiB, %ld passes, sum %llu, init %.3f s, total %.3f s\n", bytes >> 20, passes,
         (unsigned long long)sum, first, t - t0);
  free(a);
  return 0;
}
