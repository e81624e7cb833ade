// amt v2 blocks decoded inside the core: the host reads a block's encoded bytes into
// the trace input area (arena slot L_TRACE_IN) and calls decodeBlock, which checks the
// block's checksum and writes its records straight into the chunk, four at a time with
// SIMD. The format and the checksum are described in src/trace/amt-codec.ts (the
// TypeScript twin, which the reference core uses); both must decode every block alike.
import { chunkPages, chunkGaps, chunkFlags, chunkCapacity, traceIn, traceInBytes } from "./arena";

export const DECODE_OK: i32 = 0;
export const DECODE_CHECKSUM: i32 = 1; // the payload does not match the block's checksum
export const DECODE_MALFORMED: i32 = 2; // lengths that do not add up, or too large for the area

const P1: u32 = 0x9e3779b1;
const P2: u32 = 0x85ebca77;
const P3: u32 = 0xc2b2ae3d;

// For each control byte (four 2-bit codes: 0, 1, 2, 4 bytes): the swizzle that spreads
// its values' bytes into four u32 lanes (index 0xff gives a zero byte), and the bytes
// the four values take.
const SHUF: usize = memory.data(256 * 16, 16);
const LENS: usize = memory.data(256, 16);
// the last, partial group of a block is decoded here, then copied
const TAIL: usize = memory.data(16, 16);

function buildTables(): void {
  for (let ctl = 0; ctl < 256; ctl++) {
    let off = 0;
    for (let lane = 0; lane < 4; lane++) {
      const c = (ctl >> (2 * lane)) & 3;
      const n = c == 3 ? 4 : c;
      for (let b = 0; b < 4; b++) {
        store<u8>(SHUF + <usize>(ctl * 16 + lane * 4 + b), b < n ? <u8>(off + b) : <u8>0xff);
      }
      off += n;
    }
    store<u8>(LENS + <usize>ctl, <u8>off);
  }
}
buildTables();

// @ts-ignore: decorator
@inline function round(acc: v128, at: usize): v128 {
  let v = i32x4.add(acc, i32x4.mul(v128.load(at), i32x4.splat(<i32>P2)));
  v = v128.or(i32x4.shl(v, 13), i32x4.shr_u(v, 19));
  return i32x4.mul(v, i32x4.splat(<i32>P1));
}

// @ts-ignore: decorator
@inline function rotLanes(x: v128, r: i32): v128 {
  return v128.or(i32x4.shl(x, r), i32x4.shr_u(x, 32 - r));
}

// @ts-ignore: decorator
@inline function fold(a: v128, b: v128, c: v128, d: v128): v128 {
  return v128.xor(v128.xor(a, rotLanes(b, 8)), v128.xor(rotLanes(c, 16), rotLanes(d, 24)));
}

/** The block checksum of `bytes` (a multiple of 16) at `at`: sixteen lanes, stripe s of
 * 16 bytes feeding lane group s mod 4, so four independent multiply chains. */
export function hashBlock(at: usize, bytes: i32, records: u32): u32 {
  let a0 = i32x4(0x243f6a88, <i32>0x85a308d3, 0x13198a2e, 0x03707344);
  let a1 = i32x4.add(a0, i32x4.splat(<i32>P1));
  let a2 = i32x4.add(a1, i32x4.splat(<i32>P1));
  let a3 = i32x4.add(a2, i32x4.splat(<i32>P1));
  const end = at + <usize>bytes;
  let p = at;
  for (; p + 64 <= end; p += 64) {
    a0 = round(a0, p);
    a1 = round(a1, p + 16);
    a2 = round(a2, p + 32);
    a3 = round(a3, p + 48);
  }
  if (p < end) a0 = round(a0, p);
  if (p + 16 < end) a1 = round(a1, p + 16);
  if (p + 32 < end) a2 = round(a2, p + 32);
  const v = fold(a0, a1, a2, a3);
  return finish(
    <u32>i32x4.extract_lane(v, 0), <u32>i32x4.extract_lane(v, 1), <u32>i32x4.extract_lane(v, 2), <u32>i32x4.extract_lane(v, 3),
    records, <u32>bytes,
  );
}

