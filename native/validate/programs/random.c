/* random SIZE_MIB PASSES: writes an array a cache line at a time, then in each pass
 * reads 8 words of as many pages as the array has, each picked at random (with
 * replacement, from a fixed seed): about 63% of the pages in a pass. */
#include "common.h"

int main(int argc, char **argv) {
  size_t bytes = arg_mib(argc, argv, 1, 8);
  long passes = arg_long(argc, argv, 2, 3);
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
  printf("random: %zu MiB, %ld passes, sum %llu, %.3f s\n", bytes >> 20, passes, (unsigned long long)sum, t - t0);
  free(a);
  return 0;
}
