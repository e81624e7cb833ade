// Reading a workload ahead: what only the offline oracle may do (docs/model.md, "The
// oracle"). firstUses(from) lists the pages the process touches from record `from` on,
// in the order it first touches them, read from a fresh stream of the workload.
//
// The records come through a core of their own, of the scenario's kind (made when the
// scenario is set up, since making a core may wait): an amt v2 trace is then checked and
// decoded inside it like any replay's records (SharedRecords with one reader), not by
// the TypeScript decoder, which took most of an oracle run's time; the blocks before
// the migration point are passed over unread where the stream can. The orders are kept
// per workload and record, so the oracle rows of one compare or evaluate that migrate
// at the same record read the workload once.
import { C_CURSOR, P_PAGES } from "../core/abi.js";
import { createCore, releaseCore, type CoreKind, type SimCore } from "../core/index.js";
import type { Workload } from "../workloads/types.js";
import { SharedRecords } from "./shared-records.js";

export interface Lookahead {
  /** Every page the process touches from record `from` on, once, in first-use order.
   * Shared between callers: read it, never write it. */
  firstUses(from: number): Uint32Array;
  /** Gives the core back; firstUses() must not be called again. */
  release(): void;
}

/** Records handed out per read (the core's chunk may be larger: a whole amt v2 block). */
const READ_RECORDS = 1 << 16;

const known = new WeakMap<Workload, Map<number, Uint32Array>>();

export async function createLookahead(workload: Workload, kind: CoreKind): Promise<Lookahead> {
  const core = await createCore(kind);
  let released = false;
  return {
    firstUses(from) {
      if (released) throw new Error("internal: a lookahead was used after its release");
      let orders = known.get(workload);
      if (!orders) known.set(workload, (orders = new Map()));
      let order = orders.get(from);
      if (!order) orders.set(from, (order = scan(workload, core, from)));
      return order;
    },
    release() {
      if (released) return;
      released = true;
      releaseCore(core);
    },
  };
}

function scan(w: Workload, core: SimCore, from: number): Uint32Array {
  const source = new SharedRecords(w, READ_RECORDS);
  try {
    const feed = source.join();
    const views = core.init(w.pageCount, feed.capacity);
    views.params[P_PAGES] = w.pageCount;
    feed.bind(core, views);
    const seen = new Uint8Array(w.pageCount);
    const order = new Uint32Array(w.pageCount);
    let n = 0;
    // whole blocks before `from` need not even be decoded (the run's own stream has
    // read and checked them already)
    let record = source.skip(from);
    for (;;) {
      const got = feed.next(READ_RECORDS);
      if (got <= 0) break;
      const at = views.counters[C_CURSOR];
      const pages = views.chunkPages;
      for (let i = at + Math.max(0, Math.min(got, from - record)); i < at + got; i++) {
        const p = pages[i];
        if (!seen[p]) {
          seen[p] = 1;
          order[n++] = p;
        }
      }
      record += got;
    }
    return order.slice(0, n);
  } finally {
    source.close();
  }
}
