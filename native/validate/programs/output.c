/* output SIZE_MIB: fills a buffer, then writes it to standard output with one write()
 * and exits, as gzip writes its whole output at the end. Migrated between the two, only
 * the kernel touches the buffer after the migration (copying it out), so every remote
 * fault on it comes from the kernel's copy, which the capture must show as accesses. */
#include <unistd.h>
#include "common.h"

int main(int argc, char **argv) {
  size_t bytes = arg_mib(argc, argv, 1, 1);
  char *a = malloc(bytes);
  if (!a) return 1;
  seconds();
  for (size_t i = 0; i < bytes; i += LINE) a[i] = (char)('a' + (i / LINE) % 26);
  seconds();
  for (size_t done = 0; done < bytes;) {
    ssize_t w = write(1, a + done, bytes - done);
    if (w <= 0) return 1;
    done += (size_t)w;
  }
  return 0;
}
