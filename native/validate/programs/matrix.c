/* matrix N PASSES: a blocked transpose-add, B = B + A^T (HPC Challenge's PTRANS
 * kernel on one process), on two N x N matrices of doubles in 32 x 32 blocks: A is read
 * down its columns while B is walked along its rows. */
#include "common.h"

#define BLOCK 32

int main(int argc, char **argv) {
  long n = arg_long(argc, argv, 1, 512);
  long passes = arg_long(argc, argv, 2, 2);
  if (n < BLOCK || n % BLOCK) return 1;
  double *a = malloc((size_t)n * n * sizeof(double)), *b = malloc((size_t)n * n * sizeof(double));
  if (!a || !b) return 1;
  double t0 = seconds();
  for (long i = 0; i < n * n; i++) {
    a[i] = (double)(i % 1000);
    b[i] = 1.0;
  }
  double t = seconds();
  for (long p = 0; p < passes; p++) {
    for (long ib = 0; ib < n; ib += BLOCK)
      for (long jb = 0; jb < n; jb += BLOCK)
        for (long i = ib; i < ib + BLOCK; i++)
          for (long j = jb; j < jb + BLOCK; j++) b[i * n + j] += a[j * n + i];
    t = seconds();
  }
  double sum = 0;
  for (long i = 0; i < n * n; i += n + 1) sum += b[i];
  printf("matrix: %ld x %ld, %ld passes, trace %.1f, %.3f s\n", n, n, passes, sum, t - t0);
  free(a);
  free(b);
  return 0;
}
