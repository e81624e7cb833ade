// Network presets. The costs the model charges are named here with the reason for
// each default value.

export interface NetworkPreset {
  name: string;
  description: string;
  bandwidthBps: number;
  /** one-way latency of a link direction, ns */
  latencyNs: number;
  /** bytes of protocol header carried by every page message */
  pageHeaderBytes: number;
  /** bytes of a fault request before its page list (header + faulting page) */
  requestHeaderBytes: number;
  /** bytes per page named in a request's prefetch list */
  requestBytesPerPage: number;
  /** home node: time to take a request and start sending, ns */
  serviceNs: number;
  /** destination: local page-fault trap before the request leaves, ns */
  faultTrapNs: number;
  /** destination: first touch of a 4 KiB page that never existed (zero-fill), ns; a
   * larger page's in proportion (zeroFillFor) */
  zeroFillNs: number;
  /** destination: first use of a prefetched page, a local (minor) fault that maps a page
   * already there and lets the policy see the use, ns; charged as fault stall */
  firstUseNs: number;
  /** destination: the parts of the trap and of a first use that the process's CPU clock
   * is charged with, which ampom's paging rate then counts as execution, ns (at most
   * faultTrapNs and firstUseNs). 0 in the presets: the paging rate is over the process's
   * own work. A system that can read only a thread's whole CPU time (user and kernel), as
   * the validation's real runs, counts the kernel's part of each fault too. */
  faultTrapCpuNs: number;
  firstUseCpuNs: number;
  /** process context (registers, kernel state, page tables) sent at migration, bytes */
  contextBytes: number;
  /** MTU-sized background packet, bytes */
  backgroundPacketBytes: number;
}

export const networkPresets: Record<string, NetworkPreset> = {
  "gige-2008": {
    name: "gige-2008",
    description: "2008 cluster: Gigabit Ethernet through one switch, TCP, openMosix kernel paths",
    // the paper's cluster: Gigabit Ethernet
    bandwidthBps: 1e9,
    // one way, end to end: a GigE switch hop (~5 us) plus the TCP/IP stacks and
    // interrupt paths of two 2008 hosts (~10 us each); a 50 us round trip is what
    // ping-pong tests of small messages measured on such clusters. The model times the
    // switch as cut-through: a store-and-forward switch would add a page frame's 33.4 us
    // to a lone page, not charged (docs/model.md, "Presets and every cost charged")
    latencyNs: 25_000,
    // the headers of one frame: Ethernet 14 B, IPv4 20 B, TCP with timestamps 32 B, plus
    // a 16 B paging header: one page per frame, as with the jumbo frames of a cluster
    // switch. On a 1,500 B MTU a 4 KiB page spans three segments, and with preambles and
    // gaps its framing would be 286 B (7% less goodput); this preset does not charge it.
    pageHeaderBytes: 82,
    // a request: the same 82 B of headers around the faulting page's number; every
    // prefetch page it names adds 8 B
    requestHeaderBytes: 82,
    requestBytesPerPage: 8,
    // the home node's kernel thread wakes on the request, looks the pages up in the
    // process's page tables and queues the reply: a scheduler wake-up of the period
    serviceNs: 10_000,
    // the trap, a page-table walk and openMosix's remote-paging path up to the request
    // leaving: a few microseconds on a 2008 CPU
    faultTrapNs: 2_000,
    // clearing a fresh 4 KiB page at a few GB/s of memory bandwidth
    zeroFillNs: 1_000,
    // a prefetched page's first use: in a kernel, a minor fault that maps a page already
    // in memory (~1 us), about 1% of a remote fault here (96 us: the trap, the request,
    // a 50 us round trip, the home's 10 us and a page on the wire); left at 0 so that the
    // published figures count remote costs only. It is there for systems where the first use costs more:
    // a user-space handler takes a userfault round trip (tens of us, docs/validation.md)
    firstUseNs: 0,
    faultTrapCpuNs: 0,
    firstUseCpuNs: 0,
    // openMosix's migration context: registers and FPU state, signal state, the
    // memory map (one descriptor per region) and file references: a few KiB
    contextBytes: 8192,
    // background traffic is MTU-sized frames
    backgroundPacketBytes: 1500,
  },
  "rdma-100g": {
    name: "rdma-100g",
    description: "modern fabric: 100 Gb/s RDMA, one-sided reads served by the NIC",
    bandwidthBps: 100e9,
    // one way through one switch with kernel bypass: RDMA verbs latencies are 1-2 us
    latencyNs: 1_500,
    // a 4 KiB page is one packet at a 4 KiB MTU: RoCEv2 framing (Ethernet 38 B with
    // preamble and gap, IP 20 B, UDP 8 B) and InfiniBand transport headers round to 64 B
    pageHeaderBytes: 64,
    requestHeaderBytes: 64,
    requestBytesPerPage: 8,
    // a one-sided read is served by the remote NIC without waking a CPU
    serviceNs: 500,
    // a user-space fault handler (userfaultfd) wakes and posts the read
    faultTrapNs: 1_000,
    // clearing a 4 KiB page at a modern memory bandwidth
    zeroFillNs: 500,
    // a kernel minor fault (~1 us) would be a third of a remote fault here (~3.5 us), but
    // AMPoM's kernel path is not what a 100 Gb/s fabric would run (its prefetches would be
    // mapped on arrival); 0, as on gige-2008, so both presets charge remote costs only
    firstUseNs: 0,
    faultTrapCpuNs: 0,
    firstUseCpuNs: 0,
    contextBytes: 8192,
    // the fabric's other traffic moves in MTU-sized (4 KiB) packets
    backgroundPacketBytes: 4096,
  },
};

/** A preset's zero-fill for pages of `pageSize` bytes: its 4 KiB page's cost in
 * proportion (clearing is a memory-bound sweep of the page). */
export function zeroFillFor(preset: NetworkPreset, pageSize: number): number {
  return Math.round((preset.zeroFillNs * pageSize) / 4096);
}
