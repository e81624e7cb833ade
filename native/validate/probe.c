/* ampom-uffd-probe: can this process serve its own page faults with userfaultfd?
 * Registers one private anonymous page, touches it, and serves the fault from a second
 * thread with UFFDIO_COPY. Prints "ok" and exits 0, or prints why not and exits 1.
 * `ampom validate` and its test run it before anything else. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static int uffd;
static char *page, *source;

/* On failure the descriptor is closed, which lets the waiting touch go on (as a zero
 * page), so the probe ends either way. */
static void *fail_serve(const char *why) {
  close(uffd);
  return (void *)why;
}

static void *serve(void *arg) {
  (void)arg;
  struct pollfd p = {uffd, POLLIN, 0};
  if (poll(&p, 1, 5000) != 1) return fail_serve("no fault arrived within 5 s");
  struct uffd_msg m;
  if (read(uffd, &m, sizeof m) != sizeof m || m.event != UFFD_EVENT_PAGEFAULT) return fail_serve("reading the fault failed");
  struct uffdio_copy c = {.dst = (unsigned long)page, .src = (unsigned long)source, .len = 4096, .mode = 0};
  if (ioctl(uffd, UFFDIO_COPY, &c)) return fail_serve("UFFDIO_COPY failed");
  return NULL;
}

int main(void) {
  uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
  if (uffd < 0) {
    int e = errno;
    printf("userfaultfd(2) failed: %s%s\n", strerror(e),
           e == EPERM ? " (it needs root, or vm.unprivileged_userfaultfd = 1)"
           : e == ENOSYS ? " (the kernel has no userfaultfd)" : "");
    return 1;
  }
  struct uffdio_api api = {.api = UFFD_API, .features = 0};
  if (ioctl(uffd, UFFDIO_API, &api)) {
    printf("userfaultfd API handshake failed: %s\n", strerror(errno));
    return 1;
  }
  page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  source = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED || source == MAP_FAILED) {
    printf("mmap failed: %s\n", strerror(errno));
    return 1;
  }
  memset(source, 0x5a, 4096);
  struct uffdio_register reg = {.range = {(unsigned long)page, 4096}, .mode = UFFDIO_REGISTER_MODE_MISSING};
  if (ioctl(uffd, UFFDIO_REGISTER, &reg)) {
    printf("UFFDIO_REGISTER of an anonymous page failed: %s\n", strerror(errno));
    return 1;
  }
  pthread_t t;
  if (pthread_create(&t, NULL, serve, NULL)) {
    printf("pthread_create failed\n");
    return 1;
  }
  volatile char seen = page[100];
  void *why;
  pthread_join(t, &why);
  if (why) {
    printf("%s\n", (const char *)why);
    return 1;
  }
  if (seen != 0x5a) {
    printf("the served page had the wrong contents\n");
    return 1;
  }
  printf("ok\n");
  return 0;
}
