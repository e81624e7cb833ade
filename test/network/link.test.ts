// The link model: FIFO per direction, transmission on the slower end, latency of the
// path, background share and wait; explicit flows.
import { describe, expect, it } from "vitest";
import { Link } from "../../src/network/link.js";
import { Network } from "../../src/network/network.js";
import { startFlow } from "../../src/network/flows.js";
import { UplinkArbiter } from "../../src/network/arbiter.js";
import { EventQueue } from "../../src/sim/events.js";

const gige = { bandwidthBps: 1e9, latencyNs: 25_000, background: 0, backgroundPacketBytes: 1500 };

describe("link", () => {
  it("queues messages first in, first out and charges size over bandwidth plus latency", () => {
    const net = new Network(2, gige);
    expect(net.send(0, 1, 0, 1000)).toBe(8_000 + 25_000);
    // ready before the first has left: waits for it
    expect(net.send(0, 1, 100, 1000)).toBe(16_000 + 25_000);
    // ready after the link went idle: starts when ready
    expect(net.send(0, 1, 50_000, 125)).toBe(51_000 + 25_000);
    expect(net.up[0].bytes).toBe(2125);
    expect(net.down[1].messages).toBe(3);
    // the other direction is a separate FIFO
    expect(net.send(1, 0, 0, 1000)).toBe(33_000);
  });

  it("a message between nodes of different links takes the slower bandwidth and the larger latency", () => {
    const slow = { ...gige, bandwidthBps: 1e8, latencyNs: 50_000 };
    const net = new Network(2, [gige, slow]);
    expect(net.send(0, 1, 0, 1000)).toBe(80_000 + 50_000);
    expect(net.latencyNs(1, 0)).toBe(50_000);
  });

  it("under background load a lone message waits the steady mean, then goes at the full bandwidth", () => {
    const link = new Link({ ...gige, background: 0.75 });
    // mean wait: 0.75 / 0.25 x 12,000 ns / 2 = 18,000 ns
    expect(link.backgroundWaitNs).toBe(18_000);
    expect(link.startTime(5)).toBe(18_005);
    expect(link.txNs(1000, 18_000)).toBe(8_000);
    // queued behind modelled traffic that left no more: the same wait once it has gone
    link.freeAt = 40_000;
    expect(link.startTime(10_000)).toBe(58_000);
  });

  it("a message of several frames sends each after the background that came while the one before waited and was on the wire", () => {
    const link = new Link({ ...gige, background: 0.75, frameBytes: 4178 });
    // one frame: 8 ns a byte
    expect(link.txNs(4178, 18_000)).toBe(33_424);
    expect(link.txNs(90, 18_000)).toBe(720);
    // two: the second waits 0.75 x (18,000 + 33,424)
    expect(link.txNs(8356, 18_000)).toBe(2 * 33_424 + 38_568);
    // a long stream's wait is the fixed point, 33,424 x 0.75 / 0.25 a frame: the share 1 - u
    expect(link.txNs(100 * 4178, 100_272)).toBe(100 * 33_424 + 99 * 100_272);
    expect(link.txNs(100 * 4178, 0)).toBeLessThan(100 * 133_696);
    // without background the rates are one
    expect(new Link({ ...gige, frameBytes: 4178 }).txNs(8356, 0)).toBe(66_848);
    // 1 - 0.8 is a hair under 0.2 in binary; a stream's frame at 80% still takes 4,178 x 40 ns
    const busy = new Network(2, { ...gige, background: 0.8, frameBytes: 4178 });
    busy.send(0, 1, 0, 4178 * 400);
    const free = busy.up[0].freeAt;
    busy.send(0, 1, 0, 4178);
    busy.send(0, 1, 0, 4178);
    expect(busy.up[0].freeAt - free).toBe(2 * 167_120);
  });

  it("a message after an idle spell waits for the background the link's last frame left, as it drains, or the steady mean", () => {
    const link = new Link({ ...gige, background: 0.75, frameBytes: 4178 });
    // a frame that waited 18,000 ns left at 100,000 ns: 0.75 x (18,000 + 33,424) came
    // while it waited and was on the wire
    link.occupy(100_000, 4178, 18_000);
    // drained at 1 - 0.75 a ns: 38,568 - 0.25 x 40,000 left 40 us later
    expect(link.startTime(140_000)).toBe(140_000 + 38_568 - 10_000);
    // once drained below the steady mean (18,000 ns), that mean
    expect(link.startTime(1_000_000)).toBe(1_018_000);
  });

  it("pacing a stream gains nothing: frames handed over a nanosecond after the link frees take as long as frames queued at once", () => {
    const queued = new Network(2, { ...gige, background: 0.8, frameBytes: 4178 });
    let last = 0;
    // ready at 1: the first finds the link idle, as the paced stream's first does
    for (let i = 0; i < 10; i++) last = queued.send(0, 1, 1, 4178);
    const paced = new Network(2, { ...gige, background: 0.8, frameBytes: 4178 });
    let lastPaced = 0;
    for (let i = 0; i < 10; i++) lastPaced = paced.send(0, 1, i === 0 ? 1 : paced.up[0].freeAt + 1, 4178);
    expect(lastPaced).toBeGreaterThanOrEqual(last);
    // the waits w(k+1) = round(0.8 x (w(k) + 33,424)) from the steady 24,000 ns, nearing 133,696
    const waits = [24_000, 45_939, 63_490, 77_531, 88_764, 97_750, 104_939, 110_690, 115_291, 118_972];
    expect(last).toBe(1 + waits.reduce((a, b) => a + b) + 10 * 33_424 + 25_000);
    // and a lone frame after a long quiet spell: the steady wait, then the full bandwidth
    expect(paced.send(0, 1, 10_000_000, 4178)).toBe(10_000_000 + 24_000 + 33_424 + 25_000);
  });

  it("a first message ready at 0 finds the link idle, as one ready later does", () => {
    const link = new Link({ ...gige, background: 0.75, frameBytes: 4178 });
    expect(link.startTime(0)).toBe(18_000);
    const net = new Network(2, { ...gige, background: 0.8, frameBytes: 4178 });
    expect(net.send(0, 1, 0, 4178)).toBe(24_000 + 33_424 + 25_000);
  });

  it("refuses a bandwidth of zero and a background of 1", () => {
    expect(() => new Link({ ...gige, bandwidthBps: 0 })).toThrow(/bandwidth must be positive/);
    expect(() => new Link({ ...gige, background: 1 })).toThrow(/background must be in \[0, 1\)/);
  });

  it("a stream handed over as the link frees times exactly like one queued at once", () => {
    const a = new Network(2, { ...gige, background: 0.3 });
    let last = 0;
    for (let i = 0; i < 10; i++) last = a.send(0, 1, 0, 4178);
    const b = new Network(2, { ...gige, background: 0.3 });
    let t = 0;
    let last2 = 0;
    for (let i = 0; i < 10; i++) {
      last2 = b.send(0, 1, t, 4178);
      t = b.up[0].freeAt;
    }
    expect(last2).toBe(last);
  });
});

