// HPCC STREAM: Copy (c = a), Scale (b = s c), Add (c = a + b) and Triad (a = b + s c)
// over three arrays of doubles, each operation timed, the four repeated `iterations`
// times (default 4; HPCC's NTIMES is 10).
// Data: three arrays of floor(memory / 24) doubles. Initialisation writes all three
// (a[j] = 1, b[j] = 2, c[j] = 0 in one loop); the operations then sweep only the first
// `workingSet` share of each array's pages. A tile is one page index j of the loop:
// code page, then page j of each array the operation touches, in source order.
import type { Workload, WorkloadOptions } from "../types.js";
import { CODE, FN, READ, WRITE, call, kernelWorkload, perPage, processSpace, share, startup, type KernelStream } from "./common.js";

export function streamWorkload(o: WorkloadOptions): Workload {
  const elems = Math.max(1, Math.floor(o.memoryBytes / 24));
  const wpp = perPage(o.pageSize, 8);
  const pages = Math.ceil(elems / wpp);
  const sp = processSpace(o.pageSize, ["a", "b", "c"].map((name) => ({ name, pages })));
  const [a, b, c] = sp.arrays.map((r) => r.start);
  const active = share(pages, o.workingSet);
  const iterations = o.iterations ?? 4;
  const text = sp.text.start;
  // operation: code page, then (array base, flags) in the order the loop touches them
  const ops: Array<[number, Array<[number, number]>]> = [
    [FN.kernel, [[a, READ], [c, WRITE]]],
    [FN.kernel2, [[c, READ], [b, WRITE]]],
    [FN.kernel3, [[a, READ], [b, READ], [c, WRITE]]],
    [FN.kernel4, [[b, READ], [c, READ], [a, WRITE]]],
  ];
  function* body(k: KernelStream) {
    startup(k, sp);
    call(k, sp, FN.init);
    if (k.countOnly) {
      // closed form: every tile starts on a code page, after a data or stack page
      k.skip(4 * pages + iterations * ops.reduce((t, [, arrays]) => t + 2 + active * (arrays.length + 1), 0), -1);
      call(k, sp, FN.timer);
      return;
    }
    for (let j = 0; j < pages; j++) {
      // a, b, c written: 3 stores and one instruction per element
      k.emit(text + FN.init, wpp, CODE);
      k.emit(a + j, wpp, WRITE);
      k.emit(b + j, wpp, WRITE);
      k.emit(c + j, wpp, WRITE);
      if (k.full) yield;
    }
    for (let it = 0; it < iterations; it++) {
      for (const [fn, arrays] of ops) {
        call(k, sp, FN.timer);
        const code = text + fn;
        // (arrays + 1) accesses per element over (arrays + 1) records: wpp each
        if (arrays.length === 2) {
          const [[p0, f0], [p1, f1]] = arrays;
          for (let j = 0; j < active; j++) {
            k.emit(code, wpp, CODE);
            k.emit(p0 + j, wpp, f0);
            k.emit(p1 + j, wpp, f1);
            if (k.full) yield;
          }
        } else {
          const [[p0, f0], [p1, f1], [p2, f2]] = arrays;
          for (let j = 0; j < active; j++) {
            k.emit(code, wpp, CODE);
            k.emit(p0 + j, wpp, f0);
            k.emit(p1 + j, wpp, f1);
            k.emit(p2 + j, wpp, f2);
            if (k.full) yield;
          }
        }
      }
    }
    call(k, sp, FN.timer);
  }
  return kernelWorkload("stream", o, sp, body);
}
