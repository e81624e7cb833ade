// The record coding of amt v2 blocks, in TypeScript: the encoder (import, re-encode,
// bench traces), and the reference decoder that the TypeScript core and the plain
// RecordStream path use. assembly/tracedec.ts decodes the same bytes with SIMD inside
// the WebAssembly core, and bench/native/replay.c in C; the three must agree exactly.
//
// A block of c records, g = ceil(c / 4) groups of four, is laid out as
//   [0, g)        flags, 2 bits a record (record 4j + i at bits 2i of byte j)
//   [g, 2g)       page control bytes, one a group: 2 bits a record, the byte length
//                 (code 0, 1, 2, 3 = 0, 1, 2, 4 bytes) of its page value
//   [2g, 3g)      gap control bytes, likewise for the gap values
//   [3g, 3g + P)  page values, little-endian, only their significant bytes
//   [.., .. + Q)  gap values
//   zero padding to L = a multiple of 16 bytes
// Page value: the zigzag-coded difference (mod 2^32) from the page of the block's last
// record with the same flags (0 before the first such record), because a trace
// interleaves code, read and write streams that each move little: 78% of the records of
// the committed lackey trace repeat the page of the previous record of their kind, and
// cost 2 bits. Gap value: the gap XOR 1, so the commonest gap, one access, costs 2 bits.
// Padding lanes of the last group are zero. Every block decodes on its own.
//
// Checksum (hash32): the payload as 16-byte stripes of four little-endian u32 lanes;
// each lane v = rotl(v + w * P2, 13) * P1 (xxHash32's round: four independent lanes,
// which is one SIMD multiply-add a stripe in WebAssembly), then the lanes folded with
// the record count and the payload length and mixed.

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
  return (3 * g + 8 * records + 15) & ~15;
}

/** Bytes of a core's trace input area for a chunk of `records` (assembly/arena.ts
 * traceInputBytes): the largest payload, the next block's head, and 16 bytes that vector
 * loads may read past the last value. */
export function traceInputBytes(records: number): number {
  return maxPayloadBytes(records) + 32;
}

/** Encodes records [0, c) as a block payload. `out` must hold maxPayloadBytes(c)
 * bytes and be zero; returns the payload length L. */
export function encodeBlock(pages: Uint32Array, gaps: Uint32Array, flags: Uint8Array, c: number, out: Uint8Array): number {
  const g = (c + 3) >> 2;
  // values first into scratch columns, to know P before placing the gap values
  if (scratchPages.length < c) {
    scratchPages = new Uint32Array(c);
    scratchGaps = new Uint32Array(c);
  }
  const pv = scratchPages, gv = scratchGaps;
  const last = [0, 0, 0, 0];
  let P = 0;
  for (let i = 0; i < c; i++) {
    const f = flags[i] & 3;
    const d = (pages[i] - last[f]) | 0;
    last[f] = pages[i];
    const z = ((d << 1) ^ (d >> 31)) >>> 0;
    pv[i] = z;
    gv[i] = (gaps[i] ^ 1) >>> 0;
    const pc = code(z), gc = code(gv[i]);
    const j = i >> 2, s = 2 * (i & 3);
    out[j] |= f << s;
    out[g + j] |= pc << s;
    out[2 * g + j] |= gc << s;
    P += LEN[pc];
  }
  let pp = 3 * g, gp = 3 * g + P;
  for (let i = 0; i < c; i++) {
    pp = putValue(out, pp, pv[i]);
    gp = putValue(out, gp, gv[i]);
  }
  return (gp + 15) & ~15;
}

let scratchPages = new Uint32Array(0);
let scratchGaps = new Uint32Array(0);

function putValue(out: Uint8Array, at: number, z: number): number {
  const n = LEN[code(z)];
  for (let k = 0; k < n; k++) out[at + k] = (z >>> (8 * k)) & 0xff;
  return at + n;
}

/** Decodes a block payload into records [0, c) of the arrays. Returns false when the
 * control bytes do not add up to the payload length (a malformed block). */
export function decodeBlock(payload: Uint8Array, c: number, pages: Uint32Array, gaps: Uint32Array, flags: Uint8Array): boolean {
  const g = (c + 3) >> 2;
  const L = payload.length;
  if (3 * g > L) return false;
  let P = 0, Q = 0;
  for (let j = 0; j < g; j++) {
    const pc = payload[g + j], gc = payload[2 * g + j];
    for (let s = 0; s < 8; s += 2) {
      P += LEN[(pc >> s) & 3];
      Q += LEN[(gc >> s) & 3];
    }
  }
  if (((3 * g + P + Q + 15) & ~15) !== L) return false;
  const last = [0, 0, 0, 0];
  let pp = 3 * g, gp = 3 * g + P;
  for (let i = 0; i < c; i++) {
    const j = i >> 2, s = 2 * (i & 3);
    const f = (payload[j] >> s) & 3;
    const pn = LEN[(payload[g + j] >> s) & 3], gn = LEN[(payload[2 * g + j] >> s) & 3];
    let z = 0, v = 0;
    for (let k = 0; k < pn; k++) z |= payload[pp + k] << (8 * k);
    for (let k = 0; k < gn; k++) v |= payload[gp + k] << (8 * k);
    pp += pn;
    gp += gn;
    const d = (z >>> 1) ^ -(z & 1);
    last[f] = (last[f] + d) >>> 0;
    pages[i] = last[f];
    gaps[i] = (v ^ 1) >>> 0;
    flags[i] = f;
  }
  return true;
}
