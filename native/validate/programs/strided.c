/* strided SIZE_MIB STRIDE_PAGES PASSES: writes an array a cache line at a time, then in
 * each pass visits its pages STRIDE_PAGES apart (offset 0, then 1, ... up to the
 * stride), reading 8 words spread over each page. */
#include "common.h"

int main(int argc, char **argv) {
  size_t bytes = arg_mib(argc, argv, 1, 8);
  long stride = arg_long(argc, argv, 2, 5);
  long passes = arg_long(argc, argv, 3, 3);
  size_t pages = bytes / PAGE, words = bytes / sizeof(uint64_t);
  uint64_t *a = malloc(bytes);
  if (!a || stride < 1) return 1;
  double t0 = seconds();
  for (size_t i = 0; i < words; i += LINE / sizeof(uint64_t)) a[i] = i;
  uint64_t sum = 0;
  double t = seconds();
  for (long p = 0; p < passes; p++) {
    for (long off = 0; off < stride; off++) {
      for (size_t page = (size_t)off; page < pages; page += (size_t)stride) {
        const uint64_t *w = a + page * (PAGE / sizeof(uint64_t));
        for (size_t k = 0; k < PAGE / sizeof(uint64_t); k += 64) sum += w[k];
      }
    }
    t = seconds();
  }
  printf("strided: %zu MiB, stride %ld pages, %ld passes, sum %llu, %.3f s\n", bytes >> 20, stride, passes,
         (unsigned long long)sum, t - t0);
  free(a);
  return 0;
}
