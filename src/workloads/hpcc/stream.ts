// HPCC STREAM: Copy (c = a), Scale (b = s c), Add (c = a + b) and Triad (a = b + s c)
// over three arrays of doubles, each operation timed, the four repeated `iterations`
// times (default 4; HPCC's NTIMES is 10).
// Data: three arrays of floor(memory / 24) doubles. Initialisation writes all three
// (a[j] = 1, b[j] = 2, c[j] = 0 in one loop); the operations then sweep only the first
// `workingSet` share of each array's pages. A tile is one page index j of the loop:
// code page, then page j of each array the operation touches, in source order.
import type { Workload, WorkloadOptions } from "../types.js";
import { FN, READ, WRITE, call, kernelWorkload, perPage, processSpace, share, startup, type KernelBody, type KernelStream } from "./common.js";

export function streamWorkload(o: WorkloadOptions): Workload {
  const elems = Math.max(1, Math.floor(o.memoryBytes / 24));
  const wpp = perPage(o.pageSize, 8);
  const pages = Math.ceil(elems / wpp);
  const sp = processSpace(o.pageSize, ["a", "b", "c"].map((name) => ({ name, pages })));
  const [a, b, c] = sp.arrays.map((r) => r.start);
  const active = share(pages, o.workingSet);
  const text = sp.text.start;
  // operation: code page, then (array base, flags) in the order the loop touches them
  const ops: Array<[number, Array<[number, number]>]> = [
    [FN.kernel, [[a, READ], [c, WRITE]]],
    [FN.kernel2, [[c, READ], [b, WRITE]]],
    [FN.kernel3, [[a, READ], [b, READ], [c, WRITE]]],
    [FN.kernel4, [[b, READ], [c, READ], [a, WRITE]]],
  ];
  const makeBody = (iterations: number): KernelBody => function* body(k: KernelStream) {
    startup(k, sp);
    call(k, sp, FN.init);
    // a, b, c written: 3 stores and one instruction per element over 4 records
    yield* k.sweep(text + FN.init, [a, b, c], [WRITE, WRITE, WRITE], 0, pages, wpp);
    for (let it = 0; it < iterations; it++) {
      for (const [fn, arrays] of ops) {
        call(k, sp, FN.timer);
        // (arrays + 1) accesses per element over (arrays + 1) records: wpp each
        yield* k.sweep(text + fn, arrays.map(([base]) => base), arrays.map(([, flags]) => flags), 0, active, wpp);
      }
    }
    call(k, sp, FN.timer);
  };
  return kernelWorkload("stream", o, sp, makeBody, 4);
}
