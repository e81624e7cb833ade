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
  /** destination: first touch of a page that never existed (zero-fill), ns */
  zeroFillNs: number;
  /** process context (registers, kernel state, page tables) sent at migration, bytes */
  contextBytes: number;
  /** MTU-sized background packet, bytes */
  backgroundPacketBytes: number;
}

export const networkPresets: Record<string, NetworkPreset> = {
  "gige-2008": {
    name: "gige-2008",
    description: "2008 cluster: Gigabit Ethernet through one switch, TCP, openMosix kernel paths",
    bandwidthBps: 1e9,
    // a GigE switch hop plus the kernel TCP stack of the period: ~25 us one way
    latencyNs: 25_000,
    // Ethernet + IP + TCP headers (66 B) plus a small paging-protocol header
    pageHeaderBytes: 82,
    requestHeaderBytes: 82,
    requestBytesPerPage: 8,
    // a kernel thread on the home node wakes, looks the pages up and starts sending
    serviceNs: 10_000,
    // trap, page-table walk and the kernel's remote-paging path on a 2008 CPU
    faultTrapNs: 2_000,
    zeroFillNs: 1_000,
    // openMosix sends registers, signal state and the memory map: a few KiB
    contextBytes: 8192,
    backgroundPacketBytes: 1500,
  },
  "rdma-100g": {
    name: "rdma-100g",
    description: "modern fabric: 100 Gb/s RDMA, one-sided reads served by the NIC",
    bandwidthBps: 100e9,
    latencyNs: 1_500,
    pageHeaderBytes: 64,
    requestHeaderBytes: 64,
    requestBytesPerPage: 8,
    serviceNs: 500,
    faultTrapNs: 1_000,
    zeroFillNs: 500,
    contextBytes: 8192,
    backgroundPacketBytes: 4096,
  },
};
