// HPCC b_eff (effective bandwidth and latency): ping-pong messages of growing size
// between a send and a receive buffer. The process allocates its whole memory as the
// two buffers (memory / 2 each) but b_eff's messages go up to L_max = memory / 128
// only, so its working set is small next to its memory: the case where lightweight
// migration wins most. The buffers are not initialised, as b_eff does not.
// In one process the transfer of a message is a copy: the ping reads the message's
// pages of the send buffer and writes those of the receive buffer; the pong copies
// back. Sizes: 1 byte, doubling to L_max (and L_max itself); at each size
// `iterations` x max(1, 64 / message pages) round trips (default iterations 8).
// Each message is an MPI call: its code page and a stack frame, then page by page the
// source and the destination. Working set w scales L_max.
import type { Workload, WorkloadOptions } from "../types.js";
import { CODE, FN, READ, WRITE, call, kernelWorkload, processSpace, startup, type KernelBody, type KernelStream } from "./common.js";

export function beffWorkload(o: WorkloadOptions): Workload {
  const half = Math.max(1, Math.floor(o.memoryBytes / 2));
  const bufPages = Math.ceil(half / o.pageSize);
  const sp = processSpace(o.pageSize, [{ name: "sendbuf", pages: bufPages }, { name: "recvbuf", pages: bufPages }]);
  const [send, recv] = sp.arrays.map((r) => r.start);
  const lmax = Math.max(1, Math.min(half, Math.floor((o.memoryBytes / 128) * o.workingSet)));
  const sizes: number[] = [];
  for (let s = 1; s < lmax; s *= 2) sizes.push(s);
  sizes.push(lmax);
  const sendCode = sp.text.start + FN.kernel;
  const recvCode = sp.text.start + FN.kernel2;

  const makeBody = (iterations: number): KernelBody => function* body(k: KernelStream) {
    startup(k, sp);
    call(k, sp, FN.kernel3);
    for (const size of sizes) {
      const msgPages = Math.ceil(size / o.pageSize);
      const trips = iterations * Math.max(1, Math.floor(64 / msgPages));
      // a copy of size bytes: 8-byte loads and stores plus call overhead
      const gap = Math.max(1, Math.round((size / 4 + 200) / (2 * msgPages + 2)));
      call(k, sp, FN.timer);
      for (let t = 0; t < trips; t++) {
        for (const [code, from, to] of [[sendCode, send, recv], [recvCode, recv, send]]) {
          k.emit(code, gap, CODE);
          k.emit(sp.stackTop, gap, WRITE);
          for (let q = 0; q < msgPages; q++) {
            k.emit(from + q, gap, READ);
            k.emit(to + q, gap, WRITE);
          }
        }
        if (k.full) yield;
      }
    }
    call(k, sp, FN.timer);
  };
  return kernelWorkload("beff", o, sp, makeBody, 8);
}
