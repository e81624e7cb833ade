/* libampom-validate.so: a real lightweight (post-copy style) migration of the process
 * it is preloaded into, on one machine, with userfaultfd. Modes (AMPOM_VALIDATE_MODE):
 *
 *  native   no migration: times the run and logs when the counted libc calls happen,
 *           so that `ampom validate` can pick the migration point;
 *  capture  under valgrind's lackey: marks the run's start, the migration point and
 *           its end by touching reserved marker pages (the trace shows exactly where
 *           they happened) and reports the ranges a migration would move;
 *  migrate  at the N-th call of the chosen function: copies the process's private
 *           anonymous memory to the home server (ampom-home), drops it
 *           (MADV_DONTNEED), registers it with userfaultfd and lets the process go on;
 *           a handler thread serves each fault from home, with the link delay of the
 *           simulator's network model and the prefetch policy (policy.c) deciding what
 *           else to ask for.
 *
 * The three modes run the same code up to the migration point (same constructor, same
 * handler thread, same marker pages), so the program allocates and lays out its heap
 * the same way in each. The library never calls malloc and keeps all its own state in
 * its image or in mappings it makes itself, which the migration leaves alone.
 * Results go to AMPOM_VALIDATE_OUT as one JSON object, written at exit. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/rseq.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "policy.h"
#include "protocol.h"

#define EXPORT __attribute__((visibility("default")))

enum { MODE_INERT, MODE_NATIVE, MODE_CAPTURE, MODE_MIGRATE };
static int mode;
static volatile int counting;

/* ---- the counted calls -------------------------------------------------------------- */
#define FN_LIST(X) \
  X(malloc) X(calloc) X(realloc) X(free) X(read) X(write) X(fread) X(fwrite) X(fputs) X(puts) \
  X(fgets) X(clock_gettime) X(gettimeofday) X(time) X(clock) X(rand) X(random) X(ampom_validate_point)
#define FN_ENUM(name) FN_##name,
#define FN_NAME(name) #name,
enum { FN_LIST(FN_ENUM) FN_COUNT };
static const char *const fn_names[FN_COUNT] = {FN_LIST(FN_NAME)};
static uint64_t calls[FN_COUNT];
static int trig_fn = -1;
static uint64_t trig_n;
static int triggered;

/* native mode: when calls happened, thinned as they grow (every step-th call is kept,
 * and the step doubles when the log fills), so a log stays small for any call count */
#define LOG_CAP 512
struct call_log {
  uint64_t step, n;
  uint64_t idx[LOG_CAP];
  int64_t t[LOG_CAP];
};
static struct call_log logs[FN_COUNT];

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
static int (*real_clock_gettime)(clockid_t, struct timespec *);
static ssize_t (*real_read)(int, void *, size_t);
static ssize_t (*real_write)(int, const void *, size_t);
static size_t (*real_fread)(void *, size_t, size_t, FILE *);
static size_t (*real_fwrite)(const void *, size_t, size_t, FILE *);
static int (*real_fputs)(const char *, FILE *);
static int (*real_puts)(const char *);
static char *(*real_fgets)(char *, int, FILE *);
static int (*real_gettimeofday)(struct timeval *, void *);
static time_t (*real_time)(time_t *);
static clock_t (*real_clock)(void);
static int (*real_rand)(void);
static long (*real_random)(void);
static ssize_t (*real_pread)(int, void *, size_t, off_t);
static ssize_t (*real_pread64)(int, void *, size_t, off64_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off64_t);
static ssize_t (*real_readv)(int, const struct iovec *, int);
static ssize_t (*real_writev)(int, const struct iovec *, int);
static ssize_t (*real_preadv)(int, const struct iovec *, int, off_t);
static ssize_t (*real_pwritev)(int, const struct iovec *, int, off_t);
static ssize_t (*real_recv)(int, void *, size_t, int);
static ssize_t (*real_send)(int, const void *, size_t, int);
static size_t (*real_fread_unlocked)(void *, size_t, size_t, FILE *);
static size_t (*real_fwrite_unlocked)(const void *, size_t, size_t, FILE *);
static int (*real_pthread_create)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
static pid_t (*real_fork)(void);

