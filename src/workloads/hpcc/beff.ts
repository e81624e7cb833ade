// HPCC's b_eff, the latency and bandwidth tests (src/bench_lat_bw_1.5.2.c), as one
// process of a two-process run sees them. HPCC skips them on one process (commSize >
// 1), so this is rank 0 of the smallest run that has them.
//
// Sizes: fixed by HPCC, not by the memory: messages of 8 bytes (latency) and
// 2,000,000 bytes (bandwidth); each test mallocs its own buffers (two for ping-pong,
// four for the rings; the 2 MB ones are mmap areas, reused at the same addresses after
// each free, as glibc's mmap placement gives back the same hole).
//
// What the process does, in order:
//   1. ping-pong latency: 5 measurements, each 1 + 8 round trips as client and as many
//      as server, 8-byte messages;
//   2. ping-pong bandwidth: 2 measurements of 1 + 1 round trips each way, 2 MB;
//   3. ring latency: 5 measurements x (the natural ring + 30 random rings) x a
//      blocking loop and a non-blocking loop of 1 + 8 steps; each step sends to both
//      neighbours and receives from both, 8 bytes;
//   4. ring bandwidth: 2 measurements x (1 + 10 rings) x two loops of 1 + 3 steps, 2 MB.
// Page-level pattern: a message is an MPI call (its code page and the stack), then the
// pages of the send buffer read and of the receive buffer written, in address order;
// the message's first and last bytes are set and checked by the benchmark itself.
// Time: the process waits for the wire, not the CPU, so its accesses are charged as
// the gige-2008 link moves them: a message's words (8 bytes, 64 ns each at 1 Gb/s) and
// 390 accesses (25 us at 64 ns) of latency per message, whatever --cpu says (HPCC's
// one-process calibration run has no b_eff to measure).
// Options: --working-set w scales the 2 MB messages by w; --iterations r repeats the
// four tests r times; --memory does not size b_eff (HPCC does not).
// Simplifications: a ring step's MPI_Sendrecv is charged as its send, then its receive,
// one after the other; the link is full duplex, so the real step takes about half as
// long (the ring tests' simulated time is about twice the real). Which rank a random
// ring puts beside this process does not matter
// with two processes (both neighbours are the other rank); the ring loops' loop-length
// growth (when a loop is shorter than 10 timer ticks) does not happen at these sizes.
import type { Workload, WorkloadOptions } from "../types.js";
import {
  CODE, FN, MALLOC_HEADER, READ, WRITE, TIMED_END, TIMED_START, call, kernelWorkload, mallocPages, processSpace, startup, tileGap, type KernelStream,
} from "./common.js";


export const BEFF_LAT_BYTES = 8;
export const BEFF_BW_BYTES = 2_000_000;
/** accesses that stand for one message's latency (25 us at 64 ns an access) */
export const BEFF_LATENCY_ACCESSES = 390;

export function beffWorkload(o: WorkloadOptions): Workload {
  const ps = o.pageSize;
  const bwBytes = Math.max(BEFF_LAT_BYTES, Math.floor(BEFF_BW_BYTES * Math.min(1, o.workingSet)));
  const bufPages = mallocPages(BEFF_BW_BYTES, ps);
  const names = ["sndbuf", "rcvbuf", "sndbuf_left", "sndbuf_right", "rcvbuf_left", "rcvbuf_right"];
  const sp = processSpace(ps, names.map((name) => ({ name, pages: bufPages })));
  const [snd, rcv, sndL, sndR, rcvL, rcvR] = sp.arrays.map((r) => r.start);
  const { codePage } = sp;
  const sendCode = codePage(FN.kernel);
  const recvCode = codePage(FN.kernel2);
  const reps = o.iterations ?? 1;

  /** one message: the call, then the buffer's pages read (send) or written (receive) */
  function message(k: KernelStream, buf: number, bytes: number, send: boolean): void {
    const last = Math.floor((MALLOC_HEADER + bytes - 1) / ps);
    const words = Math.ceil(bytes / 8);
    const gap = tileGap(words + BEFF_LATENCY_ACCESSES, last + 3);
    k.emit(send ? sendCode : recvCode, gap, CODE);
    k.emit(sp.stackTop, gap, WRITE);
    const flags = send ? READ : WRITE;
    for (let p = 0; p <= last; p++) k.emit(buf + p, gap, flags);
  }

  function* pingPong(k: KernelStream, bytes: number, loop: number, measurements: number) {
    call(k, sp, FN.kernel3);
    for (let m = 0; m < measurements; m++) {
      // as client: ping, then pong back; as server: the other way round
      for (let i = -1; i < loop; i++) {
        message(k, snd, bytes, true);
        message(k, rcv, bytes, false);
      }
      for (let i = -1; i < loop; i++) {
        message(k, rcv, bytes, false);
        message(k, snd, bytes, true);
      }
      if (k.full) yield;
    }
  }

  function* rings(k: KernelStream, bytes: number, loop: number, measurements: number, patterns: number) {
    call(k, sp, FN.kernel4);
    for (let m = 0; m < measurements; m++) {
      for (let p = 0; p < patterns + 1; p++) {
        for (let pass = 0; pass < 2; pass++) {
          for (let i = -1; i < loop; i++) {
            message(k, sndR, bytes, true);
            message(k, rcvL, bytes, false);
            message(k, sndL, bytes, true);
            message(k, rcvR, bytes, false);
            if (k.full) yield;
          }
        }
      }
    }
  }

  return kernelWorkload("beff", o, sp, function* body(k) {
    startup(k, sp);
    k.mark(TIMED_START);
    for (let r = 0; r < reps; r++) {
      yield* pingPong(k, BEFF_LAT_BYTES, 8, 5);
      yield* pingPong(k, bwBytes, 1, 2);
      yield* rings(k, BEFF_LAT_BYTES, 8, 5, 30);
      yield* rings(k, bwBytes, 3, 2, 10);
    }
    call(k, sp, FN.timer);
    k.mark(TIMED_END);
  });
}
