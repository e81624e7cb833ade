/* The native anchor of the bench (bench/native.ts): reads an amt trace (v1 or v2,
 * every checksum checked, v2 decoded the same way as src/trace/amt-codec.ts and
 * assembly/tracedec.ts) and replays it through the simulator's page-state model for
 * policy `none` under the lightweight mechanism (assembly/engine.ts runHome and
 * runRemote): before the migration record every record marks its page present (and
 * dirty when written) and adds its gap's CPU time; at the migration the `eager` most
 * recently used distinct pages go along and every other touched page stays at home;
 * after it a page at home is a remote fault (trap plus a fixed service time, then
 * present), a page never touched is a local zero-fill. Faults and zero-fills equal the
 * simulator's for policy none; the fault service time is the simulator's average (the
 * bench passes it), since the network model is not the point here: the per-record
 * work is.
 *
 *   replay FILE [--migrate-at-record N] [--eager K] [--cpu-ns X] [--trap-ns X]
 *               [--zero-fill-ns X] [--fault-ns X] [--fingerprint]
 *
 * Prints one JSON line: records, accesses, remoteFaults, zeroFills, runtimeNs, and the
 * process CPU time in ms (user + system, as the bench measures the simulator). */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#if defined(__SSSE3__)
#include <tmmintrin.h>
#endif
#if defined(__SSE4_1__)
#include <smmintrin.h>
#endif

#define ST_MASK 3
#define ST_NONE 0
#define ST_HOME 1
#define ST_LOCAL 3
#define F_DIRTY 4
#define REC_WRITE 1

static const uint32_t P1 = 0x9e3779b1u, P2 = 0x85ebca77u, P3 = 0xc2b2ae3du;
static const uint32_t SEEDS[4] = {0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u};

static const char *file;

static void fail(const char *what, long long at) {
  fprintf(stderr, "replay: %s: %s at byte %lld\n", file, what, at);
  exit(1);
}

static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static uint32_t rotl(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

static void read_at(FILE *f, void *into, size_t n, long long at, const char *what) {
  if (fseeko(f, at, SEEK_SET) != 0 || fread(into, 1, n, f) != n) fail(what, at);
}

/* ---- checksums ---------------------------------------------------------------- */
static uint32_t crc_table[256];
static void crc_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc_table[i] = c;
  }
}
static uint32_t crc32_of(const uint8_t *p, size_t n) {
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; i++) c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

static uint32_t finish_hash(uint32_t v0, uint32_t v1, uint32_t v2, uint32_t v3, uint32_t records, uint32_t bytes) {
  uint32_t h = rotl(v0, 1) + rotl(v1, 7) + rotl(v2, 12) + rotl(v3, 18);
  h = (h ^ records) * P2;
  h = (h ^ bytes) * P1;
  h ^= h >> 15; h *= P2; h ^= h >> 13; h *= P3; h ^= h >> 16;
  return h;
}

/* amt v2's block checksum: 16 lanes, stripe s of 16 bytes into lane group s mod 4 */
static uint32_t hash_block(const uint8_t *p, uint32_t bytes, uint32_t records) {
  uint32_t a[4][4];
  for (int k = 0; k < 4; k++) for (int i = 0; i < 4; i++) a[k][i] = SEEDS[i] + (uint32_t)k * P1;
#if defined(__SSE4_1__)
  __m128i acc[4];
  for (int k = 0; k < 4; k++) acc[k] = _mm_loadu_si128((const __m128i *)a[k]);
  const __m128i p1 = _mm_set1_epi32((int)P1), p2 = _mm_set1_epi32((int)P2);
  for (uint32_t s = 0; 16 * s < bytes; s++) {
    __m128i v = _mm_add_epi32(acc[s & 3], _mm_mullo_epi32(_mm_loadu_si128((const __m128i *)(p + 16 * s)), p2));
    v = _mm_or_si128(_mm_slli_epi32(v, 13), _mm_srli_epi32(v, 19));
    acc[s & 3] = _mm_mullo_epi32(v, p1);
  }
  for (int k = 0; k < 4; k++) _mm_storeu_si128((__m128i *)a[k], acc[k]);
#else
  for (uint32_t s = 0; 16 * s < bytes; s++) {
    uint32_t *v = a[s & 3];
    for (int i = 0; i < 4; i++) v[i] = rotl(v[i] + rd32(p + 16 * s + 4 * i) * P2, 13) * P1;
  }
#endif
  uint32_t l[4];
  for (int i = 0; i < 4; i++) l[i] = a[0][i] ^ rotl(a[1][i], 8) ^ rotl(a[2][i], 16) ^ rotl(a[3][i], 24);
  return finish_hash(l[0], l[1], l[2], l[3], records, bytes);
}

