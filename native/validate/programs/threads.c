/* threads SIZE_MIB: fills a buffer on a second thread. A program with threads is what
 * `ampom validate` refuses (it migrates and models one thread); its test runs this. */
#include <pthread.h>
#include "common.h"

static char *buffer;
static size_t bytes;

static void *fill(void *arg) {
  (void)arg;
  for (size_t i = 0; i < bytes; i += LINE) buffer[i] = (char)(i / LINE);
  return NULL;
}

int main(int argc, char **argv) {
  bytes = arg_mib(argc, argv, 1, 1);
  buffer = malloc(bytes);
  if (!buffer) return 1;
  seconds();
  pthread_t t;
  if (pthread_create(&t, NULL, fill, NULL) || pthread_join(t, NULL)) return 1;
  seconds();
  unsigned long sum = 0;
  for (size_t i = 0; i < bytes; i += LINE) sum += (unsigned char)buffer[i];
  printf("sum %lu\n", sum);
  return 0;
}