#define RESOLVE(name) \
  do { \
    if (!real_##name) real_##name = (__typeof__(real_##name))dlsym(RTLD_NEXT, #name); \
  } while (0)

static void resolve_all(void) {
  RESOLVE(clock_gettime);
  RESOLVE(read);
  RESOLVE(write);
  RESOLVE(fread);
  RESOLVE(fwrite);
  RESOLVE(fputs);
  RESOLVE(puts);
  RESOLVE(fgets);
  RESOLVE(gettimeofday);
  RESOLVE(time);
  RESOLVE(clock);
  RESOLVE(rand);
  RESOLVE(random);
  /* the uncounted ones too: a lookup after the migration point walks the loader's link
   * maps, which valgrind lays out otherwise (LD_BIND_NOW in runner.ts) */
  RESOLVE(pread);
  RESOLVE(pread64);
  RESOLVE(pwrite);
  RESOLVE(pwrite64);
  RESOLVE(readv);
  RESOLVE(writev);
  RESOLVE(preadv);
  RESOLVE(pwritev);
  RESOLVE(recv);
  RESOLVE(send);
  RESOLVE(fread_unlocked);
  RESOLVE(fwrite_unlocked);
  RESOLVE(pthread_create);
  RESOLVE(fork);
}

static int64_t now_ns(void) {
  struct timespec ts;
  if (real_clock_gettime) real_clock_gettime(CLOCK_MONOTONIC, &ts);
  else syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t thread_cpu_ns(void) {
  struct timespec ts;
  syscall(SYS_clock_gettime, CLOCK_THREAD_CPUTIME_ID, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t t_start, t_end, cpu_start, cpu_end;
static void at_trigger(void);
static void at_end(void);

static void log_call(int fn, uint64_t n) {
  struct call_log *l = &logs[fn];
  if (l->step == 0) l->step = 1;
  if (n % l->step) return;
  if (l->n == LOG_CAP) {
    uint64_t k = 0;
    for (uint64_t i = 0; i < l->n; i++) {
      if (l->idx[i] % (2 * l->step) == 0) {
        l->idx[k] = l->idx[i];
        l->t[k++] = l->t[i];
      }
    }
    l->n = k;
    l->step *= 2;
    if (n % l->step) return;
  }
  l->idx[l->n] = n;
  l->t[l->n++] = now_ns() - t_start;
}

static int64_t trigger_at;
/* the thread's CPU time at the trigger, from the start */
static int64_t trigger_cpu;

static inline void counted(int fn) {
  if (!counting) return;
  uint64_t n = ++calls[fn];
  if (mode == MODE_NATIVE) log_call(fn, n);
  if (fn == trig_fn && n == trig_n) at_trigger();
}

EXPORT void *malloc(size_t n) {
  counted(FN_malloc);
  return __libc_malloc(n);
}
EXPORT void *calloc(size_t n, size_t m) {
  counted(FN_calloc);
  return __libc_calloc(n, m);
}
EXPORT void *realloc(void *p, size_t n) {
  counted(FN_realloc);
  return __libc_realloc(p, n);
}
EXPORT void free(void *p) {
  counted(FN_free);
  __libc_free(p);
}
/* The kernel's own accesses to a buffer a system call reads or writes. In the real run
 * a page of it still at home is a userfault when the kernel copies to or from it; lackey
 * sees only the program's instructions, so under capture a buffer the program filled
 * before the migration and the kernel read after it (gzip writes its whole output at
 * the end) left no access in the trace. Under capture the library touches each page of
 * the buffer as the kernel does: a load for a buffer the kernel reads, a store of the
 * same byte for one it has written. */
static void kernel_touch(const void *b, size_t bytes, int written) {
  if (mode != MODE_CAPTURE || bytes == 0) return;
  for (uintptr_t a = (uintptr_t)b, end = (uintptr_t)b + bytes; a < end; a = (a & ~(uintptr_t)(AV_PAGE - 1)) + AV_PAGE) {
    volatile uint8_t *p = (volatile uint8_t *)a;
    uint8_t v = *p;
    if (written) *p = v;
  }
}

EXPORT ssize_t read(int fd, void *b, size_t n) {
  counted(FN_read);
  RESOLVE(read);
  ssize_t r = real_read(fd, b, n);
  if (r > 0) kernel_touch(b, (size_t)r, 1);
  return r;
}
EXPORT ssize_t write(int fd, const void *b, size_t n) {
  counted(FN_write);
  RESOLVE(write);
  kernel_touch(b, n, 0);
  return real_write(fd, b, n);
}
/* glibc's stdio moves a large block straight between the caller's buffer and the kernel */
static size_t stdio_read(size_t (*fn)(void *, size_t, size_t, FILE *), void *b, size_t s, size_t n, FILE *f) {
  size_t r = fn(b, s, n, f);
  kernel_touch(b, r * s, 1);
  return r;
}
static size_t stdio_write(size_t (*fn)(const void *, size_t, size_t, FILE *), const void *b, size_t s, size_t n, FILE *f) {
  kernel_touch(b, s * n, 0);
  return fn(b, s, n, f);
}
EXPORT size_t fread(void *b, size_t s, size_t n, FILE *f) {
  counted(FN_fread);
  RESOLVE(fread);
  return stdio_read(real_fread, b, s, n, f);
}
EXPORT size_t fwrite(const void *b, size_t s, size_t n, FILE *f) {
  counted(FN_fwrite);
  RESOLVE(fwrite);
  return stdio_write(real_fwrite, b, s, n, f);
}
/* The same copies by the kernel through the other calls that move a buffer of the
 * program's (not counted: they are no migration points) */
static void kernel_touch_iov(const struct iovec *iov, int n, size_t bytes, int written) {
  for (int i = 0; i < n && bytes > 0; i++) {
    size_t k = iov[i].iov_len < bytes ? iov[i].iov_len : bytes;
    kernel_touch(iov[i].iov_base, k, written);
    bytes -= k;
  }
}
static size_t iov_bytes(const struct iovec *iov, int n) {
  size_t t = 0;
  for (int i = 0; i < n; i++) t += iov[i].iov_len;
  return t;
}
/* an interposer for a call whose kernel side fills the buffer (touched for the bytes it
 * returns) or drains it (touched before the call) */
#define KERNEL_FILLS(name, params, args, touch) \
  EXPORT ssize_t name params { \
    RESOLVE(name); \
    ssize_t r = real_##name args; \
    if (r > 0) touch; \
    return r; \
  }
#define KERNEL_DRAINS(name, params, args, touch) \
  EXPORT ssize_t name params { \
    RESOLVE(name); \
    touch; \
    return real_##name args; \
  }
KERNEL_FILLS(pread, (int fd, void *b, size_t n, off_t o), (fd, b, n, o), kernel_touch(b, (size_t)r, 1))
KERNEL_FILLS(pread64, (int fd, void *b, size_t n, off64_t o), (fd, b, n, o), kernel_touch(b, (size_t)r, 1))
KERNEL_FILLS(recv, (int fd, void *b, size_t n, int flags), (fd, b, n, flags), kernel_touch(b, (size_t)r, 1))
KERNEL_FILLS(readv, (int fd, const struct iovec *iov, int n), (fd, iov, n), kernel_touch_iov(iov, n, (size_t)r, 1))
KERNEL_FILLS(preadv, (int fd, const struct iovec *iov, int n, off_t o), (fd, iov, n, o), kernel_touch_iov(iov, n, (size_t)r, 1))
KERNEL_DRAINS(pwrite, (int fd, const void *b, size_t n, off_t o), (fd, b, n, o), kernel_touch(b, n, 0))
KERNEL_DRAINS(pwrite64, (int fd, const void *b, size_t n, off64_t o), (fd, b, n, o), kernel_touch(b, n, 0))
KERNEL_DRAINS(send, (int fd, const void *b, size_t n, int flags), (fd, b, n, flags), kernel_touch(b, n, 0))
KERNEL_DRAINS(writev, (int fd, const struct iovec *iov, int n), (fd, iov, n), kernel_touch_iov(iov, n, iov_bytes(iov, n), 0))
KERNEL_DRAINS(pwritev, (int fd, const struct iovec *iov, int n, off_t o), (fd, iov, n, o), kernel_touch_iov(iov, n, iov_bytes(iov, n), 0))
/* coreutils read and write their data through these (gnulib's unlocked-io); stdio.h
 * may define them as macros when optimising */
#undef fread_unlocked
#undef fwrite_unlocked
EXPORT size_t fread_unlocked(void *b, size_t s, size_t n, FILE *f) {
  RESOLVE(fread_unlocked);
  return stdio_read(real_fread_unlocked, b, s, n, f);
}
EXPORT size_t fwrite_unlocked(const void *b, size_t s, size_t n, FILE *f) {
  RESOLVE(fwrite_unlocked);
  return stdio_write(real_fwrite_unlocked, b, s, n, f);
}

EXPORT int fputs(const char *s, FILE *f) {
  counted(FN_fputs);
  RESOLVE(fputs);
  return real_fputs(s, f);
}
EXPORT int puts(const char *s) {
  counted(FN_puts);
  RESOLVE(puts);
  return real_puts(s);
}
EXPORT char *fgets(char *s, int n, FILE *f) {
  counted(FN_fgets);
  RESOLVE(fgets);
  return real_fgets(s, n, f);
}
EXPORT int clock_gettime(clockid_t c, struct timespec *ts) {
  counted(FN_clock_gettime);
  RESOLVE(clock_gettime);
  return real_clock_gettime(c, ts);
}
EXPORT int gettimeofday(struct timeval *restrict tv, void *restrict tz) {
  counted(FN_gettimeofday);
  RESOLVE(gettimeofday);
  return real_gettimeofday(tv, tz);
}
EXPORT time_t time(time_t *t) {
  counted(FN_time);
  RESOLVE(time);
  return real_time(t);
}
EXPORT clock_t clock(void) {
  counted(FN_clock);
  RESOLVE(clock);
  return real_clock();
}
EXPORT int rand(void) {
  counted(FN_rand);
  RESOLVE(rand);
  return real_rand();
}
EXPORT long random(void) {
  counted(FN_random);
  RESOLVE(random);
  return real_random();
}
/* A program may mark its own migration point: declare
 *   void ampom_validate_point(void) __attribute__((weak));
 * and call it when present (it is a no-op without this library). */
EXPORT void ampom_validate_point(void) { counted(FN_ampom_validate_point); }

/* Threads the program starts. The real migration serves every thread's faults but its
 * clock is one thread's, and valgrind runs threads one at a time into one trace, which
 * the simulation replays as one process: a program with threads cannot be compared, and
 * the harness refuses it on this count. */
static uint64_t program_threads;
EXPORT int pthread_create(pthread_t *t, const pthread_attr_t *a, void *(*fn)(void *), void *arg) {
  RESOLVE(pthread_create);
  int e = real_pthread_create(t, a, fn, arg);
  if (!e) __atomic_add_fetch(&program_threads, 1, __ATOMIC_RELAXED);
  return e;
}

/* Processes the program forks. A child runs without the library: its calls do not count
 * toward the migration point and it writes no report (an exec'd child never loads it,
 * av_init). After the migration a child cannot run at all: it does not inherit the
 * userfaultfd registration (no UFFD_FEATURE_EVENT_FORK) and the handler serves one
 * process, so the pages still at home read as zeros in it (a child summing an array
 * crashed in malloc). The migrated run stops there, saying so; the native runs count the
 * forks after the migration point, so the harness refuses before the capture. */
static uint64_t forks_after_point;
static int migrated, active_run;
EXPORT pid_t fork(void) {
  RESOLVE(fork);
  if (active_run && triggered) forks_after_point++;
  if (active_run && migrated) {
    static const char msg[] = "ampom-validate: the program called fork() after the migration point: a child cannot reach the pages "
                              "still at home (the real migration serves one process); migrate it after its last fork (--migrate-call)\n";
    syscall(SYS_write, 2, msg, sizeof msg - 1);
    _exit(97);
  }
  pid_t p = real_fork();
  if (p == 0) {
    active_run = 0;
    counting = 0;
    mode = MODE_INERT;
  }
  return p;
}

/* ---- errors and output ---------------------------------------------------------------- */
static char error_text[512];

static void set_error(const char *fmt, ...) {
  if (error_text[0]) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(error_text, sizeof error_text, fmt, ap);
  va_end(ap);
}

static int debug;

/* AMPOM_VALIDATE_DEBUG=1: progress lines on stderr (raw writes, no stdio) */
static void dbg(const char *fmt, ...) {
  if (!debug) return;
  char b[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(b, sizeof b, fmt, ap);
  va_end(ap);
  if (n > 0) syscall(SYS_write, 2, b, (size_t)(n < (int)sizeof b ? n : (int)sizeof b - 1));
}

/* ---- the library's own memory --------------------------------------------------------- */
struct range {
  uint64_t lo, hi;
};
#define OWN_CAP 32
static struct range own[OWN_CAP];
static int nown;

static void *own_mmap_flags(size_t bytes, int flags) {
  void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
  if (p == MAP_FAILED) return NULL;
  if (nown < OWN_CAP) own[nown++] = (struct range){(uint64_t)p, (uint64_t)p + ((bytes + AV_PAGE - 1) & ~(uint64_t)(AV_PAGE - 1))};
  return p;
}

static void *own_mmap(size_t bytes) { return own_mmap_flags(bytes, MAP_NORESERVE); }

static void own_munmap(void *p, size_t bytes) {
  munmap(p, bytes);
  for (int i = 0; i < nown; i++) {
    if (own[i].lo == (uint64_t)p) {
      own[i] = own[--nown];
      break;
    }
  }
}

/* The images of the objects the harness itself runs on: this library, the C library
 * and the dynamic loader (and libm, libpthread, libdl where separate). Their data and
 * .bss are shared between the program and the handler thread, which must never fault
 * on them, so a migration leaves them local (their file-backed parts are local anyway). */
static int harness_object(const char *path, uint64_t lo, uint64_t hi) {
  uint64_t me = (uint64_t)(uintptr_t)&harness_object;
  if (me >= lo && me < hi) return 1;
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  static const char *const names[] = {"libc.so", "ld-linux", "libm.so", "libpthread.so", "libdl.so"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (!strncmp(base, names[i], strlen(names[i]))) return 1;
  return 0;
}

#define IMAGES_CAP 16
struct images {
  struct range r[IMAGES_CAP];
  int n;
};

static int find_images(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  struct images *img = data;
  uint64_t lo = UINT64_MAX, hi = 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD) continue;
    uint64_t a = info->dlpi_addr + ph->p_vaddr, b = a + ph->p_memsz;
    if (a < lo) lo = a;
    if (b > hi) hi = b;
  }
  if (hi > lo && img->n < IMAGES_CAP && harness_object(info->dlpi_name ? info->dlpi_name : "", lo, hi)) {
    img->r[img->n++] = (struct range){lo & ~(uint64_t)(AV_PAGE - 1), (hi + AV_PAGE - 1) & ~(uint64_t)(AV_PAGE - 1)};
  }
  return 0;
}

/* ---- configuration -------------------------------------------------------------------- */
static const char *out_path;
static const char *home_path;
static char net_args[9][32];
static int policy_kind;
static double policy_params[8] = {16, 8, 2, 512, 8, 0.5, 8, 0};
static uint32_t history_len = 32;
static int calib_pages = 1024;
/* AMPOM_VALIDATE_CPU=n pins the program, the handler thread and the home server to CPU
 * n. A wake-up across CPUs costs tens of microseconds in this virtual machine, and on
 * one CPU the three hand the CPU to each other: the program stops on a fault, the
 * handler asks home, home answers, the handler maps the page. (Real-time priorities
 * were tried and dropped: with the program above the handler, replies came late; with
 * it below, the woken program waited ~60 us; with the handler spinning, the real-time
 * throttle stopped everything for milliseconds.) The native runs are pinned alike. */
static int pin_cpu = -1;

/* marker pages: 0 start, 1 harness work begins, 2 migration point, 3 end */
#define MARK_START 0
#define MARK_HARNESS 1
#define MARK_MIGRATE 2
#define MARK_END 3
static volatile char *marker;

static void mark(int which) {
  if (marker) marker[which * AV_PAGE] = 1;
}

/* ---- ranges: the private anonymous memory a migration moves ---------------------------- */
#define RANGE_CAP 4096
static struct range ranges[RANGE_CAP];
static int nranges;
static char *maps_buf;
#define MAPS_BYTES (8u << 20)

static void add_range(uint64_t lo, uint64_t hi) {
  if (lo >= hi) return;
  if (nranges == RANGE_CAP) {
    set_error("more than %d private anonymous ranges", RANGE_CAP);
    return;
  }
  ranges[nranges++] = (struct range){lo, hi};
}

/* [lo, hi) minus the library's own memory (sorted exclusions, recursive split) */
static void add_minus(uint64_t lo, uint64_t hi, const struct range *ex, int nex) {
  for (int i = 0; i < nex && lo < hi; i++) {
    if (ex[i].hi <= lo || ex[i].lo >= hi) continue;
    if (ex[i].lo > lo) add_range(lo, ex[i].lo);
    lo = ex[i].hi;
  }
  if (lo < hi) add_range(lo, hi);
}

/* insertion sort: qsort may allocate, and the library never touches the heap */
static void sort_ranges(struct range *r, int n) {
  for (int i = 1; i < n; i++) {
    struct range x = r[i];
    int j = i - 1;
    for (; j >= 0 && r[j].lo > x.lo; j--) r[j + 1] = r[j];
    r[j + 1] = x;
  }
}

/* Reads /proc/self/maps: every readable, writable, private mapping with no file behind
 * it ([heap], unnamed anonymous mappings, the anonymous tail of .bss), except the
 * stack the calling thread runs on and the library's own memory. */
static int compute_ranges(void) {
  nranges = 0;
  int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    set_error("cannot open /proc/self/maps: %s", strerror(errno));
    return -1;
  }
  size_t len = 0;
  for (;;) {
    ssize_t r = real_read(fd, maps_buf + len, MAPS_BYTES - 1 - len);
    if (r <= 0) break;
    len += (size_t)r;
  }
  close(fd);
  maps_buf[len] = 0;
  struct range ex[OWN_CAP + IMAGES_CAP + 1]; /* + the thread's control block */
  int nex = 0;
  for (int i = 0; i < nown; i++) ex[nex++] = own[i];
  struct images img = {.n = 0};
  dl_iterate_phdr(find_images, &img);
  for (int i = 0; i < img.n; i++) ex[nex++] = img.r[i];
  /* The thread's control block stays, as its stack does. It holds the stack guard,
   * which every guarded function reads (the harness's too), and the rseq area (struct
   * rseq, 32 bytes), which the kernel writes on each return to user space: moved, both
   * its pages faulted in the freeze, two remote faults the program did not make and two
   * events at one instant that opened ampom's first window wide. Under valgrind the rseq
   * area is not registered, but its place (__rseq_offset) is the same. The block's
   * header (its self pointer, the stack and pointer guards) is its first 64 bytes. */
  uint64_t tp = (uint64_t)(uintptr_t)__builtin_thread_pointer(), rs = tp + (uint64_t)__rseq_offset;
  uint64_t tcb_lo = tp < rs ? tp : rs, tcb_hi = tp + 64 > rs + 32 ? tp + 64 : rs + 32;
  ex[nex++] = (struct range){tcb_lo & ~(uint64_t)(AV_PAGE - 1), (tcb_hi + AV_PAGE - 1) & ~(uint64_t)(AV_PAGE - 1)};
  sort_ranges(ex, nex);
  uint64_t sp = (uint64_t)(uintptr_t)__builtin_frame_address(0);
  for (char *line = maps_buf; *line;) {
    char *end = strchr(line, '\n');
    if (end) *end = 0;
    unsigned long long lo, hi, off, inode;
    char perms[8], dev[32];
    int path_at = 0;
    if (sscanf(line, "%llx-%llx %7s %llx %31s %llu %n", &lo, &hi, perms, &off, dev, &inode, &path_at) >= 6) {
      const char *path = path_at ? line + path_at : "";
      int anon = inode == 0 && (!*path || !strcmp(path, "[heap]") || !strncmp(path, "[anon:", 6));
      int rw_private = perms[0] == 'r' && perms[1] == 'w' && perms[3] == 'p';
      int stack = sp >= lo && sp < hi;
      if (anon && rw_private && !stack) add_minus(lo, hi, ex, nex);
    }
    if (!end) break;
    line = end + 1;
  }
  return error_text[0] ? -1 : 0;
}

/* ---- the destination's page table ------------------------------------------------------ */
static struct av_vm vm;
static struct av_policy pol;
static uint64_t *rbase;      /* range r's first address */
static uint64_t *slot_of;    /* received page -> its slot in home's page store */
static int64_t *arrival_of;  /* received page -> modelled arrival */
static uint32_t home_pages;
/* home's page store (protocol.h), mapped read-only after each load */
static int store_fd = -1;
static const uint8_t *store;
static size_t store_bytes;
static const uint8_t zero_page[AV_PAGE];
static size_t vm_bytes;
static void *vm_mem;

static int64_t page_of(uint64_t addr) {
  int lo = 0, hi = (int)vm.nregions - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    uint64_t base = rbase[mid], top = base + (uint64_t)(vm.rhi[mid] - vm.rlo[mid]) * AV_PAGE;
    if (addr < base) hi = mid - 1;
    else if (addr >= top) lo = mid + 1;
    else return vm.rlo[mid] + (int64_t)((addr - base) / AV_PAGE);
  }
  return -1;
}

static uint64_t addr_of(uint32_t page) {
  int r = av_region_of(&vm, page);
  return rbase[r] + (uint64_t)(page - vm.rlo[r]) * AV_PAGE;
}

/* Moved memory. A program may move migrated memory after the migration: glibc's realloc
 * grows a large block with mremap, which may move it (ptx does). The kernel then tells
 * the handler (UFFD_FEATURE_EVENT_REMAP, before the move returns) and keeps the
 * registration on the new place; without it the moved pages that were still at home
 * read as zeros there. Home and the page table know a page by where it was at the
 * migration (addr_of); these follow it. The simulation cannot: the trace shows the
 * moved memory as memory the process did not have at the migration point, which stays
 * local (`real.remaps` counts the moves, and `validate` says so). */
#define REMAP_CAP 4096
static struct {
  uint64_t from, to, len;
} remaps[REMAP_CAP];
static int nremaps;

/* Where a page the program faulted on at `addr` was at the migration; ~0 (no page)
 * for memory that came later. The moves are undone newest first, and an address a move
 * left empty holds, from then on, only memory mapped or grown there since: ptx's
 * realloc moved a block from A to B, and later from B to C and grew it in place, over
 * B; the grown part is new memory, not A's pages, which the translation by the first
 * move alone took it for (and the program, its fault answered at another address,
 * waited for ever). */
static uint64_t migration_addr(uint64_t addr) {
  for (int i = nremaps - 1; i >= 0; i--) {
    if (addr >= remaps[i].to && addr < remaps[i].to + remaps[i].len) addr = remaps[i].from + (addr - remaps[i].to);
    else if (addr >= remaps[i].from && addr < remaps[i].from + remaps[i].len) return ~(uint64_t)0;
  }
  return addr;
}

/* Lays the ranges out as dense page ids and marks the pages that exist (present or
 * swapped, per /proc/self/pagemap) as at home. */
static int build_vm(void) {
  uint64_t pages = 0;
  for (int i = 0; i < nranges; i++) pages += (ranges[i].hi - ranges[i].lo) / AV_PAGE;
  if (pages >= UINT32_MAX) {
    set_error("%llu pages to migrate: more than 2^32", (unsigned long long)pages);
    return -1;
  }
  vm_bytes = (size_t)nranges * (8 + 4 + 4) + pages * (1 + 8 + 8);
  vm_mem = own_mmap(vm_bytes);
  if (!vm_mem) {
    set_error("no memory for the page table");
    return -1;
  }
  char *p = vm_mem;
  rbase = (uint64_t *)p;
  p += (size_t)nranges * 8;
  arrival_of = (int64_t *)p;
  p += pages * 8;
  vm.rlo = (uint32_t *)p;
  p += (size_t)nranges * 4;
  vm.rhi = (uint32_t *)p;
  p += (size_t)nranges * 4;
  slot_of = (uint64_t *)p;
  p += pages * 8;
  vm.state = (uint8_t *)p;
  vm.npages = (uint32_t)pages;
  vm.nregions = (uint32_t)nranges;
  vm.last_region = 0;
  vm.nreq = 0;
  vm.events = 0;
  vm.hist_len = history_len;
  uint32_t next = 0;
  int pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
  if (pm < 0) {
    set_error("cannot open /proc/self/pagemap: %s", strerror(errno));
    return -1;
  }
  static uint64_t entries[65536];
  home_pages = 0;
  for (int r = 0; r < nranges; r++) {
    rbase[r] = ranges[r].lo;
    vm.rlo[r] = next;
    uint32_t n = (uint32_t)((ranges[r].hi - ranges[r].lo) / AV_PAGE);
    for (uint32_t done = 0; done < n;) {
      uint32_t k = n - done < 65536 ? n - done : 65536;
      off_t at = (off_t)((ranges[r].lo / AV_PAGE + done) * 8);
      ssize_t got = pread(pm, entries, (size_t)k * 8, at);
      if (got != (ssize_t)k * 8) {
        close(pm);
        set_error("short read of /proc/self/pagemap");
        return -1;
      }
      for (uint32_t i = 0; i < k; i++) {
        int exists = (entries[i] >> 63) & 1 || (entries[i] >> 62) & 1;
        vm.state[next + done + i] = exists ? AV_ST_HOME : AV_ST_NONE;
        home_pages += (uint32_t)exists;
      }
      done += k;
    }
    next += n;
    vm.rhi[r] = next;
  }
  close(pm);
  return 0;
}

static void free_vm(void) {
  if (vm_mem) own_munmap(vm_mem, vm_bytes);
  vm_mem = NULL;
}

/* ---- talking to the home server -------------------------------------------------------- */
static int sock = -1;
static pid_t home_pid;

static int write_all_blocking(struct iovec *iov, int n) {
  while (n > 0) {
    ssize_t w = writev(sock, iov, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    av_iov_consume(&iov, &n, (size_t)w);
  }
  return 0;
}

static int read_reply_blocking(struct av_reply *r) {
  size_t got = 0;
  while (got < sizeof *r) {
    ssize_t n = real_read(sock, (char *)r + got, sizeof *r - got);
    if (n == 0) errno = EPIPE;
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      return -1;
    }
    got += (size_t)n;
  }
  return 0;
}

/* Home's page store as it is now, read-only; populated, so that mapping a page from it
 * costs the handler no fault of its own. */
static int map_store(void) {
  struct stat st;
  if (fstat(store_fd, &st)) {
    set_error("home's page store: %s", strerror(errno));
    return -1;
  }
  if (store) munmap((void *)store, store_bytes);
  store = NULL;
  store_bytes = (size_t)st.st_size;
  if (!store_bytes) return 0;
  void *m = mmap(NULL, store_bytes, PROT_READ, MAP_SHARED | MAP_POPULATE, store_fd, 0);
  if (m == MAP_FAILED) {
    set_error("mapping home's page store: %s", strerror(errno));
    return -1;
  }
  store = m;
  return 0;
}

/* The home node's copy: every page that exists, in address order. */
static int load_home(void) {
  static uint64_t addrs[512];
  static struct iovec iov[514];
  uint32_t batch = 0;
  for (uint32_t page = 0; page <= vm.npages; page++) {
    int flush = page == vm.npages || batch == 512;
    if (flush && batch) {
      struct av_msg m = {AV_MSG_LOAD, batch, 0, 0, 0};
      iov[0] = (struct iovec){&m, sizeof m};
      iov[1] = (struct iovec){addrs, batch * 8};
      for (uint32_t i = 0; i < batch; i++) iov[2 + i] = (struct iovec){(void *)(uintptr_t)addrs[i], AV_PAGE};
      if (write_all_blocking(iov, (int)batch + 2)) {
        set_error("sending the pages home: %s", strerror(errno));
        return -1;
      }
      batch = 0;
    }
    if (page < vm.npages && (vm.state[page] & AV_ST_MASK) == AV_ST_HOME) addrs[batch++] = addr_of(page);
  }
  /* wait until home holds it all: the first requests must not queue behind the load */
  struct av_msg m = {AV_MSG_SYNC, 0, 0, 0, 0};
  struct av_reply r;
  iov[0] = (struct iovec){&m, sizeof m};
  if (write_all_blocking(iov, 1) || read_reply_blocking(&r)) {
    set_error("sending the pages home: %s", strerror(errno));
    return -1;
  }
  return map_store();
}

static int start_home(void) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
    set_error("socketpair: %s", strerror(errno));
    return -1;
  }
  int big = 4 << 20;
  for (int i = 0; i < 2; i++) {
    setsockopt(sv[i], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    setsockopt(sv[i], SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  }
  store_fd = memfd_create("ampom-home-store", MFD_CLOEXEC);
  if (store_fd < 0) {
    set_error("memfd_create for home's page store: %s", strerror(errno));
    return -1;
  }
  char fdarg[16], storearg[16];
  snprintf(fdarg, sizeof fdarg, "%d", sv[1]);
  snprintf(storearg, sizeof storearg, "%d", store_fd);
  char *argv[] = {(char *)home_path, fdarg, storearg, net_args[0], net_args[1], net_args[2], net_args[3], net_args[4],
                  net_args[5], net_args[6], net_args[7], net_args[8], NULL};
  char *envp[] = {NULL};
  pid_t pid = fork();
  if (pid < 0) {
    set_error("fork of the home server: %s", strerror(errno));
    return -1;
  }
  if (pid == 0) {
    fcntl(sv[1], F_SETFD, 0);
    fcntl(store_fd, F_SETFD, 0);
    execve(home_path, argv, envp);
    _exit(127);
  }
  close(sv[1]);
  sock = sv[0];
  home_pid = pid;
  return 0;
}

/* ---- the fault handler thread ---------------------------------------------------------- */
static int uffd = -1;
static int wake_pipe[2] = {-1, -1};
enum { CMD_NONE, CMD_ACTIVATE, CMD_CONTEXT, CMD_PREFETCH_HOME, CMD_DEACTIVATE, CMD_END };
static volatile int cmd;
/* the handler writes a byte here when a command is done and when the freeze ends; the
 * program's thread blocks on it (spinning would keep the handler, on the same CPU,
 * from running) */
static int done_pipe[2] = {-1, -1};
static int active;

struct counts {
  uint64_t remote_faults, zero_fills, late_prefetches, prefetched, useful, first_use_faults, refaults,
      late_landings, received, requests, spikes_cut, freeze_faults, remaps;
  int64_t fault_stall_ns, late_stall_ns, first_use_stall_ns, zero_stall_ns, delay_ns, service_ns;
  int64_t last_arrival;
};
static struct counts cnt;
/* The execution clock ampom's paging rate R is measured on (DESIGN section 3: demand
 * events per ns of the process's execution). It is the program thread's whole CPU time
 * (read by the handler from the thread's CPU clock while the thread stands in its
 * fault), kernel share of each userfault included, plus the calibrated wall cost of each
 * zero-fill beyond its CPU share (the simulator's execution clock keeps zero-fills). This
 * kernel accounts CPU time by ticks, so it cannot split a thread's time into user and
 * kernel time at this scale; the simulation of the run counts the calibrated kernel share
 * of each userfault as execution too (faultTrapCpu, firstUseCpu). Taking the calibrated
 * share off here instead left the clock with each fault's deviation from the mean, a few
 * us, which on a program that works 0.1 us between faults set ampom's windows (random:
 * 31 real faults against 10 simulated; docs/validation.md). Wall time minus the
 * handler's view of each stall was used before that: on one CPU it also counted the
 * handler's and home's work and, when UFFDIO_COPY's wake-up let the program preempt the
 * handler, the program's own work as stall, so R moved by several times from run to run.
 * `execNs` in the report is this clock less the calibrated shares: an estimate of the
 * program's own work, to set beside its native CPU time. */
static clockid_t program_clock;
static int have_program_clock;
static int64_t fault_cpu_ns, first_use_cpu_ns, zero_exec_ns, zero_cpu_ns;
/* the calibrated shares of the userfaults taken (for execNs), the spans --spike-cut took
 * out, the zero-fills' cost beyond their CPU share */
static int64_t share_cpu, cut_cpu, zero_exec;
/* the counters and the clock's parts at the end of the timed span (at_end) */
static struct counts cnt_end;
static int64_t share_cpu_end, cut_cpu_end, zero_exec_end;
static uint64_t events_end;
static void snapshot_end(void) {
  cnt_end = cnt;
  share_cpu_end = share_cpu;
  cut_cpu_end = cut_cpu;
  zero_exec_end = zero_exec;
  events_end = vm.events;
}
/* The program thread's CPU clock when the freeze is over and the thread is back in the
 * program (set by that thread; 0 before). What the thread ran between the handler's
 * activation (or its last userfault) and then is the harness's: the registration, the
 * drop, the freeze and the resume, 0.5-1.1 ms of CPU time. It leaves the clock
 * (`resume_cpu_out`): left in, it was the one long span in ampom's 32-event history and
 * kept the real run's windows small for 32 faults (docs/validation.md). */
static volatile int64_t back_in_program_cpu;
static int64_t resume_cpu_out;
static volatile int64_t context_ready, context_arrival;
static int context_pending;

enum { W_REMOTE, W_LATE, W_FIRST_USE };
struct waiter {
  uint32_t page;
  int kind;
  int64_t t_read, sent;
  /* the program's execution clock at the fault */
  double exec;
  /* the address the kernel reported the fault at: the page is mapped there and the
   * thread woken there (after an mremap, translating the page's migration address
   * forward need not give it back) */
  uint64_t addr;
};
#define WAIT_CAP 256
static struct waiter waiters[WAIT_CAP];
static int nwaiters;
static int64_t fault_sent_at;

/* AMPOM_VALIDATE_DEBUG: the phases of a sample of remote faults, printed at exit */
#define TRACE_CAP 32
#define TRACE_SKIP 100
static struct {
  int64_t read, sent, received, arrival, landed, mapped;
} trace[TRACE_CAP];
static int ntrace;

/* AMPOM_VALIDATE_DEBUG: the policy's decisions (fault or trigger use, page, execution
 * clock, pages asked for), printed at exit */
#define DECISION_CAP 4096
static int64_t last_raw_cpu, last_wall_read;
/* AMPOM_VALIDATE_SPIKE_CUT: exec_clock_at_fault's cut, ns; 0 keeps every span */
static int64_t spike_cut_ns;
/* the thread's CPU the zero-fills since the last userfault read took (their calibrated
 * share): part of the next span that the spike cut must leave in, as the simulator's
 * execution clock keeps zero-fills */
static int64_t span_zero_cpu;
static struct {
  char kind;
  uint32_t page, asked;
  double exec, delay;
  int64_t raw, wall;
} decisions[DECISION_CAP];
static int ndecisions;

static void log_decision(char kind, uint32_t page, double exec, uint32_t asked) {
  if (debug && ndecisions < DECISION_CAP) decisions[ndecisions++] = (__typeof__(decisions[0])){kind, page, asked, exec, pol.delay, last_raw_cpu, last_wall_read};
}

/* replies from home: a stream of (av_reply, page) */
static uint8_t *rx;
#define RX_BYTES (1u << 20)
static size_t rx_len;

static int64_t program_cpu_ns(void) {
  struct timespec ts;
  if (!have_program_clock || clock_gettime(program_clock, &ts)) return 0;
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A userfault whose calibrated kernel share is `share` has just been read: the
 * execution clock at it (above). */
static double exec_clock_at_fault(int64_t share) {
  share_cpu += share;
  int64_t raw = program_cpu_ns();
  int64_t back = __atomic_load_n(&back_in_program_cpu, __ATOMIC_ACQUIRE);
  if (back > last_raw_cpu) {
    resume_cpu_out += back - last_raw_cpu;
    last_raw_cpu = back;
  }
  /* --spike-cut (a diagnostic): a span whose CPU time exceeds the fault's share (and its
   * zero-fills') by more than the cut is taken for an interruption the machine charged
   * to the thread, and its whole excess leaves the clock; right only for programs that
   * work less than the cut between two userfaults */
  int64_t excess = raw - last_raw_cpu - share - span_zero_cpu;
  span_zero_cpu = 0;
  if (spike_cut_ns > 0 && excess > spike_cut_ns) {
    cut_cpu += excess;
    cnt.spikes_cut++;
  }
  last_raw_cpu = raw;
  return (double)(raw - cut_cpu - resume_cpu_out + zero_exec);
}

static void handle_reply(const struct av_reply *h) {
  if (h->addr == 0) {
    context_arrival = h->arrival_ns;
    return;
  }
  int64_t page = page_of(h->addr);
  if (page < 0) return;
  slot_of[page] = h->slot;
  arrival_of[page] = h->arrival_ns;
  vm.state[page] |= AV_F_RECEIVED;
  cnt.received++;
  if (h->arrival_ns > cnt.last_arrival) cnt.last_arrival = h->arrival_ns;
  if (now_ns() > h->arrival_ns) cnt.late_landings++;
  if (debug && ntrace < TRACE_CAP && cnt.remote_faults > TRACE_SKIP && h->addr == addr_of(waiters[0].page)) {
    trace[ntrace].received = now_ns();
    trace[ntrace].arrival = h->arrival_ns;
  }
}

/* Home ended while the process ran on its pages (killed, or out of memory): the pages
 * still at home are gone, so the program cannot go on. Before this the handler read the
 * socket's end as "no reply yet" and spun on it for ever, the program held in its next
 * fault, and the run ended only at --timeout (600 s), blamed on the timeout. Raw calls:
 * this is the handler thread. */
static void home_gone(const char *how) {
  char msg[256];
  int n = snprintf(msg, sizeof msg, "ampom-validate: the home server (ampom-home) ended during the run (%s); the pages still at home are lost\n", how);
  syscall(SYS_write, 2, msg, (size_t)(n < (int)sizeof msg ? n : (int)sizeof msg - 1));
  _exit(98);
}

static void drain_socket(void) {
  for (;;) {
    ssize_t r = real_read(sock, rx + rx_len, RX_BYTES - rx_len);
    if (r == 0 && rx_len < RX_BYTES) home_gone("it closed the connection");
    if (r < 0 && errno != EAGAIN && errno != EINTR) home_gone(strerror(errno));
    if (r <= 0) break;
    rx_len += (size_t)r;
    size_t at = 0;
    for (;;) {
      if (rx_len - at < sizeof(struct av_reply)) break;
      const struct av_reply *h = (const struct av_reply *)(rx + at);
      handle_reply(h);
      at += sizeof *h;
    }
    memmove(rx, rx + at, rx_len - at);
    rx_len -= at;
  }
}

/* A request to home; while the socket is full, keeps draining the replies. */
static void send_request(const uint32_t *pages, uint32_t n, uint32_t flags) {
  static uint64_t addrs[AV_REQUEST_CAP];
  for (uint32_t i = 0; i < n; i++) addrs[i] = addr_of(pages[i]);
  struct av_msg m = {AV_MSG_REQUEST, n, flags, 0, now_ns()};
  if (flags & AV_REQ_FAULT) fault_sent_at = m.ready_ns;
  struct iovec iov[2] = {{&m, sizeof m}, {addrs, (size_t)n * 8}};
  struct iovec *v = iov;
  int nv = 2;
  cnt.requests++;
  while (nv > 0) {
    ssize_t w = writev(sock, v, nv);
    if (w < 0) {
      if (errno == EAGAIN) {
        struct pollfd p = {sock, POLLIN | POLLOUT, 0};
        poll(&p, 1, -1);
        if (p.revents & POLLIN) drain_socket();
      } else if (errno != EINTR) {
        home_gone(strerror(errno));
      }
      continue;
    }
    av_iov_consume(&v, &nv, (size_t)w);
  }
}

/* The policy's request list (already marked in flight) goes out; pages after the
 * first of a fault are prefetches. */
static void send_policy_requests(uint32_t first_prefetch, uint32_t flags) {
  for (uint32_t i = first_prefetch; i < vm.nreq; i++) vm.state[vm.req[i]] |= AV_F_PREFETCHED;
  cnt.prefetched += vm.nreq - first_prefetch;
  if (vm.nreq) send_request(vm.req, vm.nreq, flags);
}

/* After a failed UFFDIO_COPY or UFFDIO_ZEROPAGE, the thread faulting at `addr` is woken
 * all the same: EEXIST means the page is there already; any other failure would leave
 * the program stopped for ever, so it is woken to fault again and the run reports it. */
static void wake_after_failure(uint64_t addr, const char *what) {
  int e = errno;
  struct uffdio_range w = {addr, AV_PAGE};
  ioctl(uffd, UFFDIO_WAKE, &w);
  if (e != EEXIST) set_error("userfaultfd %s at %#llx failed: %s", what, (unsigned long long)addr, strerror(e));
}

/* 0 when the page was mapped already (EEXIST): the fault was heard twice */
static int zeropage(uint64_t addr) {
  struct uffdio_zeropage z = {.range = {addr, AV_PAGE}, .mode = 0};
  if (!ioctl(uffd, UFFDIO_ZEROPAGE, &z)) return 1;
  int there = errno == EEXIST;
  wake_after_failure(addr, "zero page");
  return !there;
}

/* The page is in and its time has come: map it (waking the faulting thread), then
 * account the stall and tell the policy. */
static void land(const struct waiter *w) {
  uint32_t page = w->page;
  uint8_t st = vm.state[page];
  int64_t t_land = now_ns();
  uint64_t slot = slot_of[page];
  const uint8_t *from = slot < store_bytes / AV_PAGE ? store + slot * AV_PAGE : zero_page;
  struct uffdio_copy c = {.dst = w->addr, .src = (uint64_t)(uintptr_t)from, .len = AV_PAGE, .mode = 0};
  if (ioctl(uffd, UFFDIO_COPY, &c)) wake_after_failure(w->addr, "copy");
  int64_t t_done = now_ns();
  if (debug && ntrace < TRACE_CAP && cnt.remote_faults > TRACE_SKIP && w->kind == W_REMOTE) {
    trace[ntrace].read = w->t_read;
    trace[ntrace].sent = w->sent;
    trace[ntrace].landed = t_land;
    trace[ntrace++].mapped = t_done;
  }
  vm.state[page] = AV_ST_LOCAL;
  int64_t stall = t_done - w->t_read;
  if (w->kind == W_REMOTE) {
    cnt.fault_stall_ns += stall;
    cnt.delay_ns += arrival_of[page] - w->sent;
    cnt.service_ns += t_land - w->sent;
    /* T: request sent to page arrived, the arrival being the link model's (when the
     * page is in at the destination); the handler's own lateness in mapping it is the
     * emulation's, not the network's */
    av_policy_on_served(&pol, (double)(arrival_of[page] - w->sent));
  } else if (w->kind == W_LATE) {
    cnt.late_stall_ns += stall;
  } else {
    cnt.first_use_stall_ns += stall;
    cnt.first_use_faults++;
  }
  if (st & AV_F_PREFETCHED) {
    cnt.useful++;
    av_record_event(&vm, page, w->exec);
    vm.nreq = 0;
    av_policy_on_use(&pol, &vm, page, (st & AV_F_TRIGGER) != 0);
    log_decision((st & AV_F_TRIGGER) ? 'u' : 'p', page, w->exec, vm.nreq);
    send_policy_requests(0, 0);
  }
}

/* Whether a fault on `page` already waits for it. A signal that comes while the thread
 * waits on a userfault ends the wait; the thread runs its handler and touches the page
 * again, a second message for one fault. Counted again it was a late landing, and its
 * waiter, still waiting once the first had mapped the page, kept the handler spinning
 * until the run's timeout. */
static int waiting_for(uint32_t page) {
  for (int i = 0; i < nwaiters; i++)
    if (waiters[i].page == page) return 1;
  return 0;
}

static void on_fault(uint64_t addr, int64_t t_read) {
  int64_t page = page_of(migration_addr(addr));
  last_wall_read = t_read;
  if (cnt.remote_faults < 3) dbg("fault %#llx page %lld state %d\n", (unsigned long long)addr, (long long)page, page >= 0 ? vm.state[page] : -1);
  if (page < 0) {
    zeropage(addr);
    return;
  }
  uint8_t st = vm.state[page];
  switch (st & AV_ST_MASK) {
  case AV_ST_LOCAL:
    /* the program dropped it itself (madvise, a trimmed heap): it reads as zeros; or the
     * fault was heard twice and the page is there (a repeat, below) */
    if (!zeropage(addr)) break;
    cnt.refaults++;
    zero_exec += zero_exec_ns;
    span_zero_cpu += zero_cpu_ns;
    break;
  case AV_ST_NONE:
    zeropage(addr);
    vm.state[page] = AV_ST_LOCAL;
    cnt.zero_fills++;
    /* a zero-fill is not a stall on the network: the simulator's execution clock
     * keeps it (C_FAULT_STALL_NS and C_LATE_STALL_NS only) */
    cnt.zero_stall_ns += now_ns() - t_read;
    zero_exec += zero_exec_ns;
    span_zero_cpu += zero_cpu_ns;
    break;
  case AV_ST_HOME: {
    cnt.remote_faults++;
    if (!__atomic_load_n(&back_in_program_cpu, __ATOMIC_ACQUIRE)) cnt.freeze_faults++;
    double exec = exec_clock_at_fault(fault_cpu_ns);
    vm.nreq = 0;
    av_request(&vm, (uint32_t)page, 0);
    av_record_event(&vm, (uint32_t)page, exec);
    av_policy_on_fault(&pol, &vm, (uint32_t)page);
    log_decision('f', (uint32_t)page, exec, vm.nreq - 1);
    send_policy_requests(1, AV_REQ_FAULT);
    if (nwaiters < WAIT_CAP) waiters[nwaiters++] = (struct waiter){(uint32_t)page, W_REMOTE, t_read, fault_sent_at, exec, addr};
    break;
  }
  case AV_ST_FLIGHT: {
    if (waiting_for((uint32_t)page)) break; /* a repeat: its landing wakes the thread */
    int in = (st & AV_F_RECEIVED) && now_ns() >= arrival_of[page];
    if (!in && (st & AV_F_PREFETCHED)) cnt.late_prefetches++;
    struct waiter w = {(uint32_t)page, in ? W_FIRST_USE : W_LATE, t_read, 0, exec_clock_at_fault(first_use_cpu_ns), addr};
    if (in) land(&w);
    else if (nwaiters < WAIT_CAP) waiters[nwaiters++] = w;
    break;
  }
  }
}

static void drain_uffd(void) {
  struct uffd_msg msgs[16];
  for (;;) {
    ssize_t r = real_read(uffd, msgs, sizeof msgs);
    if (r <= 0) break;
    int64_t t = now_ns();
    for (size_t i = 0; i < (size_t)r / sizeof msgs[0]; i++) {
      if (msgs[i].event == UFFD_EVENT_REMAP) {
        cnt.remaps++;
        if (nremaps == REMAP_CAP) {
          set_error("the program moved migrated memory (mremap) more than %d times", REMAP_CAP);
          continue;
        }
        remaps[nremaps].from = msgs[i].arg.remap.from;
        remaps[nremaps].to = msgs[i].arg.remap.to;
        remaps[nremaps++].len = msgs[i].arg.remap.len;
        continue;
      }
      if (msgs[i].event != UFFD_EVENT_PAGEFAULT) continue;
      on_fault(msgs[i].arg.pagefault.address & ~(uint64_t)(AV_PAGE - 1), t);
    }
  }
}

/* The earliest time something is due (a waited-for page that is in, the context);
 * 0 when nothing is. */
static int64_t next_due(void) {
  int64_t due = 0;
  for (int i = 0; i < nwaiters; i++) {
    uint32_t page = waiters[i].page;
    if (!(vm.state[page] & AV_F_RECEIVED)) continue;
    if (!due || arrival_of[page] < due) due = arrival_of[page];
  }
  if (context_pending && context_arrival && (!due || context_arrival < due)) due = context_arrival;
  return due;
}

/* a waited-for page (or the context) whose bytes have not come from home yet */
static int awaiting_reply(void) {
  if (context_pending && !context_arrival) return 1;
  for (int i = 0; i < nwaiters; i++)
    if (!(vm.state[waiters[i].page] & AV_F_RECEIVED)) return 1;
  return 0;
}

static void signal_done(void) {
  char b = 1;
  while (syscall(SYS_write, done_pipe[1], &b, 1) != 1) {
  }
}

static void process_due(void) {
  int64_t t = now_ns();
  for (int i = 0; i < nwaiters;) {
    uint32_t page = waiters[i].page;
    if ((vm.state[page] & AV_F_RECEIVED) && t >= arrival_of[page]) {
      struct waiter w = waiters[i];
      waiters[i] = waiters[--nwaiters];
      land(&w);
      t = now_ns();
    } else {
      i++;
    }
  }
  if (context_pending && context_arrival && t >= context_arrival) {
    context_pending = 0;
    signal_done();
  }
}

static void request_all_home(void) {
  vm.nreq = 0;
  for (uint32_t p = 0; p < vm.npages; p++) {
    if (vm.nreq == AV_REQUEST_CAP) {
      send_policy_requests(0, 0);
      vm.nreq = 0;
    }
    av_request(&vm, p, 0);
  }
  send_policy_requests(0, 0);
}

static void run_command(int c) {
  switch (c) {
  case CMD_ACTIVATE:
    fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK);
    rx_len = 0;
    memset(&cnt, 0, sizeof cnt);
    nremaps = 0;
    share_cpu = cut_cpu = zero_exec = resume_cpu_out = 0;
    last_raw_cpu = program_cpu_ns();
    span_zero_cpu = 0;
    nwaiters = 0;
    /* the debug log shows this activation's decisions (the calibration's would fill it) */
    ndecisions = 0;
    active = 1;
    break;
  case CMD_CONTEXT: {
    context_arrival = 0;
    context_pending = 1;
    struct av_msg m = {AV_MSG_CONTEXT, 0, 0, 0, context_ready};
    struct iovec v = {&m, sizeof m};
    while (writev(sock, &v, 1) < 0) {
      if (errno != EAGAIN && errno != EINTR) home_gone(strerror(errno));
      drain_socket();
    }
    break;
  }
  case CMD_PREFETCH_HOME:
    request_all_home();
    break;
  case CMD_END:
    snapshot_end();
    break;
  case CMD_DEACTIVATE:
    active = 0;
    fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) & ~O_NONBLOCK);
    break;
  }
}

