// Base for generated workloads: a kernel produces its records a batch at a time with
// emit(), and fill() hands them out in whatever chunk size the host asks for. Kernels
// thus keep their natural loop structure without materialising the whole trace.
import type { RecordStream } from "./types.js";

const BATCH = 1 << 16;

export abstract class BatchStream implements RecordStream {
  private readonly pages = new Uint32Array(BATCH + 1024);
  private readonly gaps = new Uint32Array(BATCH + 1024);
  private readonly flags = new Uint8Array(BATCH + 1024);
  private len = 0;
  private pos = 0;
  private finished = false;

  /** Adds one record. A kernel calls this from produce(). */
  protected emit(page: number, gap: number, flags: number): void {
    const i = this.len++;
    this.pages[i] = page;
    this.gaps[i] = gap;
    this.flags[i] = flags;
  }

  /** Room left in the current batch; produce() should stop emitting near zero. */
  protected room(): number {
    return BATCH - this.len;
  }

  /** Emits the next records (at most room() + 1024 of them); returns false once the
   * kernel has nothing more to emit after this call. */
  protected abstract produce(): boolean;

  fill(pages: Uint32Array, gaps: Uint32Array, flags: Uint8Array, max: number): number {
    let n = 0;
    while (n < max) {
      if (this.pos === this.len) {
        if (this.finished) break;
        this.pos = this.len = 0;
        this.finished = !this.produce();
        if (this.len === 0) continue;
      }
      const take = Math.min(max - n, this.len - this.pos);
      pages.set(this.pages.subarray(this.pos, this.pos + take), n);
      gaps.set(this.gaps.subarray(this.pos, this.pos + take), n);
      flags.set(this.flags.subarray(this.pos, this.pos + take), n);
      this.pos += take;
      n += take;
    }
    return n;
  }
}