function finish(v0: u32, v1: u32, v2: u32, v3: u32, records: u32, bytes: u32): u32 {
  let h = rotl<u32>(v0, 1) + rotl<u32>(v1, 7) + rotl<u32>(v2, 12) + rotl<u32>(v3, 18);
  h = (h ^ records) * P2;
  h = (h ^ bytes) * P1;
  h ^= h >> 15;
  h *= P2;
  h ^= h >> 13;
  h *= P3;
  h ^= h >> 16;
  return h;
}

/** Four 2-bit flags of a byte as four bytes. */
// @ts-ignore: decorator
@inline function spreadFlags(b: u32): u32 {
  return (b | (b << 6) | (b << 12) | (b << 18)) & 0x03030303;
}

/** Four values of a group: the bytes at `at` spread by control byte `ctl`. */
// @ts-ignore: decorator
@inline function groupValues(at: usize, ctl: u32): v128 {
  return i8x16.swizzle(v128.load(at), v128.load(SHUF + (<usize>ctl << 4)));
}

/** p[i] = d[i] + p[i - k] within a group of four lanes (p before the group: 0). */
// @ts-ignore: decorator
@inline function stridePrefix(d: v128, k: i32): v128 {
  const zero = i32x4.splat(0);
  if (k == 1) {
    const v = i32x4.add(d, i8x16.shuffle(zero, d, 0, 1, 2, 3, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27));
    return i32x4.add(v, i8x16.shuffle(zero, v, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23));
  }
  if (k == 2) return i32x4.add(d, i8x16.shuffle(zero, d, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23));
  if (k == 3) return i32x4.add(d, i8x16.shuffle(zero, d, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19));
  return d;
}

/** The pages of the previous group that each lane continues at stride k. */
// @ts-ignore: decorator
@inline function strideCarry(prev: v128, k: i32): v128 {
  if (k == 1) return i32x4.shuffle(prev, prev, 3, 3, 3, 3);
  if (k == 2) return i32x4.shuffle(prev, prev, 2, 3, 2, 3);
  if (k == 3) return i32x4.shuffle(prev, prev, 1, 2, 3, 1);
  return prev;
}

/** The groups of a block at page stride k (a constant once inlined): values from the
 * page and gap value bytes at pp and gp, flags, into chunk [0, count). */
// @ts-ignore: decorator
@inline function decodeGroups(k: i32, count: i32, pp: usize, gp: usize, flagsAt: usize, pageCtl: usize, gapCtl: usize): void {
  const one = i32x4.splat(1);
  // the previous group's pages (zero before the block)
  let prev = i32x4.splat(0);
  const full = count >> 2;
  for (let j = 0; j < full; j++) {
    const pc = <u32>load<u8>(pageCtl + <usize>j);
    const gc = <u32>load<u8>(gapCtl + <usize>j);
    const z = groupValues(pp, pc);
    pp += <usize>load<u8>(LENS + <usize>pc);
    const gaps = v128.xor(groupValues(gp, gc), one);
    gp += <usize>load<u8>(LENS + <usize>gc);
    // zigzag: d = (z >> 1) ^ -(z & 1); then p[i] = d[i] + p[i - k], four lanes at once
    const d = v128.xor(i32x4.shr_u(z, 1), i32x4.neg(v128.and(z, one)));
    prev = i32x4.add(stridePrefix(d, k), strideCarry(prev, k));
    const o = <usize>j << 4;
    v128.store(chunkPages + o, prev);
    v128.store(chunkGaps + o, gaps);
    store<u32>(chunkFlags + (<usize>j << 2), spreadFlags(<u32>load<u8>(flagsAt + <usize>j)));
  }
  const n = <usize>(count - (full << 2));
  if (n == 0) return;
  // the last group is partial: decoded alike, only its first n records copied
  const j = full;
  const z = groupValues(pp, <u32>load<u8>(pageCtl + <usize>j));
  const d = v128.xor(i32x4.shr_u(z, 1), i32x4.neg(v128.and(z, one)));
  v128.store(TAIL, i32x4.add(stridePrefix(d, k), strideCarry(prev, k)));
  memory.copy(chunkPages + (<usize>j << 4), TAIL, n << 2);
  v128.store(TAIL, v128.xor(groupValues(gp, <u32>load<u8>(gapCtl + <usize>j)), one));
  memory.copy(chunkGaps + (<usize>j << 4), TAIL, n << 2);
  store<u32>(TAIL, spreadFlags(<u32>load<u8>(flagsAt + <usize>j)));
  memory.copy(chunkFlags + (<usize>j << 2), TAIL, n);
}

