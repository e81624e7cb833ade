// Microbenchmarks of the core's hot paths, driven through the SimCore interface with
// crafted chunks so that every record of a sample takes the path under test. Each
// sample replays a whole chunk (thousands of operations) and times only that replay,
// so neither the timer nor the per-sample state reset dominates.
import { Bench } from "tinybench";
import { C_CURSOR, C_PENDING } from "../src/core/abi.js";
import type { CoreKind } from "../src/core/index.js";
import { policies } from "../src/policies/registry.js";
import { benchCore, CORES, loadChunk, permutation, replayAnswering, touchAll, type BenchCore } from "./setup.js";
import type { BenchSizes, MicroRow } from "./types.js";
import { fileURLToPath } from "node:url";
import { openAmt } from "../src/trace/amt.js";
import { DECODE_OK, encodeBlock, hash32, maxPayloadBytes } from "../src/trace/amt-codec.js";

interface MicroCase {
  name: string;
  /** what one operation is */
  op: string;
  policy: string;
  /** prepares a core once */
  prepare(b: BenchCore, s: BenchSizes): void;
  /** restores the state a sample starts from (not timed) */
  rewind(b: BenchCore): void;
  /** the timed replay; returns operations done */
  sample(b: BenchCore): number;
}

/** Pages of one sample's chunk: distinct pages scattered over the address space. */
function scattered(s: BenchSizes): Uint32Array {
  return permutation(s.pages).subarray(0, s.chunk);
}
/** Ascending pages 0, 1, 2, ... */
function ascending(s: BenchSizes): Uint32Array {
  return Uint32Array.from({ length: s.chunk }, (_, i) => i);
}

function rewindChunk(b: BenchCore): void {
  b.v.counters[C_CURSOR] = 0;
  b.v.counters[C_PENDING] = 0;
}

/** Every chunk page is at home again and the process remote. */
function rewindFaults(b: BenchCore): void {
  b.core.migrate(false);
  rewindChunk(b);
}

function replayToEnd(b: BenchCore): void {
  b.core.run(Infinity);
}

function faultCase(name: string, op: string, policy: string, pagesOf: (s: BenchSizes) => Uint32Array, deliver: boolean): MicroCase {
  let ops = 0;
  return {
    name,
    op,
    policy,
    prepare(b, s) {
      touchAll(b, s.pages, s.chunk);
      const list = pagesOf(s);
      loadChunk(b.v, list);
      ops = list.length;
    },
    rewind: rewindFaults,
    sample(b) {
      const stops = replayAnswering(b, 50_000, deliver);
      // a crafted chunk that stops faulting no longer measures what it claims
      if (!deliver && stops < ops) throw new Error(`bench: ${name}: ${stops} stops for ${ops} records`);
      return ops;
    },
  };
}

/** A chunk of scattered pages replayed to its end, a record an operation, on a core
 * `setUp` left as the records are to find it. */
function replayCase(name: string, setUp: (b: BenchCore, s: BenchSizes) => void): MicroCase {
  let ops = 0;
  return {
    name,
    op: "record",
    policy: "none",
    prepare(b, s) {
      setUp(b, s);
      const list = scattered(s);
      loadChunk(b.v, list);
      ops = list.length;
    },
    rewind: rewindChunk,
    sample(b) {
      replayToEnd(b);
      return ops;
    },
  };
}

