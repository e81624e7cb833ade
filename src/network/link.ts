// One direction of a full-duplex link: a FIFO with a bandwidth and a one-way latency.
// A message ready at t starts when the link is free, occupies it for size/bandwidth,
// and arrives one latency after its last byte leaves (Network.send does the queueing);
// background load delays it as docs/model.md ("The network") describes.

export interface LinkSpec {
  /** bits per second */
  bandwidthBps: number;
  /** one-way latency, ns */
  latencyNs: number;
  /** share of the link taken by background traffic, 0 <= u < 1 */
  background: number;
  /** size of one background packet in bytes: a message waits on average for half of
   * one when the link is busy */
  backgroundPacketBytes: number;
  /** bytes of one of the modelled traffic's frames (a page and its header): the first
   * frame of a message that finds the link idle goes at the full bandwidth (default:
   * the whole message, as one frame) */
  frameBytes?: number;
}

export class Link {
  /** When the last message queued so far leaves the link (before any, never: a first
   * message, even one ready at 0, finds the link idle). */
  freeAt = -Infinity;
  /** The background work (ns of this link) queued when that message left: what came
   * while its last frame waited and was on the wire. */
  private backlogAtFree = 0;
  /** Bytes carried, for the per-link report. */
  bytes = 0;
  messages = 0;
  /** ns a byte takes on the wire at the full bandwidth */
  readonly nsPerByte: number;
  /** the background's share u, and what is left of the link, 1 - u */
  private readonly load: number;
  private readonly share: number;
  /** ns of one of the modelled traffic's frames */
  private readonly frameNs: number;
  /** the wait before each frame of a long stream: the background that comes while a
   * frame and its own wait are on the link, u (w + t) = w, so w = t u / (1 - u) */
  private readonly streamWaitNs: number;
  /** mean wait of a message that finds the link idle of modelled traffic long after the
   * last one left, ns */
  readonly backgroundWaitNs: number;
  /** the wait before the last frame of the message laterWaits() last reckoned */
  private lastWaitNs = 0;

  constructor(readonly spec: LinkSpec) {
    const { bandwidthBps, background, backgroundPacketBytes } = spec;
    if (!(bandwidthBps > 0)) throw new Error(`link bandwidth must be positive, got ${bandwidthBps} b/s`);
    if (!(background >= 0 && background < 1)) throw new Error(`link background must be in [0, 1), got ${background}`);
    // Background traffic at utilisation u shares the link with the modelled messages in
    // order of arrival (docs/model.md, "Background load"). Each frame waits for the
    // background queued ahead of it, then goes at the full bandwidth (a frame is not cut
    // short). Behind it is queued what came while it waited and was on the wire, u (w +
    // t): the next frame waits for that, and a message ready later for what is left of
    // it as it drains at 1 - u, or for the mean wait of a link in its steady state, u /
    // (1 - u) x half a packet time (the M/D/1 mean), whichever is longer. A long stream
    // thus settles at a wait of t u / (1 - u) a frame: the share 1 - u. Until 2026-12-07
    // every frame left t u / (1 - u) behind it, the background of a whole busy period,
    // which then drained at 1 - u as well: a lone frame's later arrivals counted twice.
    this.load = background;
    this.share = 1 - background;
    this.nsPerByte = 8e9 / bandwidthBps;
    // a message without frames of its own size is one frame, and has no later ones
    this.frameNs = (spec.frameBytes ?? 0) * this.nsPerByte;
    this.streamWaitNs = (this.frameNs * background) / this.share;
    const packetNs = backgroundPacketBytes * this.nsPerByte;
    this.backgroundWaitNs = Math.round((background / this.share) * packetNs / 2);
  }

  /** The background a message ready at `readyAt` waits for before its first frame:
   * what the last one left, less what drained since, or the steady mean if that is more. */
  waitNs(readyAt: number): number {
    const drained = this.freeAt >= readyAt ? 0 : this.share * (readyAt - this.freeAt);
    return Math.max(this.backgroundWaitNs, Math.round(this.backlogAtFree - drained));
  }

  /** When a message ready at `readyAt` sends its first byte: when the link is free of
   * modelled traffic and of the background queued ahead of it (`waitNs`, as reckoned). */
  startTime(readyAt: number, waitNs = this.waitNs(readyAt)): number {
    return Math.max(readyAt, this.freeAt) + waitNs;
  }

  /** How long a message of `bytes` whose first frame waited `waitNs` holds the link from
   * its first byte to its last, whole ns: its frames at the full bandwidth, and before
   * each after the first, the background that came while the one before it waited and
   * was on the wire. A time within a relative 1e-12 of a whole number is that number. */
  txNs(bytes: number, waitNs: number): number {
    // without background the product as it always was, to the bit
    const ns = bytes * this.nsPerByte + (this.load > 0 ? this.laterWaits(bytes, waitNs) : 0);
    const whole = Math.round(ns);
    return Math.abs(ns - whole) <= ns * 1e-12 ? whole : Math.ceil(ns);
  }

  /** A message of `bytes` whose first frame waited `waitNs` holds the link until
   * `until`: the background that came while its last frame waited and was on the wire
   * is queued behind it. Counted for the per-link report. */
  occupy(until: number, bytes: number, waitNs: number): void {
    this.freeAt = until;
    if (this.load > 0) {
      this.laterWaits(bytes, waitNs);
      const frame = this.spec.frameBytes ?? bytes;
      const lastNs = (bytes - (this.frames(bytes) - 1) * frame) * this.nsPerByte;
      this.backlogAtFree = Math.round(this.load * (this.lastWaitNs + lastNs));
    }
    this.bytes += bytes;
    this.messages += 1;
  }

  /** The waits before frames 2..n of a message whose first frame waited `waitNs`, summed;
   * the last frame's wait goes to lastWaitNs. Each is u (w + t) of the one before, which
   * nears the stream's wait geometrically (the frames before the last are whole). */
  private laterWaits(bytes: number, waitNs: number): number {
    const frames = this.frames(bytes);
    let w = waitNs;
    let sum = 0;
    for (let k = 2; k <= frames; k++) {
      if (Math.abs(w - this.streamWaitNs) < 1e-6) {
        sum += (frames - k + 1) * this.streamWaitNs;
        w = this.streamWaitNs;
        break;
      }
      w = this.load * (w + this.frameNs);
      sum += w;
    }
    this.lastWaitNs = w;
    return sum;
  }

  /** How many frames a message of `bytes` takes: whole ones, the last perhaps shorter. */
  private frames(bytes: number): number {
    const frame = this.spec.frameBytes;
    return frame === undefined || bytes <= frame ? 1 : Math.ceil(bytes / frame);
  }
}
