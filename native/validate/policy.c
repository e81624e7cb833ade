/* `none` and `ampom` for the real fault handler. ampom is a line-by-line port of the
 * reference core's (src/core/reference-policies/ampom.ts): the same zone, stride vote,
 * score, window formula and candidate scan, in the same floating-point order. History
 * times are the process's execution time, the clock less the time it stood stalled on
 * the network, so R is events per ns of execution (DESIGN section 3; the cores'
 * historyExecTime). test/validate/policy-port.test.ts holds the two against each other. */
#include "policy.h"
#include <math.h>
#include <stdlib.h>

int av_request(struct av_vm *vm, uint32_t page, uint8_t flags) {
  uint8_t st = vm->state[page];
  if ((st & AV_ST_MASK) != AV_ST_HOME) return 0;
  if (vm->nreq >= AV_REQUEST_CAP) return 0;
  vm->state[page] = (uint8_t)((st & ~AV_ST_MASK) | AV_ST_FLIGHT | flags);
  vm->req[vm->nreq++] = page;
  return 1;
}

void av_record_event(struct av_vm *vm, uint32_t page, double t) {
  uint32_t idx = (uint32_t)(vm->events % vm->hist_len);
  vm->hist_pages[idx] = page;
  vm->hist_times[idx] = t;
  vm->events++;
}

/* k = 0 is the newest event */
static uint32_t hist_page(const struct av_vm *vm, uint32_t k) { return vm->hist_pages[(vm->events - 1 - k) % vm->hist_len]; }
static double hist_time(const struct av_vm *vm, uint32_t k) { return vm->hist_times[(vm->events - 1 - k) % vm->hist_len]; }

int av_region_of(struct av_vm *vm, uint32_t page) {
  uint32_t r0 = vm->last_region;
  if (r0 < vm->nregions && page >= vm->rlo[r0] && page < vm->rhi[r0]) return (int)r0;
  int lo = 0, hi = (int)vm->nregions - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    if (page < vm->rlo[mid]) hi = mid - 1;
    else if (page >= vm->rhi[mid]) lo = mid + 1;
    else {
      vm->last_region = (uint32_t)mid;
      return mid;
    }
  }
  return -1;
}

void av_policy_reset(struct av_policy *p, int kind, const double *params) {
  p->kind = kind;
  p->zone_radius = (int)params[0];
  p->zone_events = (int)params[1];
  p->gain = params[2];
  p->max_window = (int)params[3];
  p->base_window = params[4];
  p->low_locality = params[5];
  p->delay_weight = params[6];
  p->delay = 0;
  p->delay_seen = 0;
}

void av_policy_on_served(struct av_policy *p, double ns) {
  if (p->kind != AV_POLICY_AMPOM) return;
  if (!p->delay_seen) {
    p->delay = ns;
    p->delay_seen = 1;
  } else {
    p->delay = p->delay + (ns - p->delay) / p->delay_weight;
  }
}

/* n = clamp(round(G S R T) + floor(B S), 0, Nmax), round(x) = floor(x + 0.5) */
static double ampom_window(double score, double rate, double delay, double g, double b, double nmax) {
  double n = floor(g * score * rate * delay + 0.5) + floor(b * score);
  return n < 0 ? 0 : n > nmax ? nmax : n;
}

static int ask(struct av_vm *vm, uint32_t q, int *issued) {
  if (!av_request(vm, q, *issued == 0 ? AV_F_TRIGGER : 0)) return 0;
  (*issued)++;
  return 1;
}

static void ampom_decide(struct av_policy *pol, struct av_vm *vm, uint32_t p) {
  uint32_t k = vm->events < vm->hist_len ? (uint32_t)vm->events : vm->hist_len;
  /* p's stream: history events within the zone, oldest first */
  int m = 0;
  for (int j = (int)k - 1; j >= 0; j--) {
    int32_t q = (int32_t)hist_page(vm, (uint32_t)j);
    if (abs(q - (int32_t)p) <= pol->zone_radius) pol->zone[m++] = q;
  }
  /* the most frequent delta between successive zone events; ties go to the newest */
  int32_t stride = 0;
  int agree = 0;
  for (int i = 1; i < m; i++) pol->deltas[i - 1] = pol->zone[i] - pol->zone[i - 1];
  for (int i = m - 1; i >= 1; i--) {
    int32_t d = pol->deltas[i - 1];
    int c = 0;
    for (int j = m - 1; j >= 1; j--) if (pol->deltas[j - 1] == d) c++;
    if (c > agree) {
      agree = c;
      stride = d;
    }
  }
  double share = (double)(m < pol->zone_events ? m : pol->zone_events) / (double)pol->zone_events;
  double consistency = m >= 2 ? (double)agree / (double)(m - 1) : 0;
  double score = (share * (1 + consistency)) / 2;
  double rate = 0;
  if (k >= 2) {
    double span = hist_time(vm, 0) - hist_time(vm, k - 1);
    rate = (double)(k - 1) / (span > 1 ? span : 1);
  }
  int n = (int)ampom_window(score, rate, pol->delay, pol->gain, pol->base_window, (double)pol->max_window);
  if (n == 0) return;
  int r = av_region_of(vm, p);
  if (r < 0) return;
  int64_t lo = vm->rlo[r], hi = vm->rhi[r];
  int scan_cap = 4 * pol->max_window;
  int issued = 0;
  if (score >= pol->low_locality && m >= 2) {
    /* along the stride, never past the region's end */
    int scanned = 0;
    for (int64_t q = (int64_t)p + stride; issued < n && scanned < scan_cap && q >= lo && q < hi; q += stride, scanned++) {
      if ((vm->state[q] & AV_ST_MASK) == AV_ST_HOME && !ask(vm, (uint32_t)q, &issued)) return;
    }
  } else {
    /* low locality: pages around p, both directions, nearest first */
    int scanned = 0;
    for (int64_t j = 1; issued < n && scanned < scan_cap; j++, scanned++) {
      int64_t up = (int64_t)p + j, down = (int64_t)p - j;
      int up_in = up < hi, down_in = down >= lo;
      if (!up_in && !down_in) return;
      if (up_in && (vm->state[up] & AV_ST_MASK) == AV_ST_HOME && !ask(vm, (uint32_t)up, &issued)) return;
      if (issued < n && down_in && (vm->state[down] & AV_ST_MASK) == AV_ST_HOME && !ask(vm, (uint32_t)down, &issued)) return;
    }
  }
}

void av_policy_on_fault(struct av_policy *p, struct av_vm *vm, uint32_t page) {
  if (p->kind == AV_POLICY_AMPOM) ampom_decide(p, vm, page);
}

void av_policy_on_use(struct av_policy *p, struct av_vm *vm, uint32_t page, int trigger) {
  if (p->kind == AV_POLICY_AMPOM && trigger) ampom_decide(p, vm, page);
}
