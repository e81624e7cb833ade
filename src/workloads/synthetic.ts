// Two simple synthetic workloads: ascending sweeps over one array, and uniform
// random touches of it. They exercise the engine before the HPCC kernels do.
import { BatchStream } from "./batch-stream.js";
import { layoutRegions, type Workload, type WorkloadOptions } from "./types.js";
import { Random } from "../util/random.js";
import { REC_CODE, REC_WRITE } from "../core/abi.js";

function singleArraySpace(o: WorkloadOptions) {
  const dataPages = Math.max(1, Math.ceil(o.memoryBytes / o.pageSize));
  return layoutRegions([
    { name: "text", kind: "code", pages: 4 },
    { name: "array", kind: "heap", pages: dataPages },
    { name: "stack", kind: "stack", pages: 4 },
  ]);
}

/** `sequential`: `iterations` ascending sweeps over the array, writing every page. */
export function sequentialWorkload(o: WorkloadOptions): Workload {
  const { regions, pageCount } = singleArraySpace(o);
  const array = regions[1];
  const sweeps = o.iterations ?? 2;
  const wordsPerPage = o.pageSize / 8;
  return {
    name: "sequential",
    pageSize: o.pageSize,
    regions,
    pageCount,
    records: 2 + sweeps * array.pages,
    open: () =>
      new (class extends BatchStream {
        private sweep = 0;
        private page = 0;
        private started = false;
        protected produce(): boolean {
          if (!this.started) {
            this.started = true;
            this.emit(regions[0].start, 1, REC_CODE);
            this.emit(regions[2].start, 1, REC_WRITE);
          }
          while (this.sweep < sweeps && this.room() > 0) {
            this.emit(array.start + this.page, wordsPerPage, REC_WRITE);
            if (++this.page === array.pages) {
              this.page = 0;
              this.sweep++;
            }
          }
          return this.sweep < sweeps;
        }
      })(),
  };
}

/** `random`: uniform random pages of the array, reads and writes, `64` accesses apart. */
export function randomWorkload(o: WorkloadOptions): Workload {
  const { regions, pageCount } = singleArraySpace(o);
  const array = regions[1];
  const touches = (o.iterations ?? 2) * array.pages;
  return {
    name: "random",
    pageSize: o.pageSize,
    regions,
    pageCount,
    records: touches,
    open: () =>
      new (class extends BatchStream {
        private readonly rng = new Random(o.seed);
        private done = 0;
        private last = -1;
        protected produce(): boolean {
          while (this.done < touches && this.room() > 0) {
            let page = array.start + this.rng.below(array.pages);
            // a record means the page changed: step to a neighbour on a repeat
            if (page === this.last) page = page + 1 < array.start + array.pages ? page + 1 : array.start;
            this.last = page;
            this.emit(page, 64, this.rng.u32() & 1 ? REC_WRITE : 0);
            this.done++;
          }
          return this.done < touches;
        }
      })(),
  };
}
