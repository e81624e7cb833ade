/* The destination's page table as a prefetch policy sees it, and the policies that run
 * in the fault handler: `none` and `ampom`, with the definitions of the simulator's
 * cores (assembly/policies/ampom.ts and its reference twin). Pages are dense ids over
 * the registered ranges in address order, as the simulated workload numbers them. */
#ifndef AMPOM_VALIDATE_POLICY_H
#define AMPOM_VALIDATE_POLICY_H
#include <stdint.h>

/* page states, as src/core/abi.ts */
#define AV_ST_MASK 3
#define AV_ST_NONE 0   /* never populated at home: its first touch is a local zero-fill */
#define AV_ST_HOME 1   /* only at home */
#define AV_ST_FLIGHT 2 /* asked for; lands when the link model says */
#define AV_ST_LOCAL 3  /* mapped where the process runs */
#define AV_F_PREFETCHED 4
#define AV_F_RECEIVED 8 /* its bytes are in the handler's buffer (not yet mapped) */
#define AV_F_TRIGGER 16

#define AV_REQUEST_CAP 8192
#define AV_HISTORY_CAP 256
#define AV_POLICY_NONE 0
#define AV_POLICY_AMPOM 1

struct av_vm {
  uint32_t npages;
  uint8_t *state;
  uint32_t nregions;
  /* region r spans dense ids [rlo[r], rhi[r]) */
  uint32_t *rlo, *rhi;
  uint32_t last_region;
  /* the request list the policy fills */
  uint32_t req[AV_REQUEST_CAP];
  uint32_t nreq;
  /* demand-event history: the newest min(events, hist_len) of (page, execution time) */
  uint32_t hist_len;
  uint64_t events;
  uint32_t hist_pages[AV_HISTORY_CAP];
  double hist_times[AV_HISTORY_CAP];
};

struct av_policy {
  int kind;
  int zone_radius, zone_events, max_window;
  double gain, base_window, low_locality, delay_weight;
  /* T: moving average of the fault service time, ns */
  double delay;
  int delay_seen;
  /* scratch for the zone and its deltas */
  int32_t zone[AV_HISTORY_CAP], deltas[AV_HISTORY_CAP];
};

int av_request(struct av_vm *vm, uint32_t page, uint8_t flags);
void av_record_event(struct av_vm *vm, uint32_t page, double t);
int av_region_of(struct av_vm *vm, uint32_t page);
/* params: ampom's 7 parameters in the registry's order (src/policies/registry.ts) */
void av_policy_reset(struct av_policy *p, int kind, const double *params);
void av_policy_on_fault(struct av_policy *p, struct av_vm *vm, uint32_t page);
void av_policy_on_use(struct av_policy *p, struct av_vm *vm, uint32_t page, int trigger);
void av_policy_on_served(struct av_policy *p, double ns);
#endif