/* ---- amt v2 block decoding ------------------------------------------------------ */
static uint8_t shuf[256][16], lens[256];
static void tables_init(void) {
  for (int ctl = 0; ctl < 256; ctl++) {
    int off = 0;
    for (int lane = 0; lane < 4; lane++) {
      int c = (ctl >> (2 * lane)) & 3, n = c == 3 ? 4 : c;
      for (int b = 0; b < 4; b++) shuf[ctl][4 * lane + b] = b < n ? (uint8_t)(off + b) : 0x80;
      off += n;
    }
    lens[ctl] = (uint8_t)off;
  }
}

/* four values of a group from the bytes at p, by control byte ctl */
static inline void group_values(const uint8_t *p, int ctl, uint32_t out[4]) {
#if defined(__SSSE3__)
  __m128i v = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)p), _mm_loadu_si128((const __m128i *)shuf[ctl]));
  _mm_storeu_si128((__m128i *)out, v);
#else
  for (int lane = 0; lane < 4; lane++) {
    uint32_t v = 0;
    for (int b = 0; b < 4; b++) {
      uint8_t s = shuf[ctl][4 * lane + b];
      if (s < 16) v |= (uint32_t)p[s] << (8 * b);
    }
    out[lane] = v;
  }
#endif
}

#if defined(__SSSE3__)
/* per stride k (1..4): lane shift by k, by 2k (k = 1 only), and the previous group's
 * lanes each lane continues, as byte shuffles (0x80: zero) */
static uint8_t stride_masks[5][3][16];
static void stride_init(void) {
  for (int k = 1; k <= 4; k++) {
    for (int lane = 0; lane < 4; lane++) {
      for (int b = 0; b < 4; b++) {
        int a = lane - k, c2 = lane - 2 * k;
        stride_masks[k][0][4 * lane + b] = a >= 0 ? (uint8_t)(4 * a + b) : 0x80;
        stride_masks[k][1][4 * lane + b] = k == 1 && c2 >= 0 ? (uint8_t)(4 * c2 + b) : 0x80;
        /* a lane continues the lane k before it; the first lane of that chain in this
         * group (root < k) continues the previous group's lane 4 + root - k */
        int root = lane;
        while (root - k >= 0) root -= k;
        stride_masks[k][2][4 * lane + b] = (uint8_t)(4 * (4 + root - k) + b);
      }
    }
  }
}
#endif

/* Decodes a payload of `bytes` (input has 16 readable bytes past it) into c records;
 * returns 0, or -1 when the stride or the control bytes do not add up. */
static int decode_block(const uint8_t *in, uint32_t bytes, uint32_t c, uint32_t *pages, uint32_t *gaps, uint8_t *flags) {
  uint32_t g = (c + 3) / 4, P = 0, Q = 0, k = in[0];
  if (1 + 3 * g > bytes || k < 1 || k > 4) return -1;
  const uint8_t *fl = in + 1, *pctl = fl + g, *gctl = pctl + g;
  for (uint32_t j = 0; j < g; j++) { P += lens[pctl[j]]; Q += lens[gctl[j]]; }
  if (((1 + 3 * g + P + Q + 15) & ~15u) != bytes) return -1;
  const uint8_t *pp = gctl + g, *gp = pp + P;
#if defined(__SSSE3__)
  const __m128i one = _mm_set1_epi32(1);
  const __m128i sa = _mm_loadu_si128((const __m128i *)stride_masks[k][0]);
  const __m128i sb = _mm_loadu_si128((const __m128i *)stride_masks[k][1]);
  const __m128i sc = _mm_loadu_si128((const __m128i *)stride_masks[k][2]);
  __m128i prev = _mm_setzero_si128();
  uint32_t full = c / 4;
  for (uint32_t j = 0; j < g; j++) {
    int pc = pctl[j], gc = gctl[j];
    __m128i z = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)pp), _mm_loadu_si128((const __m128i *)shuf[pc]));
    pp += lens[pc];
    __m128i v = _mm_xor_si128(_mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)gp), _mm_loadu_si128((const __m128i *)shuf[gc])), one);
    gp += lens[gc];
    __m128i d = _mm_xor_si128(_mm_srli_epi32(z, 1), _mm_sub_epi32(_mm_setzero_si128(), _mm_and_si128(z, one)));
    d = _mm_add_epi32(d, _mm_shuffle_epi8(d, sa));
    d = _mm_add_epi32(d, _mm_shuffle_epi8(d, sb));
    __m128i p = _mm_add_epi32(d, _mm_shuffle_epi8(prev, sc));
    prev = p;
    uint32_t b = fl[j], f4 = (b | (b << 6) | (b << 12) | (b << 18)) & 0x03030303u;
    if (j < full) {
      _mm_storeu_si128((__m128i *)(pages + 4 * j), p);
      _mm_storeu_si128((__m128i *)(gaps + 4 * j), v);
      memcpy(flags + 4 * j, &f4, 4);
    } else {
      uint32_t tp[4], tg[4], n = c - 4 * j;
      _mm_storeu_si128((__m128i *)tp, p);
      _mm_storeu_si128((__m128i *)tg, v);
      memcpy(pages + 4 * j, tp, 4 * n);
      memcpy(gaps + 4 * j, tg, 4 * n);
      memcpy(flags + 4 * j, &f4, n);
    }
  }