/* the last stretch before a page a fault waits for lands is spent spinning: a timed
 * sleep here wakes tens of microseconds late */
#define SPIN_NS 200000

static void *handler_main(void *arg) {
  (void)arg;
  /* wake-ups to the nanosecond asked for, not the default 50 us of slack */
  if (mode == MODE_MIGRATE) prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, NULL);
  for (;;) {
    int64_t due = active ? next_due() : 0;
    struct timespec ts, *tp = NULL;
    if (due) {
      int64_t left = due - now_ns();
      if (left <= SPIN_NS) {
        /* no PAUSE in this loop: in a virtual machine a PAUSE loop makes the
         * hypervisor take the CPU away (pause-loop exiting) */
        while (now_ns() < due) {
        }
        process_due();
        continue;
      }
      left -= SPIN_NS;
      ts.tv_sec = left / 1000000000;
      ts.tv_nsec = left % 1000000000;
      tp = &ts;
    }
    if (active && awaiting_reply()) {
      /* the program is stopped on a page whose reply has not come: rather than sleep
       * and be woken (tens of microseconds in this virtual machine), hand the CPU to
       * home and look again as soon as it has answered */
      sched_yield();
      drain_socket();
      drain_uffd();
      process_due();
      continue;
    }
    struct pollfd fds[3] = {{wake_pipe[0], POLLIN, 0}, {sock, POLLIN, 0}, {uffd, POLLIN, 0}};
    int n = active ? 3 : 1;
    if (ppoll(fds, (nfds_t)n, tp, NULL) < 0 && errno != EINTR) continue;
    if (fds[0].revents & POLLIN) {
      char b[64];
      real_read(wake_pipe[0], b, sizeof b);
      int c = __atomic_load_n(&cmd, __ATOMIC_ACQUIRE);
      if (c != CMD_NONE) {
        run_command(c);
        __atomic_store_n(&cmd, CMD_NONE, __ATOMIC_RELAXED);
        if (c != CMD_CONTEXT) signal_done();
      }
    }
    if (active) {
      drain_socket();
      drain_uffd();
      process_due();
    }
  }
  return NULL;
}

