/* chase SIZE_MIB PASSES: pointer chasing. The array holds one node per cache line,
 * linked into a single random cycle (Sattolo's shuffle, fixed seed); each pass follows
 * the whole cycle, so every line is visited once a pass in an order with no locality. */
#include "common.h"

struct node {
  struct node *next;
  uint64_t pad[LINE / sizeof(uint64_t) - 1];
};

int main(int argc, char **argv) {
  size_t bytes = arg_mib(argc, argv, 1, 8);
  long passes = arg_long(argc, argv, 2, 3);
  size_t n = bytes / sizeof(struct node);
  struct node *nodes = malloc(n * sizeof *nodes);
  uint32_t *order = malloc(n * sizeof *order);
  if (!nodes || !order) return 1;
  double t0 = seconds();
  uint64_t seed = 0x2545f4914f6cdd1dULL;
  for (size_t i = 0; i < n; i++) order[i] = (uint32_t)i;
  for (size_t i = n - 1; i > 0; i--) {
    size_t j = next_random(&seed) % i;
    uint32_t x = order[i];
    order[i] = order[j];
    order[j] = x;
  }
  for (size_t i = 0; i < n; i++) nodes[order[i]].next = &nodes[order[(i + 1) % n]];
  free(order);
  size_t steps = 0;
  double t = seconds();
  for (long p = 0; p < passes; p++) {
    const struct node *x = &nodes[0];
    do {
      x = x->next;
      steps++;
    } while (x != &nodes[0]);
    t = seconds();
  }
  printf("chase: %zu MiB, %ld passes, %zu steps, %.3f s\n", bytes >> 20, passes, steps, t - t0);
  free(nodes);
  return 0;
}