#else
  uint32_t z[4], v[4], prev[4] = {0, 0, 0, 0};
  for (uint32_t j = 0; j < g; j++) {
    int pc = pctl[j], gc = gctl[j];
    group_values(pp, pc, z);
    pp += lens[pc];
    group_values(gp, gc, v);
    gp += lens[gc];
    uint32_t n = c - 4 * j < 4 ? c - 4 * j : 4, p[4];
    /* p[i] = d[i] + the page k records earlier (from this group or the previous one) */
    for (uint32_t i = 0; i < 4; i++) {
      uint32_t d = (z[i] >> 1) ^ (0u - (z[i] & 1));
      p[i] = d + (i >= k ? p[i - k] : prev[4 + i - k]);
    }
    memcpy(prev, p, sizeof p);
    for (uint32_t i = 0; i < n; i++) {
      uint32_t r = 4 * j + i;
      pages[r] = p[i];
      gaps[r] = v[i] ^ 1;
      flags[r] = (uint8_t)((fl[j] >> (2 * i)) & 3);
    }
  }
#endif
  return 0;
}

/* ---- the model -------------------------------------------------------------------- */
static double cpu_ns = 1, trap_ns = 0, zero_fill_ns = 0, fault_ns = 0;
static uint64_t migrate_at = 0, eager = 3;
static uint8_t *states;
static uint64_t pages_n;
static double now = 0, accesses = 0;
static uint64_t remote_faults = 0, zero_fills = 0, done = 0;
/* FNV-1a over every record's page, gap and flags (with --fingerprint): lets the tests
 * check this decoder against the simulator's */
static int fingerprinting = 0;
static uint32_t fingerprint = 0x811c9dc5u;
static int remote = 0;
/* the previous block's records, for the most recently used pages at migration */
static uint32_t *prev_pages, prev_len = 0;

static inline double work(uint32_t gap) { return floor((double)gap * cpu_ns + 0.5); }

static void migrate(const uint32_t *pages, uint32_t upto) {
  uint32_t keep[64], k = 0;
  for (int64_t i = (int64_t)upto - 1; i >= -(int64_t)prev_len && k < eager; i--) {
    uint32_t p = i >= 0 ? pages[i] : prev_pages[prev_len + i];
    uint32_t j = 0;
    while (j < k && keep[j] != p) j++;
    if (j == k) keep[k++] = p;
  }
  for (uint64_t p = 0; p < pages_n; p++) if ((states[p] & ST_MASK) != ST_NONE) states[p] = ST_HOME;
  for (uint32_t j = 0; j < k; j++) states[keep[j]] = ST_LOCAL;
  remote = 1;
}

static void replay(const uint32_t *pages, const uint32_t *gaps, const uint8_t *flags, uint32_t c) {
  uint32_t i = 0;
  if (fingerprinting) {
    for (uint32_t r = 0; r < c; r++) {
      fingerprint = (fingerprint ^ pages[r]) * 0x01000193u;
      fingerprint = (fingerprint ^ gaps[r]) * 0x01000193u;
      fingerprint = (fingerprint ^ flags[r]) * 0x01000193u;
    }
  }
  if (!remote) {
    uint32_t end = migrate_at - done < c ? (uint32_t)(migrate_at - done) : c;
    for (; i < end; i++) {
      uint32_t p = pages[i];
      now += work(gaps[i]);
      accesses += gaps[i];
      uint8_t st = states[p] | ST_LOCAL;
      if (flags[i] & REC_WRITE) st |= F_DIRTY;
      states[p] = st;
    }
    if (done + i == migrate_at) migrate(pages, i);
  }
  for (; i < c; i++) {
    uint32_t p = pages[i];
    now += work(gaps[i]);
    accesses += gaps[i];
    uint8_t st = states[p];
    uint8_t s = st & ST_MASK;
    if (s == ST_HOME) {
      now += trap_ns + fault_ns;
      remote_faults++;
      st = (st & ~ST_MASK) | ST_LOCAL;
    } else if (s == ST_NONE) {
      now += zero_fill_ns;
      zero_fills++;
      st = ST_LOCAL;
    }
    if (flags[i] & REC_WRITE) st |= F_DIRTY;
    states[p] = st;
  }
  done += c;
}