/** Runs every event `q` holds, and those they schedule. */
function drain(q: EventQueue): void {
  while (q.size) q.fireNext();
}

/** A network of `nodes` on gige whose arrivals fixed later come from `q`'s events. */
function scheduled(nodes: number): { net: Network; q: EventQueue } {
  const net = new Network(nodes, gige);
  const q = new EventQueue();
  net.schedule((t, fire) => q.at(t, fire));
  return { net, q };
}

describe("the switch", () => {
  it("holds a message for a busy downlink without holding its sender's uplink", () => {
    const { net, q } = scheduled(4);
    const big = net.send(1, 2, 0, 1_000_000); // b -> c: 8 ms on the wire
    const toC = net.send(0, 2, 0, 4096); // a -> c waits at the switch behind it
    expect(toC).toBe(big + 32_768);
    // a -> d leaves once a has sent its 4 KiB: 2 x 32,768 ns, then the latency (the
    // whole message waited with the uplink, 8 ms, when it went through both links at once).
    // Until it leaves, node c could send d a message that reaches the switch first: its
    // arrival is fixed then
    let toD = NaN;
    expect(net.send(0, 3, 0, 4096, (t) => (toD = t))).toBeNaN();
    drain(q);
    expect(toD).toBe(2 * 32_768 + 25_000);
  });

  it("serves a downlink in the order messages reach it, not the order they were sent", () => {
    const { net, q } = scheduled(3);
    const fixed: Array<[string, number, number]> = [];
    const log = (name: string) => (t: number, now: number) => void fixed.push([name, t, now]);
    expect(net.send(0, 1, 0, 1_000_000)).toBe(8_000_000 + 25_000); // a -> b holds a's uplink for 8 ms
    // a -> c waits on a's uplink until 8 ms; b -> c, sent 1 us later, reaches the switch first
    expect(net.send(0, 2, 0, 4096, log("a"))).toBeNaN();
    expect(net.send(1, 2, 1000, 4096, log("b"))).toBeNaN();
    drain(q);
    expect(fixed).toEqual([
      ["b", 1000 + 32_768 + 25_000, 1000],
      ["a", 8_000_000 + 32_768 + 25_000, 8_000_000],
    ]);
  });

  it("between two nodes fixes every arrival when the message is sent, behind a backlog too", () => {
    const net = new Network(2, gige);
    expect(net.send(0, 1, 0, 1_000_000)).toBe(8_025_000);
    expect(net.send(0, 1, 0, 4096)).toBe(8_000_000 + 32_768 + 25_000);
  });

  it("between two nodes, times a message as holding both links at once", () => {
    const net = new Network(2, { ...gige, background: 0.3 });
    const slow = new Network(2, [gige, { ...gige, bandwidthBps: 1e8 }]);
    expect(net.send(0, 1, 0, 4096)).toBe(net.down[1].freeAt + 25_000);
    expect(net.up[0].freeAt).toBe(net.down[1].freeAt);
    // through a slower downlink: its time, not the sum of both
    expect(slow.send(0, 1, 0, 4096)).toBe(327_680 + 25_000);
  });
});

