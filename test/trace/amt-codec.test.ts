// The amt v2 block coding: what the encoder writes, the TypeScript decoder, and both
// cores' decodeBlock (the WebAssembly one with SIMD) give back exactly the records, for
// any records; a changed byte or a wrong length is refused, never decoded.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ReferenceCore } from "../../src/core/reference-core.js";
import { WasmCore } from "../../src/core/wasm-core.js";
import type { SimCore } from "../../src/core/types.js";
import {
  DECODE_CHECKSUM, DECODE_MALFORMED, DECODE_OK, decodeBlock, encodeBlock, hash32, maxPayloadBytes,
} from "../../src/trace/amt-codec.js";

interface Block {
  pages: Uint32Array;
  gaps: Uint32Array;
  flags: Uint8Array;
}

function encode(b: Block): Uint8Array {
  const out = new Uint8Array(maxPayloadBytes(b.pages.length));
  const L = encodeBlock(b.pages, b.gaps, b.flags, b.pages.length, out);
  return out.subarray(0, L);
}

// values of every width: 0, one byte, two, four; pages that repeat, step and jump
const u32 = fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 0xffffffff }));
const record = fc.tuple(u32, u32, fc.integer({ min: 0, max: 3 }));
const block = fc.array(record, { maxLength: 70 }).map((rs) => ({
  pages: Uint32Array.from(rs.map((r) => r[0])),
  gaps: Uint32Array.from(rs.map((r) => r[1])),
  flags: Uint8Array.from(rs.map((r) => r[2])),
}));

async function cores(cap: number): Promise<SimCore[]> {
  const list: SimCore[] = [await WasmCore.create(), new ReferenceCore()];
  for (const c of list) c.init(16, cap);
  return list;
}

function decodeIn(core: SimCore, payload: Uint8Array, records: number, sum: number): { status: number; block: Block } {
  // views of a fresh init: the decoder writes into the chunk
  const v = core.init(16, 80);
  core.traceInput().fill(0xaa);
  core.traceInput().set(payload);
  const status = core.decodeBlock(records, payload.length, sum);
  return { status, block: { pages: v.chunkPages.slice(0, records), gaps: v.chunkGaps.slice(0, records), flags: v.chunkFlags.slice(0, records) } };
}

describe("amt v2 block coding", () => {
  it("round-trips any records through the TypeScript decoder and both cores", async () => {
    const list = await cores(80);
    fc.assert(
      fc.property(block, (b) => {
        const c = b.pages.length;
        const payload = encode(b);
        expect(payload.length % 16).toBe(0);
        const back: Block = { pages: new Uint32Array(c), gaps: new Uint32Array(c), flags: new Uint8Array(c) };
        expect(decodeBlock(payload, c, back.pages, back.gaps, back.flags)).toBe(true);
        expect(back).toEqual(b);
        const sum = hash32(payload, c);
        for (const core of list) {
          const r = decodeIn(core, payload, c, sum);
          expect(r.status).toBe(DECODE_OK);
          expect(r.block).toEqual(b);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("chooses the page stride of interleaved streams (1 to 4) and decodes each alike", async () => {
    const list = await cores(80);
    for (let k = 1; k <= 4; k++) {
      for (const c of [1, 5, 63, 64, 80]) {
        // k streams, each walking up from its own base: pages k apart differ by one
        const b: Block = {
          pages: Uint32Array.from({ length: c }, (_, i) => 1000 * ((i % k) + 1) + Math.floor(i / k)),
          gaps: Uint32Array.from({ length: c }, (_, i) => (i * 7919) % 300),
          flags: Uint8Array.from({ length: c }, (_, i) => i % 4),
        };
        const payload = encode(b);
        if (c >= 2 * k) expect(payload[0], `k=${k} c=${c}`).toBe(k);
        for (const core of list) expect(decodeIn(core, payload, c, hash32(payload, c))).toEqual({ status: DECODE_OK, block: b });
      }
    }
  });

  it("both cores refuse a changed byte, a wrong count and a wrong length", async () => {
    const list = await cores(80);
    fc.assert(
      fc.property(block.filter((b) => b.pages.length > 0), fc.nat(), fc.integer({ min: 1, max: 255 }), (b, at, x) => {
        const c = b.pages.length;
        const payload = encode(b);
        const sum = hash32(payload, c);
        const bad = payload.slice();
        bad[at % bad.length] ^= x;
        for (const core of list) {
          expect(decodeIn(core, bad, c, sum).status).toBe(DECODE_CHECKSUM);
          expect(decodeIn(core, payload, c + 1, sum).status).not.toBe(DECODE_OK);
          expect(decodeIn(core, payload, c, sum ^ 1).status).toBe(DECODE_CHECKSUM);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("both cores refuse lengths that do not add up even under a matching checksum", async () => {
    const list = await cores(80);
    const b: Block = { pages: Uint32Array.of(5, 70000, 5), gaps: Uint32Array.of(1, 2, 300), flags: Uint8Array.of(0, 1, 2) };
    const payload = encode(b);
    const forged = payload.slice();
    forged[2] = 0xff; // the page control byte: four 4-byte values, more than the block holds
    for (const core of list) {
      expect(decodeIn(core, forged, 3, hash32(forged, 3)).status).toBe(DECODE_MALFORMED);
      // a block larger than the chunk, or a length past the input area
      expect(core.decodeBlock(81, 16, 0)).toBe(DECODE_MALFORMED);
      expect(core.decodeBlock(3, core.traceInput().length, 0)).toBe(DECODE_MALFORMED);
      expect(core.decodeBlock(3, 17, 0)).toBe(DECODE_MALFORMED);
      // a whole, well-formed block one record over the chunk (whose input area, padded
      // to 16 bytes, has room for it): decoded, it would overrun the chunk's tables
      const five: Block = { pages: Uint32Array.of(1, 2, 3, 4, 5), gaps: Uint32Array.of(1, 1, 1, 1, 1), flags: new Uint8Array(5) };
      const p5 = encode(five);
      core.init(16, 4);
      expect(p5.length + 32).toBeLessThanOrEqual(core.traceInput().length);
      core.traceInput().set(p5);
      expect(core.decodeBlock(5, p5.length, hash32(p5, 5))).toBe(DECODE_MALFORMED);
      // a stride outside 1..4
      for (const k of [0, 5]) {
        const bad = payload.slice();
        bad[0] = k;
        expect(decodeIn(core, bad, 3, hash32(bad, 3)).status).toBe(DECODE_MALFORMED);
      }
    }
  });
});