static double cpu_ms(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: replay FILE [--migrate-at-record N] [--eager K] [--cpu-ns X] [--trap-ns X] [--zero-fill-ns X] [--fault-ns X]\n");
    return 2;
  }
  file = argv[1];
  int migrate_given = 0;
  for (int i = 2; i < argc; i += 2) {
    const char *o = argv[i];
    if (!strcmp(o, "--fingerprint")) { fingerprinting = 1; i--; continue; }
    if (i + 1 >= argc) { fprintf(stderr, "replay: %s needs a value\n", o); return 2; }
    double v = atof(argv[i + 1]);
    if (!strcmp(o, "--migrate-at-record")) { migrate_at = (uint64_t)v; migrate_given = 1; }
    else if (!strcmp(o, "--eager")) eager = (uint64_t)v > 64 ? 64 : (uint64_t)v;
    else if (!strcmp(o, "--cpu-ns")) cpu_ns = v;
    else if (!strcmp(o, "--trap-ns")) trap_ns = v;
    else if (!strcmp(o, "--zero-fill-ns")) zero_fill_ns = v;
    else if (!strcmp(o, "--fault-ns")) fault_ns = v;
    else { fprintf(stderr, "replay: unknown option %s\n", o); return 2; }
  }
  crc_init();
  tables_init();
#if defined(__SSSE3__)
  stride_init();
#endif
  FILE *f = fopen(file, "rb");
  if (!f) { fprintf(stderr, "replay: %s: %s\n", file, strerror(errno)); return 1; }
  uint8_t fixed[72];
  read_at(f, fixed, 72, 0, "the header");
  if (memcmp(fixed, "AMPOMTRC", 8)) fail("not an amt trace", 0);
  uint32_t version = rd32(fixed + 8), B = rd32(fixed + 20), H = rd32(fixed + 52);
  uint64_t records = rd64(fixed + 24);
  pages_n = rd32(fixed + 48);
  if ((version != 1 && version != 2) || B == 0) fail("unknown amt version or block size", 8);
  if (!migrate_given) migrate_at = records / 2;
  uint32_t max_payload = version == 1 ? 9 * B : rd32(fixed + 56);
  uint8_t *in = malloc((size_t)max_payload + 64);
  uint32_t *pages = malloc(4 * (size_t)B), *gaps = malloc(4 * (size_t)B);
  uint8_t *flags = malloc(B);
  prev_pages = malloc(4 * (size_t)B);
  states = calloc(pages_n ? pages_n : 1, 1);
  if (!in || !pages || !gaps || !flags || !prev_pages || !states) fail("out of memory", 0);
  uint64_t blocks = (records + B - 1) / B;
  long long at = H;
  uint8_t head[12];
  if (version == 2 && blocks) read_at(f, head, 12, at, "a block head");
  for (uint64_t k = 0; k < blocks; k++) {
    uint32_t c = k == blocks - 1 ? (uint32_t)(records - k * B) : B;
    if (version == 1) {
      read_at(f, in, 8 + 9 * (size_t)c, at, "a block");
      if (rd32(in) != c || crc32_of(in + 8, 9 * (size_t)c) != rd32(in + 4)) fail("checksum mismatch", at);
      memcpy(pages, in + 8, 4 * (size_t)c);
      memcpy(gaps, in + 8 + 4 * (size_t)c, 4 * (size_t)c);
      memcpy(flags, in + 8 + 8 * (size_t)c, c);
      at += 8 + 9 * (long long)c;
    } else {
      uint32_t L = rd32(head + 4), sum = rd32(head + 8);
      if (rd32(head) != c || L % 16 || L > max_payload) fail("bad block head", at);
      /* the payload, then the next head (the trailer's first bytes after the last) */
      read_at(f, in, (size_t)L + 12, at + 12, "a block");
      if (hash_block(in, L, c) != sum) fail("checksum mismatch", at);
      memcpy(head, in + L, 12);
      if (decode_block(in, L, c, pages, gaps, flags)) fail("block does not decode", at);
      at += 12 + (long long)L;
    }
    for (uint32_t i = 0; i < c; i++) if (pages[i] >= pages_n) fail("page outside the address space", at);
    replay(pages, gaps, flags, c);
    uint32_t *t = prev_pages; prev_pages = pages; pages = t; prev_len = c;
  }
  if (!remote && migrate_at == done) migrate(prev_pages, 0);
  printf("{\"records\":%llu,\"accesses\":%.0f,\"remoteFaults\":%llu,\"zeroFills\":%llu,\"runtimeNs\":%.0f,\"cpuMs\":%.3f,\"fingerprint\":%u}\n",
         (unsigned long long)done, accesses, (unsigned long long)remote_faults, (unsigned long long)zero_fills, now, cpu_ms(), fingerprint);
  return 0;
}