describe("flows", () => {
  it("a transfer sends all its bytes in segments back to back", () => {
    const net = new Network(2, gige);
    const q = new EventQueue();
    const f = startFlow(net, (t, fire) => q.at(t, fire), new UplinkArbiter(net, (t, fire) => q.at(t, fire)), { name: "f", from: 0, to: 1, startNs: 1000, bytes: 200_000, segmentBytes: 65536 });
    drain(q);
    expect(f.bytesSent).toBe(200_000);
    expect(f.segments).toBe(4);
    expect(f.finishedAt).toBe(1000 + 200_000 * 8 + 25_000);
  });
  it("a rate flow sends rate x duration", () => {
    const net = new Network(2, gige);
    const q = new EventQueue();
    // 100 Mb/s of 12,500 B segments: one every 1 ms; for 10 ms: 10 segments
    const f = startFlow(net, (t, fire) => q.at(t, fire), new UplinkArbiter(net, (t, fire) => q.at(t, fire)), { name: "r", from: 1, to: 0, startNs: 0, rateBps: 1e8, durationNs: 10_000_000, segmentBytes: 12_500 });
    drain(q);
    expect(f.segments).toBe(10);
    expect(net.up[1].bytes).toBe(125_000);
  });
  it("a transfer and a page stream share the link segment by segment", () => {
    const net = new Network(2, gige);
    const q = new EventQueue();
    startFlow(net, (t, fire) => q.at(t, fire), new UplinkArbiter(net, (t, fire) => q.at(t, fire)), { name: "f", from: 0, to: 1, startNs: 0, bytes: 10 * 65536, segmentBytes: 65536 });
    while (q.peekTime() <= 0) q.fireNext(); // the flow joins the line and gets its first turn: one segment goes at 0
    // a page ready at 1 us waits for one segment only, not the whole transfer
    expect(net.send(0, 1, 1000, 4178)).toBe(65536 * 8 + 4178 * 8 + 25_000);
  });
});

describe("uplink turns", () => {
  /** A sender of `bursts` bursts of `bytes` from node 0 to 1 that logs its turns. */
  function sender(net: Network, arbiter: UplinkArbiter, log: string[], name: string, bursts: number, urgent: boolean) {
    let left = bursts;
    const fire = (t: number): void => {
      net.send(0, 1, t, 1000);
      log.push(name);
      if (--left > 0) arbiter.request(0, 1, t, fire, urgent);
    };
    return (at: number) => arbiter.request(0, 1, at, fire, urgent);
  }

  it("take turns burst by burst, and urgent turns (pages the destination asked for) go first", () => {
    const net = new Network(2, gige);
    const q = new EventQueue();
    const arbiter = new UplinkArbiter(net, (t, fire) => q.at(t, fire));
    const log: string[] = [];
    const push = sender(net, arbiter, log, "push", 4, false);
    const copy = sender(net, arbiter, log, "copy", 2, false);
    const asked = sender(net, arbiter, log, "asked", 3, true);
    push(0);
    copy(0);
    q.at(1000, () => asked(1000)); // joins while the first push burst is on the wire
    while (q.size) q.fireNext();
    expect(log).toEqual(["push", "asked", "asked", "asked", "copy", "push", "copy", "push", "push"]);
  });
});

