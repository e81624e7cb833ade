/* remap SIZE_MIB PASSES: writes a block, then moves it twice with mremap and grows it
 * in place over the place the second move left, as a realloc may do to a buffer that
 * keeps growing (ptx's did): A -> B, B -> C just below B, then C grows into B. Sums the
 * grown part first (new memory: zeros, then written), then the whole block PASSES
 * times. Migrated before the moves, the process must find its pages where the moves put
 * them, and the grown part must read as new memory, not as the pages that were at B. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include "common.h"

int main(int argc, char **argv) {
  size_t bytes = arg_mib(argc, argv, 1, 4);
  long passes = arg_long(argc, argv, 2, 2);
  size_t words = bytes / sizeof(uint64_t), step = LINE / sizeof(uint64_t);
  /* four blocks of room, reserved so that nothing else is placed there: A at the top,
   * B below it, C below B */
  char *room = mmap(NULL, 4 * bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (room == MAP_FAILED) return 1;
  char *a_at = room + 3 * bytes, *b_at = room + 2 * bytes, *c_at = room + bytes;
  uint64_t *a = mmap(a_at, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  if (a == MAP_FAILED || munmap(room, 3 * bytes)) return 1;
  double t0 = seconds();
  for (size_t i = 0; i < words; i += step) a[i] = 3 * i + 1;
  seconds();
  uint64_t *b = mremap(a, bytes, bytes, MREMAP_MAYMOVE | MREMAP_FIXED, b_at);
  if (b == MAP_FAILED) return 1;
  uint64_t *c = mremap(b, bytes, bytes, MREMAP_MAYMOVE | MREMAP_FIXED, c_at);
  if (c == MAP_FAILED) return 1;
  /* in place (no MREMAP_MAYMOVE): over [b_at, b_at + bytes), which the move left empty */
  if (mremap(c, bytes, 2 * bytes, 0) != c) return 1;
  uint64_t sum = 0;
  for (size_t i = words; i < 2 * words; i += step) sum += c[i];
  for (size_t i = words; i < 2 * words; i += step) c[i] = 5 * i;
  for (long p = 0; p < passes; p++)
    for (size_t i = 0; i < 2 * words; i += step) sum += c[i];
  double t = seconds();
  printf("remap: %zu MiB moved twice and grown to %zu MiB, %ld passes, sum %llu, total %.3f s\n", bytes >> 20,
         2 * bytes >> 20, passes, (unsigned long long)sum, t - t0);
  munmap(c, 2 * bytes);
  return 0;
}
