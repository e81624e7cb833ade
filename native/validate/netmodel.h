/* The network model of src/network/link.ts and src/network/network.ts, for two nodes
 * (home 0, destination 1), in the same arithmetic: a link direction is a FIFO with a
 * bandwidth and a one-way latency; a message of s bytes ready at t starts when the
 * link is free, holds it ceil(s * 8e9 / (B (1 - u))) ns and arrives one latency after
 * its last byte leaves. Background load u takes its share of the bandwidth, and a
 * message that finds the link idle waits for the background its own last frame left
 * queued, draining at 1 - u, or the M/D/1 mean, u / (1 - u) x half a background
 * packet, whichever is longer, and sends its first frame (a page and its header) at the
 * full bandwidth. Times are integer nanoseconds. */
#ifndef AMPOM_VALIDATE_NETMODEL_H
#define AMPOM_VALIDATE_NETMODEL_H
#include <math.h>
#include <stdint.h>
#include "protocol.h"

struct av_net_spec {
  double bandwidth_bps;
  double latency_ns;
  double page_header_bytes;
  double request_header_bytes;
  double request_bytes_per_page;
  double service_ns;
  double context_bytes;
  double background;
  double background_packet_bytes;
};

struct av_link {
  double ns_per_byte, ns_per_byte_full, frame_bytes, background, load_ratio;
  double background_wait_ns;
  double free_at, backlog_at_free;
};

static inline void av_link_init(struct av_link *l, const struct av_net_spec *s) {
  l->ns_per_byte = 8e9 / (s->bandwidth_bps * (1 - s->background));
  l->ns_per_byte_full = 8e9 / s->bandwidth_bps;
  l->frame_bytes = AV_PAGE + s->page_header_bytes;
  l->background = s->background;
  l->load_ratio = s->background / (1 - s->background);
  l->backlog_at_free = 0;
  double packet_ns = (s->background_packet_bytes * 8e9) / s->bandwidth_bps;
  /* Math.round of a non-negative value: floor(x + 0.5) */
  l->background_wait_ns = floor((l->load_ratio * packet_ns) / 2 + 0.5);
  /* before any message, never: a first message finds the link idle (as link.ts) */
  l->free_at = -INFINITY;
}

/* the bytes of a message's first (or only) frame */
static inline double av_link_first_frame(const struct av_link *l, double bytes) {
  return bytes < l->frame_bytes ? bytes : l->frame_bytes;
}

/* rounded up; within a relative 1e-12 of a whole number, that number (as src/network/link.ts) */
static inline double av_link_tx(const struct av_link *l, double bytes, int idle) {
  double first = idle && l->ns_per_byte_full != l->ns_per_byte ? av_link_first_frame(l, bytes) : 0;
  double ns = first == 0 ? bytes * l->ns_per_byte : first * l->ns_per_byte_full + (bytes - first) * l->ns_per_byte;
  double whole = floor(ns + 0.5);
  return fabs(ns - whole) <= ns * 1e-12 ? whole : ceil(ns);
}

/* Math.round of a value that may be negative: floor(x + 0.5) */
static inline double av_link_start(const struct av_link *l, double ready) {
  if (l->free_at >= ready) return l->free_at;
  double left = floor(l->backlog_at_free - (1 - l->background) * (ready - l->free_at) + 0.5);
  return ready + (left > l->background_wait_ns ? left : l->background_wait_ns);
}

static inline void av_link_occupy(struct av_link *l, double until, double bytes) {
  l->free_at = until;
  l->backlog_at_free = l->load_ratio == 0 ? 0 : floor(l->load_ratio * av_link_first_frame(l, bytes) * l->ns_per_byte_full + 0.5);
}

/* Network.send: the sender's uplink and the receiver's downlink at once. */
static inline double av_net_send(struct av_link *up, struct av_link *down, double latency_ns, double ready, double bytes) {
  double a = av_link_start(up, ready), b = av_link_start(down, ready);
  double start = a > b ? a : b;
  double ta = av_link_tx(up, bytes, up->free_at < ready), tb = av_link_tx(down, bytes, down->free_at < ready);
  double done = start + (ta > tb ? ta : tb);
  av_link_occupy(up, done, bytes);
  av_link_occupy(down, done, bytes);
  return done + latency_ns;
}
#endif