/* Runs a command on the handler thread and waits until it is done (CMD_CONTEXT: until
 * the context has landed). Raw system calls only: once the process's memory is
 * registered, this thread must touch nothing but its stack and the library. */
static void handler_command(int c) {
  __atomic_store_n(&cmd, c, __ATOMIC_RELEASE);
  char b = 1;
  syscall(SYS_write, wake_pipe[1], &b, 1);
  while (syscall(SYS_read, done_pipe[0], &b, 1) != 1) {
  }
}

static int start_handler(void) {
  if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) || pipe2(done_pipe, O_CLOEXEC)) {
    set_error("pipe: %s", strerror(errno));
    return -1;
  }
  size_t stack_bytes = 1 << 20;
  void *stack = own_mmap(stack_bytes);
  rx = own_mmap_flags(RX_BYTES, MAP_POPULATE);
  if (!stack || !rx) {
    set_error("no memory for the handler thread");
    return -1;
  }
  pthread_attr_t a;
  pthread_attr_init(&a);
  pthread_attr_setstack(&a, stack, stack_bytes);
  pthread_t t;
  int e = real_pthread_create(&t, &a, handler_main, NULL); /* not counted: the library's own */
  pthread_attr_destroy(&a);
  if (e) {
    set_error("pthread_create: %s", strerror(e));
    return -1;
  }
  return 0;
}

