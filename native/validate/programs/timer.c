/* timer SIZE_MIB PASSES INTERVAL_US: `random`'s work (common.h) while an interval timer
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
  long interval_us = arg_long(argc, argv, 3, 200);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_tick;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval every = {{0, interval_us}, {0, interval_us}};
  if (interval_us > 0) setitimer(ITIMER_REAL, &every, NULL);
  int r = random_program("timer", arg_mib(argc, argv, 1, 8), arg_long(argc, argv, 2, 3));
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, NULL);
  printf("timer: %llu ticks\n", (unsigned long long)ticks);
  return r;
}