/** Bytes of the values that `g` control bytes at `at` announce: sixteen control
 * bytes a step, each code mapped to its length (0, 1, 2, 4) by a byte shuffle. */
function valueBytes(at: usize, g: i32): u32 {
  const lengths = i8x16(0, 1, 2, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  const three = i8x16.splat(3);
  let sum = i32x4.splat(0);
  let j = 0;
  for (; j + 16 <= g; j += 16) {
    const c = v128.load(at + <usize>j);
    // the four 2-bit codes of every byte (shifting 16-bit lanes, then masking bytes)
    let n = i8x16.swizzle(lengths, v128.and(c, three));
    n = i8x16.add(n, i8x16.swizzle(lengths, v128.and(i16x8.shr_u(c, 2), three)));
    n = i8x16.add(n, i8x16.swizzle(lengths, v128.and(i16x8.shr_u(c, 4), three)));
    n = i8x16.add(n, i8x16.swizzle(lengths, v128.and(i16x8.shr_u(c, 6), three)));
    sum = i32x4.add(sum, i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(n)));
  }
  let total = <u32>(i32x4.extract_lane(sum, 0) + i32x4.extract_lane(sum, 1) + i32x4.extract_lane(sum, 2) + i32x4.extract_lane(sum, 3));
  for (; j < g; j++) total += load<u8>(LENS + <usize>load<u8>(at + <usize>j));
  return total;
}

/** Decodes the block of `count` records whose `bytes` payload bytes the host read into
 * the trace input area, after checking them against `sum`; records go to chunk
 * [0, count). Returns DECODE_OK, DECODE_CHECKSUM or DECODE_MALFORMED (the chunk then
 * holds nothing usable); more records than the chunk holds are DECODE_MALFORMED. */
export function decodeBlock(count: i32, bytes: i32, sum: u32): i32 {
  const inp = traceIn;
  // the chunk's own capacity: the input area's size does not tell it (padded to 16
  // bytes, the area for 4 records holds a block of 5)
  if (count < 0 || <u32>count > chunkCapacity || bytes < 0 || (bytes & 15) != 0 || <u64>bytes + 32 > traceInBytes) return DECODE_MALFORMED;
  if (hashBlock(inp, bytes, <u32>count) != sum) return DECODE_CHECKSUM;
  const g = (count + 3) >> 2;
  if (1 + 3 * g > bytes) return DECODE_MALFORMED;
  const k = <i32>load<u8>(inp);
  if (k < 1 || k > 4) return DECODE_MALFORMED;
  const flagsAt = inp + 1, pageCtl = flagsAt + <usize>g, gapCtl = pageCtl + <usize>g;
  const P = valueBytes(pageCtl, g), Q = valueBytes(gapCtl, g);
  if (((<u32>(1 + 3 * g) + P + Q + 15) & ~15) != <u32>bytes) return DECODE_MALFORMED;
  const pp = gapCtl + <usize>g;
  // one loop a stride, so that its lane shifts are constant shuffles
  if (k == 1) decodeGroups(1, count, pp, pp + <usize>P, flagsAt, pageCtl, gapCtl);
  else if (k == 2) decodeGroups(2, count, pp, pp + <usize>P, flagsAt, pageCtl, gapCtl);
  else if (k == 3) decodeGroups(3, count, pp, pp + <usize>P, flagsAt, pageCtl, gapCtl);
  else decodeGroups(4, count, pp, pp + <usize>P, flagsAt, pageCtl, gapCtl);
  return DECODE_OK;
}