static int open_uffd(void) {
  uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
  if (uffd < 0) {
    set_error("userfaultfd unavailable: %s%s", strerror(errno),
              errno == EPERM ? " (it needs root, or vm.unprivileged_userfaultfd = 1)" : "");
    return -1;
  }
  struct uffdio_api api = {.api = UFFD_API, .features = UFFD_FEATURE_EVENT_REMAP};
  if (ioctl(uffd, UFFDIO_API, &api)) {
    set_error("userfaultfd API handshake failed: %s", strerror(errno));
    close(uffd);
    uffd = -1;
    return -1;
  }
  return 0;
}

static int register_ranges(int do_register) {
  for (int i = 0; i < nranges; i++) {
    struct uffdio_register reg = {.range = {ranges[i].lo, ranges[i].hi - ranges[i].lo}, .mode = UFFDIO_REGISTER_MODE_MISSING};
    struct uffdio_range un = {ranges[i].lo, ranges[i].hi - ranges[i].lo};
    if (do_register ? ioctl(uffd, UFFDIO_REGISTER, &reg) : ioctl(uffd, UFFDIO_UNREGISTER, &un)) {
      set_error("userfaultfd %s of %#llx-%#llx failed: %s", do_register ? "registration" : "unregistration",
                (unsigned long long)ranges[i].lo, (unsigned long long)ranges[i].hi, strerror(errno));
      return -1;
    }
  }
  return 0;
}

