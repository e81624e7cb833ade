/* Messages between the destination's fault handler (preload.c) and the home server
 * (home.c) over their socketpair. All integers little-endian, native layout. */
#ifndef AMPOM_VALIDATE_PROTOCOL_H
#define AMPOM_VALIDATE_PROTOCOL_H
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define AV_PAGE 4096

enum {
  /* count page addresses follow, then count pages of contents: the home node's copy,
   * which home keeps in its page store (below) */
  AV_MSG_LOAD = 1,
  /* count page addresses follow; with AV_REQ_FAULT the first is a demand fault and
   * the rest its prefetch list, else all are prefetches (a trigger page's batch) */
  AV_MSG_REQUEST = 2,
  /* the process context leaves home at ready_ns: one reply with address 0 */
  AV_MSG_CONTEXT = 3,
  /* forget every page and free the links (after the calibration) */
  AV_MSG_RESET = 4,
  /* answered with one reply (address 0, arrival 0) once everything before it is done */
  AV_MSG_SYNC = 5,
};

#define AV_REQ_FAULT 1u

struct av_msg {
  uint32_t type;
  uint32_t count;
  uint32_t flags;
  uint32_t reserved;
  /* when the message is ready to leave the destination (CLOCK_MONOTONIC ns) */
  int64_t ready_ns;
};

/* One reply a page, or the context (address 0). arrival_ns is when the link model says
 * it lands at the destination. slot: where the page's contents are in home's page
 * store, a memory file home writes and the destination maps read-only (home's second
 * argument); AV_NO_SLOT: home does not hold the page. The bytes do not cross the
 * socket: a network card puts a page in memory without the CPU copying it, and the
 * socket's two copies (about 7 us a page here) are a cost the model does not have. */
#define AV_NO_SLOT UINT64_MAX
struct av_reply {
  uint64_t addr;
  int64_t arrival_ns;
  uint64_t slot;
};
/* After a writev that wrote w bytes: drop them from the front of the vector. */
static inline void av_iov_consume(struct iovec **iov, int *n, size_t w) {
  while (*n > 0 && w >= (*iov)->iov_len) {
    w -= (*iov)->iov_len;
    (*iov)++;
    (*n)--;
  }
  if (*n > 0) {
    (*iov)->iov_base = (char *)(*iov)->iov_base + w;
    (*iov)->iov_len -= w;
  }
}
#endif
