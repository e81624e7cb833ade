// Two simple synthetic workloads: ascending sweeps over one array, and uniform
// random touches of it. They exercise the engine with the plainest patterns; they
// stream through the HPCC kernels' KernelStream, which also counts their records.
// The working set w: the first sweep or pass covers the whole array (every page then
// exists at home, as the kernels' set-up makes it), the later ones its first w.
import { layoutRegions, type Workload, type WorkloadOptions } from "./types.js";
import { Random } from "../util/random.js";
import { REC_CODE, REC_WRITE } from "../core/abi.js";
import { kernelWorkload, share, type KernelBody } from "./hpcc/common.js";

function singleArraySpace(o: WorkloadOptions) {
  const dataPages = Math.max(1, Math.ceil(o.memoryBytes / o.pageSize));
  return layoutRegions([
    { name: "text", kind: "code", pages: 4 },
    { name: "array", kind: "heap", pages: dataPages },
    { name: "stack", kind: "stack", pages: 4 },
  ]);
}

// counted when first read, as a kernel's: a run too large for a core is refused
// without first generating every record
function syntheticWorkload(name: string, o: WorkloadOptions, body: KernelBody): Workload {
  return kernelWorkload(name, o, singleArraySpace(o), body);
}

/** `sequential`: `iterations` ascending sweeps over the array, writing every page (the
 * sweeps after the first: the first w of it). */
export function sequentialWorkload(o: WorkloadOptions): Workload {
  const { regions } = singleArraySpace(o);
  const [text, array, stack] = regions;
  const sweeps = o.iterations ?? 2;
  return syntheticWorkload("sequential", o, function* (k) {
    k.emit(text.start, 1, REC_CODE);
    k.emit(stack.start, 1, REC_WRITE);
    const active = share(array.pages, o.workingSet);
    for (let s = 0; s < sweeps; s++) yield* k.run(array.start, s === 0 ? array.pages : active, o.pageSize / 8, REC_WRITE);
  });
}

/** `random`: uniform random pages of the array, reads and writes, `64` accesses apart
 * (after the first pass of as many touches as pages: of its first w). */
export function randomWorkload(o: WorkloadOptions): Workload {
  const { regions } = singleArraySpace(o);
  const array = regions[1];
  const touches = (o.iterations ?? 2) * array.pages;
  const active = share(array.pages, o.workingSet);
  return syntheticWorkload("random", o, function* (k) {
    const rng = new Random(o.seed);
    let last = -1;
    for (let i = 0; i < touches; i++) {
      const span = i < array.pages ? array.pages : active;
      let page = array.start + rng.below(span);
      // a record means the page changed: step to a neighbour on a repeat
      if (page === last) page = page + 1 < array.start + span ? page + 1 : array.start;
      last = page;
      k.emit(page, 64, rng.u32() & 1 ? REC_WRITE : 0);
      if (k.full) yield;
    }
  });
}