/* The drop frees each emptied 2 MiB span's page table (this kernel reclaims them). On
 * this machine's virtual machine, whose host keeps shadow page tables, the first faults
 * in a span whose table was made anew then cost the program thread up to ~100 us more
 * than later ones (docs/validation.md): a cost of this host, not of the migration, and
 * not in the model. So each span is dropped on its own and one of its pages mapped back,
 * read and dropped again at once, in the harness's time: its table stays and is warm
 * when the program comes back. The page is mapped back with its own contents, so a
 * reader would see nothing amiss; where the mapping fails the span is simply dropped. */
#define SPAN_BYTES (2ULL << 20)
static uint8_t *warm_page;

static int drop_span(uint64_t lo, uint64_t hi) {
  /* a page that does not exist yet is not read: that would be a userfault */
  int64_t page = page_of(lo);
  if (page >= 0 && (vm.state[page] & AV_ST_MASK) == AV_ST_HOME) memcpy(warm_page, (void *)(uintptr_t)lo, AV_PAGE);
  else memset(warm_page, 0, AV_PAGE);
  if (madvise((void *)(uintptr_t)lo, hi - lo, MADV_DONTNEED)) return -1;
  struct uffdio_copy c = {.dst = lo, .src = (uint64_t)(uintptr_t)warm_page, .len = AV_PAGE, .mode = 0};
  if (ioctl(uffd, UFFDIO_COPY, &c)) return 0;
  (void)*(volatile uint8_t *)(uintptr_t)lo;
  return madvise((void *)(uintptr_t)lo, AV_PAGE, MADV_DONTNEED);
}

static int drop_ranges(void) {
  if (!warm_page && !(warm_page = own_mmap_flags(AV_PAGE, MAP_POPULATE))) {
    set_error("no memory for the drop");
    return -1;
  }
  for (int i = 0; i < nranges; i++)
    for (uint64_t lo = ranges[i].lo; lo < ranges[i].hi;) {
      uint64_t hi = (lo & ~(SPAN_BYTES - 1)) + SPAN_BYTES;
      if (hi > ranges[i].hi) hi = ranges[i].hi;
      if (drop_span(lo, hi)) {
        set_error("madvise(MADV_DONTNEED) of %#llx-%#llx failed: %s", (unsigned long long)lo, (unsigned long long)hi,
                  strerror(errno));
        return -1;
      }
      lo = hi;
    }
  return 0;
}

/* Hands `ranges` to home and to the handler, then registers and drops them: from here
 * every touch of a page in them is served by the handler. */
static int dropping;

static int move_ranges(int kind) {
  dbg("move: %d ranges\n", nranges);
  if (build_vm()) return -1;
  dbg("move: %u pages, %u at home\n", vm.npages, home_pages);
  if (load_home()) return -1;
  dbg("move: loaded\n");
  av_policy_reset(&pol, kind, policy_params);
  handler_command(CMD_ACTIVATE);
  dbg("move: handler active\n");
  /* registered first, so that nothing can touch a dropped page unseen */
  if (register_ranges(1)) return -1;
  dbg("move: registered\n");
  dropping = 1;
  return drop_ranges();
}

/* ---- calibration: what a fault costs here beyond the modelled network ---------------- */
static struct {
  int pages;
  int64_t fault_overhead_ns, zero_fill_ns, first_use_ns, touch_ns, delay_ns;
  /* the program thread's CPU time a touch of each kind costs (the kernel's share of the
   * userfault: the touches do no work of their own) */
  int64_t fault_cpu_ns, first_use_cpu_ns, zero_fill_cpu_ns;
  /* a kernel minor fault: a write to a fresh anonymous page that no userfaultfd watches,
   * wall and CPU ns (minor_faults) */
  int64_t minor_fault_ns, minor_fault_cpu_ns;
  /* the CPU's interruptions: a spin of spin_ns reading the clock saw `interruptions` gaps
   * over INTERRUPT_GAP_NS, `interrupted_ns` in all, the longest `longest_ns`; the thread's
   * CPU clock counted spin_cpu_ns of the spin (all of it: the gaps were charged to it) */
  int64_t spin_ns, interruptions, interrupted_ns, longest_ns, spin_cpu_ns;
} calib;
/* the host-state probe after the program's work (minor_faults), wall and CPU ns; 0: none */
static int64_t after_minor_fault_ns, after_minor_fault_cpu_ns;


#define INTERRUPT_SPIN_NS 20000000
#define INTERRUPT_GAP_NS 10000

/* Time the thread does not run while it spins: on a machine whose host interrupts the
 * virtual CPU (here for tens of us, about once a millisecond) the guest charges that
 * time to the running thread's CPU clock, the clock ampom's paging rate is measured on.
 * A gap the guest gave another thread would not be on it: the spin's CPU time tells. */
static void measure_interruptions(void) {
  int64_t cpu0 = thread_cpu_ns();
  int64_t start = now_ns(), prev = start, t;
  calib.interruptions = calib.interrupted_ns = calib.longest_ns = 0;
  while ((t = now_ns()) - start < INTERRUPT_SPIN_NS) {
    int64_t gap = t - prev;
    if (gap > INTERRUPT_GAP_NS) {
      calib.interruptions++;
      calib.interrupted_ns += gap;
      if (gap > calib.longest_ns) calib.longest_ns = gap;
    }
    prev = t;
  }
  calib.spin_ns = t - start;
  calib.spin_cpu_ns = thread_cpu_ns() - cpu0;
}

static int64_t timed_touch(volatile char *p, int write) {
  int64_t t0 = now_ns();
  if (write) *p = 1;
  else (void)*p;
  return now_ns() - t0;
}

/* c touches (reads, or writes) of consecutive pages from s: wall ns and the thread's CPU
 * ns in total */
static void timed_touches(char *s, int c, int write, int64_t *wall, int64_t *cpu) {
  int64_t c0 = thread_cpu_ns();
  *wall = 0;
  for (int i = 0; i < c; i++) *wall += timed_touch(s + (size_t)i * AV_PAGE, write);
  *cpu = thread_cpu_ns() - c0;
}

