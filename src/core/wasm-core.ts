// The WebAssembly core, loaded through the compiler's generated raw bindings. The
// module is compiled once per process; each core is its own instance with its own
// memory, so cores never share state.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { instantiate } from "../../build/release.js";
import {
  L_COUNTERS, L_PARAMS, L_REGIONS, L_REQUESTS, L_DELIVER_PAGES, L_DELIVER_TIMES,
  L_CHUNK_PAGES, L_CHUNK_GAPS, L_CHUNK_FLAGS, L_STATES, L_MRU, COUNTERS, PARAMS,
  REGION_CAP, REQUEST_CAP, DELIVERY_CAP, MRU_CAP, L_ARRIVALS, L_SCAN_EPOCHS, L_SCAN_MASKS,
  L_TRACE_IN,
} from "./abi.js";
import { violationError } from "./page-services.js";
import { traceInputBytes } from "../trace/amt-codec.js";
import { checkCoreCapacity, hostRefusedError, type CoreViews, type SimCore } from "./types.js";

type Exports = Awaited<ReturnType<typeof instantiate>>;

const wasmUrl = new URL("../../build/release.wasm", import.meta.url);
let compiled: WebAssembly.Module | undefined;

function wasmModule(): WebAssembly.Module {
  if (!compiled) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(fileURLToPath(wasmUrl));
    } catch {
      throw new Error(`WebAssembly core not built: ${fileURLToPath(wasmUrl)} is missing (run npm run build)`);
    }
    compiled = new WebAssembly.Module(new Uint8Array(bytes));
  }
  return compiled;
}

const imports = {
  env: {
    abort(_msg: number, _file: number, line: number, col: number): never {
      throw new Error(`WebAssembly core aborted at ${line}:${col}`);
    },
  },
};

// Instances handed back after a finished run, for the next create(): instantiating
// costs ~2 ms of CPU (a fresh memory with its guard reservation, first-touch page
// faults), which dominates short runs and sweeps of many. A reused instance is laid
// out and zeroed again by init(), and reset() restarts every policy.
const idle: WasmCore[] = [];
const IDLE_MAX = 2;
const IDLE_MEMORY_MAX = 64 << 20;

export class WasmCore implements SimCore {
  readonly kind = "wasm" as const;
  private views?: CoreViews;
  private counters: Float64Array = new Float64Array(0);
  private input = new Uint8Array(0);
  private constructor(private readonly ex: Exports) {}

  static async create(): Promise<WasmCore> {
    return idle.pop() ?? new WasmCore(await instantiate(wasmModule(), imports));
  }

  /** The caller is done with this core and its views: keep it for a later create()
   * unless its memory has grown large (memory never shrinks). */
  release(): void {
    if (idle.length < IDLE_MAX && this.ex.memory.buffer.byteLength <= IDLE_MEMORY_MAX && !idle.includes(this)) {
      idle.push(this);
    }
  }

  init(pageCount: number, chunkCapacity: number): CoreViews {
    checkCoreCapacity(pageCount, chunkCapacity);
    if (this.ex.init(pageCount, chunkCapacity) !== 0) {
      // within the budget the arena fits in 4 GiB: memory could not grow
      throw hostRefusedError("the WebAssembly core could not grow its memory to", pageCount, chunkCapacity);
    }
    // init may have grown memory, which detaches every earlier view
    const buf = this.ex.memory.buffer;
    const at = (slot: number) => this.ex.layoutOffset(slot);
    this.input = new Uint8Array(buf, at(L_TRACE_IN), traceInputBytes(chunkCapacity));
    this.views = {
      counters: new Float64Array(buf, at(L_COUNTERS), COUNTERS),
      params: new Float64Array(buf, at(L_PARAMS), PARAMS),
      regions: new Uint32Array(buf, at(L_REGIONS), REGION_CAP * 2),
      requests: new Uint32Array(buf, at(L_REQUESTS), REQUEST_CAP),
      deliverPages: new Uint32Array(buf, at(L_DELIVER_PAGES), DELIVERY_CAP),
      deliverTimes: new Float64Array(buf, at(L_DELIVER_TIMES), DELIVERY_CAP),
      chunkPages: new Uint32Array(buf, at(L_CHUNK_PAGES), chunkCapacity),
      chunkGaps: new Uint32Array(buf, at(L_CHUNK_GAPS), chunkCapacity),
      chunkFlags: new Uint8Array(buf, at(L_CHUNK_FLAGS), chunkCapacity),
      states: new Uint8Array(buf, at(L_STATES), pageCount),
      mru: new Uint32Array(buf, at(L_MRU), MRU_CAP),
      arrivals: new Float64Array(buf, at(L_ARRIVALS), pageCount),
      scanEpochs: new Uint32Array(buf, at(L_SCAN_EPOCHS), pageCount),
      scanMasks: new Uint16Array(buf, at(L_SCAN_MASKS), pageCount),
    };
    this.counters = this.views.counters;
    return this.views;
  }

  reset(): void {
    this.ex.reset();
  }
  run(limitNs: number): number {
    try {
      return this.ex.run(limitNs);
    } catch (e) {
      // a policy that broke the online-only rule traps after saying why
      throw violationError(this.counters) ?? e;
    }
  }
  firstBadRecord(count: number): number {
    return this.ex.firstBadRecord(count);
  }
  answerRequests(count: number): void {
    this.ex.answerRequests(count);
  }
  deliver(count: number, kind: number): number {
    return this.ex.deliver(count, kind);
  }
  migrate(keepAll: boolean): void {
    this.ex.migrate(keepAll ? 1 : 0);
  }

  /** The read a policy makes of `page`'s arrival (assembly/pagetable.ts arrivedAt):
   * throws a PolicyViolation for a page still in flight. For tests. */
  arrivedAt(page: number): number {
    try {
      return this.ex.policyArrivedAt(page);
    } catch (e) {
      throw violationError(this.counters) ?? e;
    }
  }

  // ---- amt v2 blocks decoded inside the core ----
  traceInput(): Uint8Array {
    return this.input;
  }
  decodeBlock(records: number, bytes: number, sum: number): number {
    return this.ex.decodeBlock(records, bytes, sum);
  }
}
