/* Graph kernels on a random sparse graph, for the trace corpus: builds a CSR graph
 * from a seeded linear congruential generator, then runs breadth-first search,
 * Dijkstra's shortest paths with a binary heap, and PageRank, and prints checksums.
 * Usage: graph NODES EDGES_PER_NODE PAGERANK_ITERATIONS */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>

static uint64_t state = 0x9e3779b97f4a7c15ull;
static uint32_t next_random(void) {
  state = state * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)(state >> 33);
}

typedef struct { int n; int m; int *start; int *dest; int *weight; } Graph;

static Graph build(int n, int degree) {
  Graph g = { n, n * degree, calloc(n + 1, sizeof(int)), malloc(sizeof(int) * n * degree), malloc(sizeof(int) * n * degree) };
  int *src = malloc(sizeof(int) * g.m);
  int *dst = malloc(sizeof(int) * g.m);
  for (int e = 0; e < g.m; e++) {
    /* half the edges stay near their source (locality), half go anywhere */
    src[e] = next_random() % n;
    dst[e] = (e & 1) ? (int)(next_random() % n) : (src[e] + 1 + next_random() % 64) % n;
    g.start[src[e] + 1]++;
  }
  for (int v = 0; v < n; v++) g.start[v + 1] += g.start[v];
  int *fill = malloc(sizeof(int) * n);
  for (int v = 0; v < n; v++) fill[v] = g.start[v];
  for (int e = 0; e < g.m; e++) {
    int at = fill[src[e]]++;
    g.dest[at] = dst[e];
    g.weight[at] = 1 + next_random() % 100;
  }
  free(fill); free(src); free(dst);
  return g;
}

static long bfs(const Graph *g, int root) {
  int *level = malloc(sizeof(int) * g->n), *queue = malloc(sizeof(int) * g->n);
  for (int v = 0; v < g->n; v++) level[v] = -1;
  int head = 0, tail = 0;
  level[root] = 0; queue[tail++] = root;
  long sum = 0;
  while (head < tail) {
    int v = queue[head++];
    sum += level[v];
    for (int i = g->start[v]; i < g->start[v + 1]; i++) {
      int w = g->dest[i];
      if (level[w] < 0) { level[w] = level[v] + 1; queue[tail++] = w; }
    }
  }
  free(level); free(queue);
  return sum + tail;
}

static long dijkstra(const Graph *g, int root) {
  long *dist = malloc(sizeof(long) * g->n);
  int *heap = malloc(sizeof(int) * (g->m + 1)); long *key = malloc(sizeof(long) * (g->m + 1));
  int size = 0;
  for (int v = 0; v < g->n; v++) dist[v] = -1;
#define PUSH(V, K) do { int i = size++; while (i > 0 && key[(i - 1) / 2] > (K)) { heap[i] = heap[(i - 1) / 2]; key[i] = key[(i - 1) / 2]; i = (i - 1) / 2; } heap[i] = (V); key[i] = (K); } while (0)
  PUSH(root, 0L);
  while (size > 0) {
    int v = heap[0]; long d = key[0];
    int lv = heap[--size]; long lk = key[size]; int i = 0;
    for (;;) {
      int c = 2 * i + 1;
      if (c >= size) break;
      if (c + 1 < size && key[c + 1] < key[c]) c++;
      if (key[c] >= lk) break;
      heap[i] = heap[c]; key[i] = key[c]; i = c;
    }
    heap[i] = lv; key[i] = lk;
    if (dist[v] >= 0) continue;
    dist[v] = d;
    for (int j = g->start[v]; j < g->start[v + 1]; j++)
      if (dist[g->dest[j]] < 0) PUSH(g->dest[j], d + g->weight[j]);
  }
  long sum = 0;
  for (int v = 0; v < g->n; v++) sum += dist[v] > 0 ? dist[v] : 0;
  free(dist); free(heap); free(key);
  return sum;
}

static double pagerank(const Graph *g, int iterations) {
  double *rank = malloc(sizeof(double) * g->n), *next = malloc(sizeof(double) * g->n);
  for (int v = 0; v < g->n; v++) rank[v] = 1.0 / g->n;
  for (int it = 0; it < iterations; it++) {
    for (int v = 0; v < g->n; v++) next[v] = 0.15 / g->n;
    for (int v = 0; v < g->n; v++) {
      int out = g->start[v + 1] - g->start[v];
      if (out == 0) continue;
      double share = 0.85 * rank[v] / out;
      for (int i = g->start[v]; i < g->start[v + 1]; i++) next[g->dest[i]] += share;
    }
    double *t = rank; rank = next; next = t;
  }
  double top = 0;
  for (int v = 0; v < g->n; v++) if (rank[v] > top) top = rank[v];
  free(rank); free(next);
  return top;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 20000, degree = argc > 2 ? atoi(argv[2]) : 6, iterations = argc > 3 ? atoi(argv[3]) : 5;
  Graph g = build(n, degree);
  int root = 0; /* the searches start from the node with the most out-edges */
  for (int v = 1; v < n; v++)
    if (g.start[v + 1] - g.start[v] > g.start[root + 1] - g.start[root]) root = v;
  printf("bfs %ld\n", bfs(&g, root));
  printf("dijkstra %ld\n", dijkstra(&g, root));
  printf("pagerank %.9f\n", pagerank(&g, iterations));
  return 0;
}