/* A kernel minor fault, wall and CPU ns a touch: c writes to fresh anonymous pages that no
 * userfaultfd watches. It is what a native run pays for each page it allocates, which its
 * CPU time (the simulation's) holds and which a zero-fill replaces in the real run: the
 * simulation charges a zero-fill what it costs beyond this (src/validate/validate.ts).
 * Taken again after the program's work, it is the probe of the host's state: under this
 * hypervisor every kernel entry costs 10-40% more on a virtual CPU in its slow state,
 * which flips within seconds (docs/validation.md), and a run whose two probes differ was
 * not run at the cost its calibration measured. Writes, as a program fills a fresh page. */
static int minor_faults(int c, int64_t *wall_ns, int64_t *cpu_ns) {
  size_t bytes = (size_t)c * AV_PAGE;
  char *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) return -1;
  int64_t wall, cpu;
  timed_touches(m, c, 1, &wall, &cpu);
  munmap(m, bytes);
  *wall_ns = wall / c;
  *cpu_ns = cpu / c;
  return 0;
}

static int calibrate(void) {
  int c = calib_pages;
  size_t bytes = (size_t)3 * c * AV_PAGE;
  char *s = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (s == MAP_FAILED) {
    set_error("no memory for the calibration");
    return -1;
  }
  for (int i = 0; i < 2 * c; i++) memset(s + (size_t)i * AV_PAGE, i & 0xff, AV_PAGE);
  nranges = 0;
  add_range((uint64_t)(uintptr_t)s, (uint64_t)(uintptr_t)s + bytes);
  if (move_ranges(AV_POLICY_NONE)) return -1;
  dbg("calibrate: %d pages moved, %u at home\n", 3 * c, home_pages);
  /* remote faults, one at a time, each on an idle link */
  int64_t touch, cpu;
  timed_touches(s, c, 0, &touch, &cpu);
  calib.touch_ns = touch / c;
  calib.delay_ns = cnt.delay_ns / c;
  calib.fault_overhead_ns = (touch - cnt.delay_ns) / c;
  calib.fault_cpu_ns = cpu / c;
  dbg("calibrate: remote faults done, %lld ns a touch\n", (long long)calib.touch_ns);
  /* first uses of pages that have arrived */
  handler_command(CMD_PREFETCH_HOME);
  while (__atomic_load_n(&cnt.received, __ATOMIC_ACQUIRE) < (uint64_t)(2 * c) || now_ns() < cnt.last_arrival + 100000) {
    struct timespec ts = {0, 200000};
    nanosleep(&ts, NULL);
  }
  timed_touches(s + (size_t)c * AV_PAGE, c, 0, &touch, &cpu);
  calib.first_use_ns = touch / c;
  calib.first_use_cpu_ns = cpu / c;
  dbg("calibrate: first uses done, %lld ns a touch\n", (long long)calib.first_use_ns);
  /* zero-fills of pages that never existed, written as a program fills fresh memory:
   * the handler maps the zero page and the kernel then copies it for the write within
   * the same fault (a read costs 4-5 us less: 18.2 against 23.1 us) */
  timed_touches(s + (size_t)2 * c * AV_PAGE, c, 1, &touch, &cpu);
  calib.zero_fill_ns = touch / c;
  calib.zero_fill_cpu_ns = cpu / c;
  dbg("calibrate: zero-fills done, %lld ns a touch\n", (long long)calib.zero_fill_ns);
  /* and what the native run paid for those pages instead, measured with them */
  if (minor_faults(c, &calib.minor_fault_ns, &calib.minor_fault_cpu_ns)) {
    set_error("no memory for the calibration's minor faults");
    return -1;
  }
  calib.pages = c;
  measure_interruptions();
  handler_command(CMD_DEACTIVATE);
  dbg("calibrate: handler stopped\n");
  if (register_ranges(0)) return -1;
  munmap(s, bytes);
  free_vm();
  struct av_msg m = {AV_MSG_RESET, 0, 0, 0, 0};
  struct iovec v = {&m, sizeof m};
  if (write_all_blocking(&v, 1)) {
    set_error("resetting home: %s", strerror(errno));
    return -1;
  }
  dbg("calibrate: done\n");
  nranges = 0;
  dropping = 0;
  fault_cpu_ns = calib.fault_cpu_ns;
  first_use_cpu_ns = calib.first_use_cpu_ns;
  zero_cpu_ns = calib.zero_fill_cpu_ns;
  /* a zero-fill's whole cost is execution, in the simulator as here; its CPU share is
   * already on the thread's clock */
  zero_exec_ns = calib.zero_fill_ns - calib.zero_fill_cpu_ns > 0 ? calib.zero_fill_ns - calib.zero_fill_cpu_ns : 0;
  return 0;
}

/* ---- scheduling ---------------------------------------------------------------------- */
static void set_scheduling(void) {
  if (pin_cpu < 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(pin_cpu, &set);
  if (sched_setaffinity(0, sizeof set, &set)) set_error("cannot pin to CPU %d: %s", pin_cpu, strerror(errno));
}

/* ---- the migration ---------------------------------------------------------------------- */
static struct {
  int64_t at_ns, harness_ns, freeze_ns, resume_wall, resume_cpu, resume_share_cpu, resume_cut_cpu, resume_zero_exec;
  uint64_t registered_pages, home_pages, ranges;
} mig;

static void migrate_now(void) {
  int64_t h0 = now_ns();
  mig.at_ns = h0 - t_start;
  if (uffd < 0 || error_text[0]) return;
  dbg("migrate: at %lld ns\n", (long long)mig.at_ns);
  if (compute_ranges() || move_ranges(policy_kind)) {
    /* before anything was dropped the program can go on unmigrated; after, it cannot */
    if (dropping) {
      char msg[600];
      int n = snprintf(msg, sizeof msg, "ampom-validate: migration failed after the memory was dropped: %s\n", error_text);
      syscall(SYS_write, 2, msg, (size_t)n);
      _exit(97);
    }
    return;
  }
  int64_t h1 = now_ns();
  mig.harness_ns = h1 - h0;
  mig.registered_pages = vm.npages;
  mig.home_pages = home_pages;
  mig.ranges = (uint64_t)nranges;
  /* The freeze: the context crosses the link; only then does the process go on. The
   * handler does the asking, as from the drop on any touch of moved memory by this
   * thread is a userfault only an active handler can serve (its control block is not
   * moved, compute_ranges, so the freeze takes none: `freezeFaults`). */
  context_ready = h1;
  handler_command(CMD_CONTEXT);
  mig.resume_wall = now_ns();
  mig.freeze_ns = mig.resume_wall - h1;
  mig.resume_cpu = thread_cpu_ns();
  mig.resume_share_cpu = share_cpu;
  mig.resume_cut_cpu = cut_cpu;
  mig.resume_zero_exec = zero_exec;
  /* (not before: formatting touches the thread's migrated memory) */
  dbg("migrate: %d ranges, %u pages, %u at home, set up in %lld ns; resumed after a freeze of %lld ns\n", nranges,
      vm.npages, home_pages, (long long)mig.harness_ns, (long long)mig.freeze_ns);
  migrated = 1;
}

static void at_trigger(void) {
  if (triggered) return;
  triggered = 1;
  trigger_at = now_ns() - t_start;
  trigger_cpu = thread_cpu_ns() - cpu_start;
  mark(MARK_HARNESS);
  /* registered after the C library's exit handlers (and the program's so far), so it runs
   * before them; in the harness's span, as its memory is not the program's */
  atexit(at_end);
  if (mode == MODE_CAPTURE) compute_ranges();
  else if (mode == MODE_MIGRATE) migrate_now();
  mark(MARK_MIGRATE);
  if (migrated) __atomic_store_n(&back_in_program_cpu, thread_cpu_ns(), __ATOMIC_RELEASE);
}

/* ---- start and end ------------------------------------------------------------------ */

static int env_matches_exe(void) {
  const char *want = getenv("AMPOM_VALIDATE_EXE");
  if (!want) return 1;
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n < 0) return 0;
  buf[n] = 0;
  return strcmp(buf, want) == 0;
}

static void parse_config(void) {
  out_path = getenv("AMPOM_VALIDATE_OUT");
  home_path = getenv("AMPOM_VALIDATE_HOME");
  const char *call = getenv("AMPOM_VALIDATE_CALL");
  const char *index = getenv("AMPOM_VALIDATE_INDEX");
  if (call) {
    for (int i = 0; i < FN_COUNT; i++)
      if (!strcmp(call, fn_names[i])) trig_fn = i;
    if (trig_fn < 0) set_error("AMPOM_VALIDATE_CALL: %s is not a counted function", call);
  }
  if (index) trig_n = strtoull(index, NULL, 10);
  const char *net = getenv("AMPOM_VALIDATE_NET");
  if (net) {
    const char *p = net;
    for (int i = 0; i < 9; i++) {
      while (*p == ' ') p++;
      int k = 0;
      while (*p && *p != ' ' && k < 31) net_args[i][k++] = *p++;
      net_args[i][k] = 0;
    }
  }
  const char *policy = getenv("AMPOM_VALIDATE_POLICY");
  policy_kind = policy && !strcmp(policy, "ampom") ? AV_POLICY_AMPOM : AV_POLICY_NONE;
  if (policy && strcmp(policy, "ampom") && strcmp(policy, "none")) set_error("AMPOM_VALIDATE_POLICY: unknown policy %s", policy);
  const char *params = getenv("AMPOM_VALIDATE_PARAMS");
  if (params) {
    char *end;
    for (int i = 0; i < 7; i++) {
      double v = strtod(params, &end);
      if (end == params) break;
      policy_params[i] = v;
      params = end;
    }
  }
  const char *h = getenv("AMPOM_VALIDATE_HISTORY");
  if (h) history_len = (uint32_t)atoi(h);
  if (history_len < 1 || history_len > AV_HISTORY_CAP) history_len = 32;
  const char *cp = getenv("AMPOM_VALIDATE_CALIBRATE");
  if (cp) calib_pages = atoi(cp);
  debug = getenv("AMPOM_VALIDATE_DEBUG") != NULL;
  const char *cut = getenv("AMPOM_VALIDATE_SPIKE_CUT");
  if (cut) spike_cut_ns = atoll(cut);

  const char *cpu = getenv("AMPOM_VALIDATE_CPU");
  if (cpu && *cpu) pin_cpu = atoi(cpu);

  if (calib_pages < 16) calib_pages = 16;
}

