/* ampom-policy-check: drives policy.c from a script on standard input and prints every
 * request list it makes, so that a test can hold it against the simulator's reference
 * policy fed the same script (test/validate/policy-port.test.ts). Lines:
 *   init PAGES HISTORY POLICY P0 .. P6     (POLICY 0 none, 1 ampom; 7 parameters)
 *   region LO HI                            (dense ids [LO, HI), in order)
 *   state PAGE S                            (S: 0 never existed, 1 at home, 3 local)
 *   fault PAGE TIME                         a remote fault: the page is asked for, the
 *                                           event recorded, the policy decides
 *   use PAGE TIME TRIGGER                   first use of a prefetched page
 *   served NS                               a fault's service time
 * After each fault and use: "requests N page:flags ...". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "policy.h"

int main(void) {
  static struct av_vm vm;
  static struct av_policy pol;
  static uint32_t rlo[1024], rhi[1024];
  char word[32];
  vm.rlo = rlo;
  vm.rhi = rhi;
  while (scanf("%31s", word) == 1) {
    if (!strcmp(word, "init")) {
      unsigned pages, hist;
      int kind;
      double p[7];
      if (scanf("%u %u %d %lf %lf %lf %lf %lf %lf %lf", &pages, &hist, &kind, &p[0], &p[1], &p[2], &p[3], &p[4], &p[5], &p[6]) != 10) return 2;
      vm.npages = pages;
      vm.state = calloc(pages ? pages : 1, 1);
      vm.hist_len = hist;
      vm.events = 0;
      vm.nregions = 0;
      av_policy_reset(&pol, kind, p);
    } else if (!strcmp(word, "region")) {
      if (scanf("%u %u", &rlo[vm.nregions], &rhi[vm.nregions]) != 2) return 2;
      vm.nregions++;
    } else if (!strcmp(word, "state")) {
      unsigned page, st;
      if (scanf("%u %u", &page, &st) != 2) return 2;
      vm.state[page] = (uint8_t)st;
    } else if (!strcmp(word, "fault") || !strcmp(word, "use")) {
      unsigned page, trigger = 0;
      double t;
      int fault = word[0] == 'f';
      if (scanf("%u %lf", &page, &t) != 2 || (!fault && scanf("%u", &trigger) != 1)) return 2;
      vm.nreq = 0;
      if (fault) {
        av_request(&vm, page, 0);
        av_record_event(&vm, page, t);
        av_policy_on_fault(&pol, &vm, page);
      } else {
        vm.state[page] = AV_ST_LOCAL;
        av_record_event(&vm, page, t);
        av_policy_on_use(&pol, &vm, page, (int)trigger);
      }
      printf("requests %u", vm.nreq);
      for (uint32_t i = 0; i < vm.nreq; i++) printf(" %u:%u", vm.req[i], vm.state[vm.req[i]] & AV_F_TRIGGER ? 1u : 0u);
      printf("\n");
    } else if (!strcmp(word, "served")) {
      double ns;
      if (scanf("%lf", &ns) != 1) return 2;
      av_policy_on_served(&pol, ns);
    } else {
      fprintf(stderr, "ampom-policy-check: unknown line \"%s\"\n", word);
      return 2;
    }
  }
  return 0;
}
