// The record coding of amt v2 blocks, in TypeScript: the encoder (import, re-encode,
// bench traces), and the reference decoder that the TypeScript core and the plain
// RecordStream path use. assembly/tracedec.ts decodes the same bytes with SIMD inside
// the WebAssembly core, and bench/native/replay.c in C; the three must agree exactly.
//
// A block of c records, g = ceil(c / 4) groups of four, is laid out as
//   [0]           the page stride k of the block, 1 to 4
//   [1, 1 + g)    flags, 2 bits a record (record 4j + i at bits 2i of byte 1 + j)
//   then g        page control bytes, one a group: 2 bits a record, the byte length
//                 (code 0, 1, 2, 3 = 0, 1, 2, 4 bytes) of its page value
//   then g        gap control bytes, likewise for the gap values
//   then P        page values, little-endian, only their significant bytes
//   then Q        gap values
//   zero padding to L = a multiple of 16 bytes
// Page value: the zigzag-coded difference (mod 2^32) from the page k records earlier
// in the block (0 before the block's first k records). A trace interleaves a few
// streams (code fetches and data accesses in a lackey capture: k = 2; the three arrays
// of a STREAM triad: k = 3), each of which moves little; the encoder takes the k of
// 1..4 that makes the block smallest. Pages k apart also decode with no per-record
// dependency: four at a time, a lane shift and an add (see tracedec.ts).
// Gap value: the gap XOR 1, so the commonest gap, one access, costs 2 bits.
// Padding lanes of the last group are zero. Every block decodes on its own.
//
// Checksum (hash32): the payload as 16-byte stripes of four little-endian u32 lanes in
// four lane groups (stripe s feeds group s mod 4); each lane v = rotl(v + w * P2, 13) *
// P1 (xxHash32's round: one SIMD multiply-add-rotate a stripe in WebAssembly, four
// independent chains), then the groups and lanes folded with the record count and the
// payload length and mixed.

export const P1 = 0x9e3779b1;
export const P2 = 0x85ebca77;
const P3 = 0xc2b2ae3d;
/** Initial lanes: the first fraction digits of pi, any constants would do. */
export const HASH_SEEDS = [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344] as const;
/** Bytes of a block's head in the file: records, payload bytes, checksum. */
export const BLOCK_HEAD_V2 = 12;
/** The largest records per block a v2 file may have (the core's chunk holds a block). */
export const MAX_BLOCK_RECORDS_V2 = 1 << 16;

const LEN = [0, 1, 2, 4];

// decodeBlock's answers (the same numbers as assembly/tracedec.ts)
export const DECODE_OK = 0;
export const DECODE_CHECKSUM = 1;
export const DECODE_MALFORMED = 2;

function rotl(x: number, r: number): number {
  return ((x << r) | (x >>> (32 - r))) >>> 0;
}

/** The v2 checksum of `payload` (length a multiple of 16) of a block of `records`:
 * sixteen lanes, stripe s of 16 bytes feeding lane group s mod 4 (four independent
 * multiply chains for the SIMD decoder), folded into four lanes. */
export function hash32(payload: Uint8Array, records: number): number {
  const n = payload.length;
  const dv = new DataView(payload.buffer, payload.byteOffset, n);
  const acc = new Uint32Array(16);
  for (let k = 0; k < 4; k++) for (let i = 0; i < 4; i++) acc[4 * k + i] = HASH_SEEDS[i] + Math.imul(k, P1);
  for (let s = 0; 16 * s + 16 <= n; s++) {
    const a = 4 * (s & 3);
    for (let i = 0; i < 4; i++) {
      acc[a + i] = Math.imul(rotl((acc[a + i] + Math.imul(dv.getUint32(16 * s + 4 * i, true), P2)) >>> 0, 13), P1);
    }
  }
  const lane = (i: number) => (acc[i] ^ rotl(acc[4 + i], 8) ^ rotl(acc[8 + i], 16) ^ rotl(acc[12 + i], 24)) >>> 0;
  return finishHash(lane(0), lane(1), lane(2), lane(3), records, n);
}

