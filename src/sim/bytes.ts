// Bytes moved on the network for one process, by what they were for.
export interface BytesMoved {
  /** process context sent at migration */
  context: number;
  /** pages sent while the process was frozen or before (full copy, pre-copy, lightweight's few pages) */
  eager: number;
  /** faulting pages */
  fault: number;
  /** pages sent because a prefetch policy asked */
  prefetch: number;
  /** pages pushed in the background (post-copy, oracle) */
  push: number;
  /** fault requests and prefetch lists */
  control: number;
  total: number;
}

export function emptyBytes(): BytesMoved {
  return { context: 0, eager: 0, fault: 0, prefetch: 0, push: 0, control: 0, total: 0 };
}

export function addBytes(b: BytesMoved, kind: Exclude<keyof BytesMoved, "total">, n: number): void {
  b[kind] += n;
  b.total += n;
}
