/* ampom-home: the home node of a real lightweight migration. The migrating process
 * (through libampom-validate.so) hands it its private anonymous pages at the migration
 * point, then asks it for pages over their socketpair. Every message is timed on the
 * link model of link.h (the simulator's): a request crosses the destination->home
 * direction, waits the home node's service time, and each page it names comes back
 * over home->destination, faulting page first. The reply goes out at once, stamped
 * with the arrival time the model gives; the destination's handler makes the page
 * available only at that time (the socket is far faster than any modelled link).
 * The pages are kept in STORE_FD, a memory file the destination maps read-only; a
 * reply names the page's place there (protocol.h says why).
 *
 *   ampom-home FD STORE_FD BANDWIDTH_BPS LATENCY_NS PAGE_HEADER REQUEST_HEADER REQUEST_PER_PAGE
 *              SERVICE_NS CONTEXT_BYTES BACKGROUND BACKGROUND_PACKET
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include "netmodel.h"
#include "protocol.h"

static int fd, store_fd;
static struct av_net_spec net;
/* link directions: requests go dest -> home, pages home -> dest */
static struct av_link dest_up, home_down, home_up, dest_down;
/* the pages held at home: sorted addresses and their contents (the store) */
static uint64_t *addrs;
static uint8_t *data;
static size_t count, cap;

static void die(const char *what) {
  fprintf(stderr, "ampom-home: %s: %s\n", what, strerror(errno));
  exit(1);
}

/* 0 at a clean end of the stream (the process exited) */
static int read_full(void *buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, (char *)buf + got, n - got);
    if (r == 0) {
      if (got == 0) return 0;
      errno = EPIPE;
      die("the destination closed the socket mid-message");
    }
    if (r < 0) {
      if (errno == EINTR) continue;
      die("read");
    }
    got += (size_t)r;
  }
  return 1;
}

static void write_iov(struct iovec *iov, int n) {
  while (n > 0) {
    ssize_t w = writev(fd, iov, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      die("write");
    }
    av_iov_consume(&iov, &n, (size_t)w);
  }
}

static void *grow(void *old, size_t old_bytes, size_t new_bytes, int file) {
  if (!old) return mmap(NULL, new_bytes, PROT_READ | PROT_WRITE, file < 0 ? MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE : MAP_SHARED, file, 0);
  return mremap(old, old_bytes, new_bytes, MREMAP_MAYMOVE);
}

static void reserve(size_t n) {
  if (n <= cap) return;
  size_t want = cap ? cap : 1024;
  while (want < n) want *= 2;
  if (ftruncate(store_fd, (off_t)(want * AV_PAGE))) die("growing the page store");
  uint64_t *a = grow(addrs, cap * 8, want * 8, -1);
  uint8_t *d = grow(data, cap * AV_PAGE, want * AV_PAGE, store_fd);
  if (a == MAP_FAILED || d == MAP_FAILED) die("memory for the home pages");
  addrs = a;
  data = d;
  cap = want;
}

/* the page's slot in the store */
static uint64_t lookup(uint64_t addr) {
  size_t lo = 0, hi = count;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (addrs[mid] < addr) lo = mid + 1;
    else hi = mid;
  }
  return lo < count && addrs[lo] == addr ? lo : AV_NO_SLOT;
}

static void reset_links(void) {
  av_link_init(&dest_up, &net);
  av_link_init(&home_down, &net);
  av_link_init(&home_up, &net);
  av_link_init(&dest_down, &net);
}

int main(int argc, char **argv) {
  if (argc != 12) {
    fprintf(stderr, "usage: ampom-home FD STORE_FD BANDWIDTH_BPS LATENCY_NS PAGE_HEADER REQUEST_HEADER REQUEST_PER_PAGE SERVICE_NS CONTEXT_BYTES BACKGROUND BACKGROUND_PACKET\n");
    return 2;
  }
  fd = atoi(argv[1]);
  store_fd = atoi(argv[2]);
  /* Home answers the moment a request comes: first-in-first-out priority (where allowed,
   * i.e. as root) lets it cut in ahead of the process and of the machine's other work
   * on the CPU they share, as a separate machine's home node would. Only home: it uses
   * the CPU for microseconds at a time. (The handler and the program stay ordinary:
   * real-time priority there made the woken program wait tens of microseconds, and the
   * handler's spin hit the real-time throttle.) */
  struct sched_param sp = {.sched_priority = 1};
  sched_setscheduler(0, SCHED_FIFO, &sp);
  double *f[] = {&net.bandwidth_bps, &net.latency_ns, &net.page_header_bytes, &net.request_header_bytes,
                 &net.request_bytes_per_page, &net.service_ns, &net.context_bytes, &net.background,
                 &net.background_packet_bytes};
  for (int i = 0; i < 9; i++) *f[i] = strtod(argv[i + 3], NULL);
  reset_links();
  static uint64_t req[8192];
  static struct av_reply heads[8192];
  for (;;) {
    struct av_msg m;
    if (!read_full(&m, sizeof m)) return 0;
    switch (m.type) {
    case AV_MSG_LOAD: {
      reserve(count + m.count);
      if (!read_full(addrs + count, (size_t)m.count * 8) || !read_full(data + count * AV_PAGE, (size_t)m.count * AV_PAGE)) {
        errno = EPIPE;
        die("load");
      }
      count += m.count;
      break;
    }
    case AV_MSG_SYNC: {
      struct av_reply r = {0, 0, AV_NO_SLOT};
      struct iovec v = {&r, sizeof r};
      write_iov(&v, 1);
      break;
    }
    case AV_MSG_RESET:
      count = 0;
      reset_links();
      break;
    case AV_MSG_CONTEXT: {
      struct av_reply r = {0, (int64_t)av_net_send(&home_up, &dest_down, net.latency_ns, (double)m.ready_ns, net.context_bytes), AV_NO_SLOT};
      struct iovec v = {&r, sizeof r};
      write_iov(&v, 1);
      break;
    }
    case AV_MSG_REQUEST: {
      if (m.count == 0 || m.count > 8192) {
        errno = EPROTO;
        die("request");
      }
      if (!read_full(req, (size_t)m.count * 8)) {
        errno = EPIPE;
        die("request");
      }
      uint32_t listed = (m.flags & AV_REQ_FAULT) ? m.count - 1 : m.count;
      double bytes = net.request_header_bytes + listed * net.request_bytes_per_page;
      double at_home = av_net_send(&dest_up, &home_down, net.latency_ns, (double)m.ready_ns, bytes);
      double ready = at_home + net.service_ns;
      for (uint32_t i = 0; i < m.count; i++) {
        heads[i].addr = req[i];
        heads[i].arrival_ns = (int64_t)av_net_send(&home_up, &dest_down, net.latency_ns, ready, AV_PAGE + net.page_header_bytes);
        heads[i].slot = lookup(req[i]);
        if (heads[i].slot == AV_NO_SLOT) fprintf(stderr, "ampom-home: asked for page %#llx, which is not at home\n", (unsigned long long)req[i]);
      }
      struct iovec v = {heads, (size_t)m.count * sizeof heads[0]};
      write_iov(&v, 1);
      break;
    }
    default:
      errno = EPROTO;
      die("unknown message");
    }
  }
}