/** Folds the four lanes with the block's record count and payload bytes. */
export function finishHash(v0: number, v1: number, v2: number, v3: number, records: number, bytes: number): number {
  let h = (rotl(v0 >>> 0, 1) + rotl(v1 >>> 0, 7) + rotl(v2 >>> 0, 12) + rotl(v3 >>> 0, 18)) >>> 0;
  h = Math.imul(h ^ records, P2);
  h = Math.imul(h ^ bytes, P1);
  h ^= h >>> 15;
  h = Math.imul(h, P2);
  h ^= h >>> 13;
  h = Math.imul(h, P3);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The chain of block checksums kept in the trailer (order and count of the blocks). */
export function chainHash(chain: number, sum: number): number {
  return Math.imul(rotl((chain ^ sum) >>> 0, 13), P1) >>> 0;
}

function code(z: number): number {
  return z === 0 ? 0 : z < 0x100 ? 1 : z < 0x10000 ? 2 : 3;
}

/** Worst-case payload bytes of a block of `records` (every value 4 bytes). */
export function maxPayloadBytes(records: number): number {
  const g = Math.ceil(records / 4);
  return (1 + 3 * g + 8 * records + 15) & ~15;
}

/** Bytes of a core's trace input area for a chunk of `records` (assembly/arena.ts
 * traceInputBytes): the largest payload, the next block's head, and 16 bytes that vector
 * loads may read past the last value. */
export function traceInputBytes(records: number): number {
  return maxPayloadBytes(records) + 32;
}

/** Strides the encoder tries. */
export const MAX_STRIDE = 4;

/** Bytes the page values of records [0, c) take at stride k. */
function pageBytes(pages: Uint32Array, c: number, k: number): number {
  let n = 0;
  for (let i = 0; i < c; i++) n += LEN[code(zigzag(pages[i] - (i >= k ? pages[i - k] : 0)))];
  return n;
}

function zigzag(d: number): number {
  d |= 0;
  return ((d << 1) ^ (d >> 31)) >>> 0;
}

/** Encodes records [0, c) as a block payload. `out` must hold maxPayloadBytes(c)
 * bytes and be zero; returns the payload length L. */
export function encodeBlock(pages: Uint32Array, gaps: Uint32Array, flags: Uint8Array, c: number, out: Uint8Array): number {
  const g = (c + 3) >> 2;
  let k = 1;
  let best = Infinity;
  for (let s = 1; s <= MAX_STRIDE; s++) {
    const b = pageBytes(pages, c, s);
    if (b < best) [best, k] = [b, s];
  }
  out[0] = k;
  const F = 1, PC = 1 + g, GC = 1 + 2 * g;
  let pp = 1 + 3 * g, gp = pp + best;
  for (let i = 0; i < c; i++) {
    const z = zigzag(pages[i] - (i >= k ? pages[i - k] : 0));
    const v = (gaps[i] ^ 1) >>> 0;
    const j = i >> 2, s = 2 * (i & 3);
    out[F + j] |= (flags[i] & 3) << s;
    out[PC + j] |= code(z) << s;
    out[GC + j] |= code(v) << s;
    pp = putValue(out, pp, z);
    gp = putValue(out, gp, v);
  }
  return (gp + 15) & ~15;
}

function putValue(out: Uint8Array, at: number, z: number): number {
  const n = LEN[code(z)];
  for (let k = 0; k < n; k++) out[at + k] = (z >>> (8 * k)) & 0xff;
  return at + n;
}

/** Decodes a block payload into records [0, c) of the arrays. Returns false when the
 * stride is not 1..4 or the control bytes do not add up to the payload length (a
 * malformed block). */
export function decodeBlock(payload: Uint8Array, c: number, pages: Uint32Array, gaps: Uint32Array, flags: Uint8Array): boolean {
  const g = (c + 3) >> 2;
  const L = payload.length;
  if (1 + 3 * g > L) return false;
  const k = payload[0];
  if (k < 1 || k > MAX_STRIDE) return false;
  const F = 1, PC = 1 + g, GC = 1 + 2 * g;
  let P = 0, Q = 0;
  for (let j = 0; j < g; j++) {
    for (let s = 0; s < 8; s += 2) {
      P += LEN[(payload[PC + j] >> s) & 3];
      Q += LEN[(payload[GC + j] >> s) & 3];
    }
  }
  if (((1 + 3 * g + P + Q + 15) & ~15) !== L) return false;
  let pp = 1 + 3 * g, gp = pp + P;
  for (let i = 0; i < c; i++) {
    const j = i >> 2, s = 2 * (i & 3);
    const pn = LEN[(payload[PC + j] >> s) & 3], gn = LEN[(payload[GC + j] >> s) & 3];
    let z = 0, v = 0;
    for (let b = 0; b < pn; b++) z |= payload[pp + b] << (8 * b);
    for (let b = 0; b < gn; b++) v |= payload[gp + b] << (8 * b);
    pp += pn;
    gp += gn;
    const d = (z >>> 1) ^ -(z & 1);
    pages[i] = ((i >= k ? pages[i - k] : 0) + d) >>> 0;
    gaps[i] = (v ^ 1) >>> 0;
    flags[i] = (payload[F + j] >> s) & 3;
  }
  return true;
}
