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

static ssize_t put(const char *call, const char *b, size_t n, size_t done) {
  if (!strcmp(call, "write")) return write(1, b, n);
  if (!strcmp(call, "pwrite")) return pwrite(1, b, n, (off_t)done);
  if (!strcmp(call, "writev")) {
    /* two pieces, as a header and a body */
    struct iovec v[2] = {{(void *)b, n / 2}, {(void *)(b + n / 2), n - n / 2}};
    return writev(1, v, 2);
  }
  if (!strcmp(call, "fwrite_unlocked")) {
    size_t w = fwrite_unlocked(b, 1, n, stdout);
    return fflush(stdout) ? -1 : (ssize_t)w;
  }
  return -1;
}

int main(int argc, char **argv) {
  size_t bytes = arg_mib(argc, argv, 1, 1);
  const char *call = argc > 2 ? argv[2] : "write";
  char *a = malloc(bytes);
  if (!a) return 1;
  seconds();
  for (size_t i = 0; i < bytes; i += LINE) a[i] = (char)('a' + (i / LINE) % 26);
  seconds();
  for (size_t done = 0; done < bytes;) {
    ssize_t w = put(call, a + done, bytes - done, done);
    if (w <= 0) return 1;
    done += (size_t)w;
  }
  return 0;
}
