/* output SIZE_MIB [CALL]: fills a buffer, then writes it to standard output and exits,
 * as gzip writes its whole output at the end. Migrated between the two, only the kernel
 * touches the buffer after the migration (copying it out), so every remote fault on it
 * comes from the kernel's copy, which the capture must show as accesses. CALL is the
 * call that writes: write (the default), pwrite, writev or fwrite_unlocked. */
#define _GNU_SOURCE
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#include "common.h"

enum call { WRITE, PWRITE, WRITEV, FWRITE_UNLOCKED };
static const char *const call_names[] = {"write", "pwrite", "writev", "fwrite_unlocked"};

static ssize_t put(enum call call, const char *b, size_t n, size_t done) {
  switch (call) {
    case WRITE:
      return write(1, b, n);
    case PWRITE:
      return pwrite(1, b, n, (off_t)done);
    case WRITEV: {
      /* two pieces, as a header and a body */
      struct iovec v[2] = {{(void *)b, n / 2}, {(void *)(b + n / 2), n - n / 2}};
      return writev(1, v, 2);
    }
    case FWRITE_UNLOCKED: {
      size_t w = fwrite_unlocked(b, 1, n, stdout);
      return fflush(stdout) ? -1 : (ssize_t)w;
    }
  }
  return -1;
}

int main(int argc, char **argv) {
  size_t bytes = arg_mib(argc, argv, 1, 1);
  const char *name = argc > 2 ? argv[2] : "write";
  int call = 0;
  while (call <= FWRITE_UNLOCKED && strcmp(name, call_names[call])) call++;
  if (call > FWRITE_UNLOCKED) {
    fprintf(stderr, "output: CALL must be write, pwrite, writev or fwrite_unlocked, got %s\n", name);
    return 1;
  }
  char *a = malloc(bytes);
  if (!a) return 1;
  seconds();
  for (size_t i = 0; i < bytes; i += LINE) a[i] = (char)('a' + (i / LINE) % 26);
  seconds();
  for (size_t done = 0; done < bytes;) {
    ssize_t w = put((enum call)call, a + done, bytes - done, done);
    if (w <= 0) return 1;
    done += (size_t)w;
  }
  return 0;
}
