/* timer SIZE_MIB PASSES INTERVAL_US: `random`'s reads, while an interval timer
 * (ITIMER_REAL, every INTERVAL_US, 0 for none) signals the process. A signal that comes
 * while the thread waits on a userfault ends the wait; the thread runs its handler and
 * touches the page again, so the handler hears of one fault twice. */
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include "common.h"

static volatile uint64_t ticks;
static void on_tick(int sig) {
  (void)sig;
  ticks++;
}

int main(int argc, char **argv) {
  size_t bytes = arg_mib(argc, argv, 1, 8);
  long passes = arg_long(argc, argv, 2, 3);
  long interval_us = arg_long(argc, argv, 3, 200);
  size_t pages = bytes / PAGE, words = bytes / sizeof(uint64_t);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_tick;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval every = {{0, interval_us}, {0, interval_us}};
  if (interval_us > 0) setitimer(ITIMER_REAL, &every, NULL);
  uint64_t *a = malloc(bytes);
  if (!a) return 1;
  double t0 = seconds();
  for (size_t i = 0; i < words; i += LINE / sizeof(uint64_t)) a[i] = i;
  uint64_t sum = 0, seed = 0x9e3779b97f4a7c15ULL;
  double t = seconds();
  for (long p = 0; p < passes; p++) {
    for (size_t n = 0; n < pages; n++) {
      const uint64_t *w = a + (next_random(&seed) % pages) * (PAGE / sizeof(uint64_t));
      for (size_t k = 0; k < PAGE / sizeof(uint64_t); k += 64) sum += w[k];
    }
    t = seconds();
  }
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, NULL);
  printf("timer: %zu MiB, %ld passes, sum %llu, %.3f s, %llu ticks\n", bytes >> 20, passes, (unsigned long long)sum, t - t0,
         (unsigned long long)ticks);
  return 0;
}