export function microCases(): MicroCase[] {
  const cases: MicroCase[] = [];
  cases.push(
    replayCase("hit: access to a present page", (b, s) => {
      touchAll(b, s.pages, s.chunk);
      b.core.migrate(true);
    }),
  );
  cases.push(replayCase("home: record before migration", () => {}));
  cases.push(faultCase("fault: remote fault, served (policy none)", "fault", "none", scattered, true));
  let migratePages = 0;
  cases.push({
    name: "migrate: page-table conversion",
    op: "page",
    policy: "none",
    prepare(b, s) {
      // every other page touched at home: a mix of never-touched and dirty pages
      const half = Uint32Array.from({ length: s.pages >> 1 }, (_, i) => 2 * i);
      for (let from = 0; from < half.length; from += s.chunk) {
        loadChunk(b.v, half.subarray(from, from + s.chunk));
        b.core.run(Infinity);
      }
      migratePages = s.pages;
    },
    rewind() {},
    sample(b) {
      // converting an already converted table writes the same states again
      b.core.migrate(false);
      return migratePages;
    },
  });
  // an amt v2 block of the committed lackey trace's first records, checked and decoded
  // into the chunk (decodeBlock); the records are the real trace's, pages folded into
  // the bench's address space
  let block = { records: 0, bytes: 0, sum: 0, payload: new Uint8Array(0) };
  cases.push({
    name: "decode: amt v2 block of the lackey trace",
    op: "record",
    policy: "none",
    prepare(b, s) {
      const w = openAmt(fileURLToPath(new URL("../test/fixtures/sort-lackey.amt", import.meta.url)));
      const pages = new Uint32Array(s.chunk), gaps = new Uint32Array(s.chunk), flags = new Uint8Array(s.chunk);
      const stream = w.open();
      const n = stream.fill(pages, gaps, flags, s.chunk);
      stream.close?.();
      for (let i = 0; i < n; i++) pages[i] %= s.pages;
      const out = new Uint8Array(maxPayloadBytes(n));
      const bytes = encodeBlock(pages, gaps, flags, n, out);
      block = { records: n, bytes, sum: hash32(out.subarray(0, bytes), n), payload: out.subarray(0, bytes) };
      b.core.traceInput().set(block.payload);
    },
    rewind() {},
    sample(b) {
      if (b.core.decodeBlock(block.records, block.bytes, block.sum) !== DECODE_OK) throw new Error("bench: decode: the block did not decode");
      return block.records;
    },
  });
  if (policies.ampom) {
    // prefetches refused, so each record faults and the policy runs on every one
    cases.push(faultCase("locality scoring: ampom fault, scattered", "fault", "ampom", scattered, false));
    cases.push(faultCase("prefetch window: ampom fault, sequential", "fault", "ampom", ascending, false));
    cases.push(faultCase("iterative prefetch: ampom, sequential, delivered", "record", "ampom", ascending, true));
  }
  return cases;
}

export async function runMicro(s: BenchSizes, log: (line: string) => void): Promise<MicroRow[]> {
  const bench = new Bench({
    time: s.microTimeMs,
    iterations: s.microIterations,
    warmup: s.microIterations > 1,
    warmupIterations: 2,
    warmupTime: Math.min(100, s.microTimeMs),
  });
  const cases = microCases();
  const opsPer = new Map<string, number>();
  for (const c of cases) {
    for (const kind of CORES) {
      const b = await benchCore(kind as CoreKind, s.pages, s.chunk, c.policy);
      c.prepare(b, s);
      const taskName = `${c.name} [${kind}]`;
      bench.add(taskName, () => {
        c.rewind(b);
        // process CPU time, not the wall clock: other tenants of a shared machine
        // preempt us, and that waiting is not the hot path's cost
        const t0 = process.cpuUsage();
        const ops = c.sample(b);
        const u = process.cpuUsage(t0);
        const dt = (u.user + u.system) / 1000;
        opsPer.set(taskName, ops);
        return { overriddenDuration: dt };
      });
    }
  }
  log(`micro: ${cases.length} cases x ${CORES.length} cores, ${s.pages} pages, ${s.chunk} operations a sample`);
  await bench.run();
  const rows: MicroRow[] = [];
  for (const c of cases) {
    const rate = (kind: string): number => {
      const name = `${c.name} [${kind}]`;
      const task = bench.getTask(name);
      const r = task?.result;
      if (!r || !("latency" in r)) throw new Error(`bench: task ${name} did not complete (${r?.state})`);
      // median sample: robust to the other tenants of a shared machine
      if (!(r.latency.p50 > 0)) throw new Error(`bench: task ${name}: samples too short to time`);
      return ((opsPer.get(name) ?? 0) * 1000) / r.latency.p50;
    };
    const wasm = rate("wasm");
    const reference = rate("reference");
    rows.push({ name: c.name, op: c.op, wasm, reference, ratio: wasm / reference });
  }
  return rows;
}