__attribute__((constructor)) static void av_init(void) {
  resolve_all();
  const char *m = getenv("AMPOM_VALIDATE_MODE");
  if (!m || !env_matches_exe()) return;
  mode = !strcmp(m, "native") ? MODE_NATIVE : !strcmp(m, "capture") ? MODE_CAPTURE : !strcmp(m, "migrate") ? MODE_MIGRATE : MODE_INERT;
  /* children the program starts run without us */
  unsetenv("AMPOM_VALIDATE_MODE");
  if (mode == MODE_INERT) return;
  active_run = 1;
  parse_config();
  maps_buf = own_mmap(MAPS_BYTES);
  void *mk = mmap((void *)0x5a5a00000000ULL, 4 * AV_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mk != MAP_FAILED) {
    marker = mk;
    if (nown < OWN_CAP) own[nown++] = (struct range){(uint64_t)(uintptr_t)mk, (uint64_t)(uintptr_t)mk + 4 * AV_PAGE};
  }
  /* the capture too: a program that sizes its work by the CPUs it may use (GNU sort
   * starts a thread per CPU) must do under valgrind what it does natively */
  set_scheduling();
  if (mode == MODE_MIGRATE) {
    prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
    if (!home_path) set_error("AMPOM_VALIDATE_HOME is not set");
    if (!error_text[0]) start_home();
    if (!error_text[0]) open_uffd();
  }
  /* the program's thread: its CPU clock is the execution clock (the handler reads it) */
  have_program_clock = pthread_getcpuclockid(pthread_self(), &program_clock) == 0;
  start_handler();
  if (mode == MODE_MIGRATE && !error_text[0]) calibrate();
  counting = 1;
  t_start = now_ns();
  cpu_start = thread_cpu_ns();
  mark(MARK_START);
}

/* ---- the result file ------------------------------------------------------------------ */
static char *out_buf;
static size_t out_len;
#define OUT_BYTES (4u << 20)

static void out(const char *fmt, ...) {
  if (out_len >= OUT_BYTES - 1) return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(out_buf + out_len, OUT_BYTES - out_len, fmt, ap);
  va_end(ap);
  if (n > 0) out_len += (size_t)n;
  if (out_len > OUT_BYTES - 1) out_len = OUT_BYTES - 1;
}

static void out_ranges(void) {
  out(",\"ranges\":[");
  for (int i = 0; i < nranges; i++) out("%s[\"%#llx\",\"%#llx\"]", i ? "," : "", (unsigned long long)ranges[i].lo, (unsigned long long)ranges[i].hi);
  out("]");
}

static void write_result(void) {
  if (!out_path) return;
  out_buf = own_mmap(OUT_BYTES);
  if (!out_buf) return;
  static const char *const mode_names[] = {"inert", "native", "capture", "migrate"};
  out("{\"mode\":\"%s\",\"error\":", mode_names[mode]);
  if (error_text[0]) {
    out("\"");
    for (const char *p = error_text; *p; p++) out(*p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
    out("\"");
  } else {
    out("null");
  }
  out(",\"window\":{\"wallNs\":%lld,\"cpuNs\":%lld}", (long long)(t_end - t_start), (long long)(cpu_end - cpu_start));
  cpu_set_t allowed;
  int cpus = sched_getaffinity(0, sizeof allowed, &allowed) ? -1 : CPU_COUNT(&allowed);
  out(",\"scheduling\":{\"cpu\":%d,\"cpusAllowed\":%d}", pin_cpu, cpus);
  out(",\"threadsStarted\":%llu", (unsigned long long)__atomic_load_n(&program_threads, __ATOMIC_RELAXED));
  out(",\"forksAfterPoint\":%llu", (unsigned long long)forks_after_point);
  out(",\"calls\":{");
  for (int i = 0; i < FN_COUNT; i++) out("%s\"%s\":%llu", i ? "," : "", fn_names[i], (unsigned long long)calls[i]);
  out("}");
  if (trig_fn >= 0)
    out(",\"trigger\":{\"function\":\"%s\",\"index\":%llu,\"fired\":%s,\"atNs\":%lld,\"cpuNs\":%lld}", fn_names[trig_fn],
        (unsigned long long)trig_n, triggered ? "true" : "false", (long long)trigger_at, (long long)trigger_cpu);
  if (marker) out(",\"marker\":\"%#llx\"", (unsigned long long)(uintptr_t)marker);
  if (mode == MODE_CAPTURE) out_ranges();
  if (mode == MODE_NATIVE) {
    out(",\"logs\":{");
    int first = 1;
    for (int i = 0; i < FN_COUNT; i++) {
      if (!logs[i].n) continue;
      out("%s\"%s\":[", first ? "" : ",", fn_names[i]);
      first = 0;
      for (uint64_t k = 0; k < logs[i].n; k++) out("%s[%llu,%lld]", k ? "," : "", (unsigned long long)logs[i].idx[k], (long long)logs[i].t[k]);
      out("]");
    }
    out("}");
  }
  if (mode == MODE_MIGRATE) {
    out(",\"calibration\":{\"pages\":%d,\"faultOverheadNs\":%lld,\"zeroFillNs\":%lld,\"firstUseNs\":%lld,\"touchNs\":%lld,\"delayNs\":%lld,"
        "\"faultCpuNs\":%lld,\"firstUseCpuNs\":%lld,\"zeroFillCpuNs\":%lld,\"minorFaultNs\":%lld,\"minorFaultCpuNs\":%lld,"
        "\"interruptions\":{\"gapNs\":%d,\"spinNs\":%lld,\"spinCpuNs\":%lld,\"count\":%lld,\"totalNs\":%lld,\"longestNs\":%lld}}",
        calib.pages, (long long)calib.fault_overhead_ns, (long long)calib.zero_fill_ns, (long long)calib.first_use_ns,
        (long long)calib.touch_ns, (long long)calib.delay_ns, (long long)calib.fault_cpu_ns, (long long)calib.first_use_cpu_ns,
        (long long)calib.zero_fill_cpu_ns, (long long)calib.minor_fault_ns, (long long)calib.minor_fault_cpu_ns, INTERRUPT_GAP_NS, (long long)calib.spin_ns, (long long)calib.spin_cpu_ns, (long long)calib.interruptions,
        (long long)calib.interrupted_ns, (long long)calib.longest_ns);
    out(",\"afterRun\":{\"minorFaultNs\":%lld,\"minorFaultCpuNs\":%lld}", (long long)after_minor_fault_ns, (long long)after_minor_fault_cpu_ns);
  }
  if (mode == MODE_MIGRATE && migrated) {
    const struct counts c = cnt_end;
    out(",\"migration\":{\"atNs\":%lld,\"harnessNs\":%lld,\"freezeNs\":%lld,\"ranges\":%llu,\"registeredPages\":%llu,\"homePages\":%llu}",
        (long long)mig.at_ns, (long long)mig.harness_ns, (long long)mig.freeze_ns, (unsigned long long)mig.ranges,
        (unsigned long long)mig.registered_pages, (unsigned long long)mig.home_pages);
    int64_t remote_wall = t_end - mig.resume_wall, remote_cpu = cpu_end - mig.resume_cpu;
    /* the program's own work over the same span: the execution clock less the userfaults'
     * calibrated shares */
    int64_t exec = (cpu_end - back_in_program_cpu) - (share_cpu_end - mig.resume_share_cpu) - (cut_cpu_end - mig.resume_cut_cpu) +
                   (zero_exec_end - mig.resume_zero_exec);
    out(",\"real\":{\"remoteFaults\":%llu,\"zeroFills\":%llu,\"latePrefetches\":%llu,\"prefetchedPages\":%llu,"
        "\"usefulPrefetches\":%llu,\"firstUseFaults\":%llu,\"refaults\":%llu,\"lateLandings\":%llu,\"requests\":%llu,"
        "\"faultStallNs\":%lld,\"lateStallNs\":%lld,\"firstUseStallNs\":%lld,\"zeroFillStallNs\":%lld,"
        "\"modelDelayNs\":%lld,\"serviceNs\":%lld,\"remoteWallNs\":%lld,\"remoteCpuNs\":%lld,\"offCpuNs\":%lld,\"execNs\":%lld,\"demandEvents\":%llu,\"spikesCut\":%llu,\"resumeCpuNs\":%lld,\"freezeFaults\":%llu,\"remaps\":%llu}",
        (unsigned long long)c.remote_faults, (unsigned long long)c.zero_fills, (unsigned long long)c.late_prefetches,
        (unsigned long long)c.prefetched, (unsigned long long)c.useful, (unsigned long long)c.first_use_faults,
        (unsigned long long)c.refaults, (unsigned long long)c.late_landings, (unsigned long long)c.requests,
        (long long)c.fault_stall_ns, (long long)c.late_stall_ns, (long long)c.first_use_stall_ns, (long long)c.zero_stall_ns,
        (long long)c.delay_ns, (long long)c.service_ns, (long long)remote_wall, (long long)remote_cpu,
        (long long)(remote_wall - remote_cpu), (long long)exec, (unsigned long long)events_end, (unsigned long long)c.spikes_cut,
        (long long)resume_cpu_out, (unsigned long long)c.freeze_faults, (unsigned long long)c.remaps);
  }
  out("}\n");
  int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  for (size_t done = 0; done < out_len;) {
    ssize_t w = real_write(fd, out_buf + done, out_len - done);
    if (w <= 0) break;
    done += (size_t)w;
  }
  close(fd);
}

/* The end of the timed span: where the program calls exit (or returns from main), before
 * any exit handler it registered before the migration point and before the loader's
 * destructor walk. That walk reads the link map of every loaded object, and valgrind
 * loads one more (its core preload library), whose map pushes the loader's anonymous
 * memory onto a second page: counted, the walk made one remote fault in the simulation
 * that the real run does not make (every run also binds at load, src/validate/runner.ts,
 * for the lookups). A run whose trigger never fired ends at the library's destructor.
 * The counters are read here, as the simulation stops at this marker. */
static int ended;
static void at_end(void) {
  if (ended) return;
  ended = 1;
  t_end = now_ns();
  cpu_end = thread_cpu_ns();
  /* on the handler thread, between two of its steps: a fault it has just served may have
   * woken this thread before its counting was done */
  if (migrated) handler_command(CMD_END);
  else snapshot_end();
  mark(MARK_END);
  counting = 0;
}

__attribute__((destructor)) static void av_fini(void) {
  if (!active_run) return;
  at_end();
  /* after the timed span, on fresh memory no userfaultfd watches: the run's figures are
   * read already and the probe touches none of the program's pages */
  if (mode == MODE_MIGRATE && calib.pages && minor_faults(calib.pages, &after_minor_fault_ns, &after_minor_fault_cpu_ns))
    after_minor_fault_ns = after_minor_fault_cpu_ns = 0;
  write_result();
  for (int i = 0; i < ndecisions; i++)
    dbg("decision %c page %u exec %.0f delay %.0f asked %u raw %lld wall %lld\n", decisions[i].kind, decisions[i].page, decisions[i].exec, decisions[i].delay, decisions[i].asked, (long long)decisions[i].raw, (long long)decisions[i].wall);
  for (int i = 0; i < ntrace; i++) {
    dbg("fault: read->sent %lld sent->received %lld received->arrival %lld arrival->landed %lld landed->mapped %lld\n",
        (long long)(trace[i].sent - trace[i].read), (long long)(trace[i].received - trace[i].sent),
        (long long)(trace[i].arrival - trace[i].received), (long long)(trace[i].landed - trace[i].arrival),
        (long long)(trace[i].mapped - trace[i].landed));
  }
}
