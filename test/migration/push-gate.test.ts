// ampom-plus's push sends a page only while it saves the faults more than it costs them
// (src/migration/push-orders/gate.ts): the rule's figures from the link model, and what
// it does as faults come and pushed pages are used or not.
import { describe, expect, it } from "vitest";
import { PushGate } from "../../src/migration/push-orders/gate.js";
import { FaultsToHome } from "../../src/migration/push-orders/faults.js";
import type { MigrationContext } from "../../src/migration/types.js";
import { Network } from "../../src/network/network.js";
import { networkPresets } from "../../src/network/presets.js";

/** The gate of a push from node 0 over `preset` with background load `u`. */
function gateOn(preset: string, u: number): PushGate {
  const p = networkPresets[preset];
  const net = new Network(2, {
    bandwidthBps: p.bandwidthBps, latencyNs: p.latencyNs, background: u,
    backgroundPacketBytes: p.backgroundPacketBytes, frameBytes: 4096 + p.pageHeaderBytes,
  });
  return new PushGate({ net, proc: { home: 0 }, dest: 1, pageSize: 4096, costs: p } as unknown as MigrationContext);
}

/** Runs the gate for `pages` page times T from `from`: a fault heard every `gapNs` (none
 * if Infinity), each reporting `usedShare` of the pages pushed so far used; returns the
 * pages it let the push send. */
function drive(gate: PushGate, gapNs: number, usedShare: number, pages = 200, from = 0): number {
  let sent = 0;
  let nextFault = from + gapNs;
  for (let t = from; t < from + (pages - 0.5) * gate.pageNs; ) {
    while (nextFault <= t) {
      gate.heard(nextFault, Math.floor(usedShare * sent));
      nextFault += gapNs;
    }
    const at = gate.holdUntil(t);
    if (at > t) {
      t = at;
      continue;
    }
    gate.sent();
    sent++;
    t += gate.pageNs;
  }
  return sent;
}

describe("the push gate's figures on gige-2008", () => {
  it("idle: a page holds the link its wire time, and a fault waits half of it", () => {
    const g = gateOn("gige-2008", 0);
    // 4,178 bytes at 1 Gb/s
    expect(g.pageNs).toBeCloseTo(33_424, 6);
    expect(g.delayNs).toBeCloseTo(16_712, 6);
    // two 25 us latencies, 10 us of service, an 82-byte request and the page
    expect(g.faultNs).toBeCloseTo(50_000 + 10_000 + (82 + 4178) * 8, 6);
  });

  it("at 80% load: a page holds the link five times as long, and a fault waits for it and the background behind it", () => {
    const g = gateOn("gige-2008", 0.8);
    expect(g.pageNs).toBeCloseTo(167_120, 6);
    // a lone frame waits u / (1 - u) x half a 1,500-byte packet: 24 us
    expect(g.delayNs).toBeCloseTo(167_120 * 1.3 - 24_000, 6);
    // and the reply and the request each wait that long
    expect(g.faultNs).toBeCloseTo(94_080 + 2 * 24_000, 6);
    // faults 227.3 us apart at least, for pages all used
    expect((g.pageNs * g.delayNs) / g.faultNs).toBeCloseTo(227_320, -1);
  });
});

describe("the push gate as faults come", () => {
  it("idle: sends every page, faults back to back and a tenth of the pushed pages used", () => {
    expect(drive(gateOn("gige-2008", 0), 94_080, 0.1)).toBe(200);
  });

  it("idle: a fault heard before the push's first turn (its uplink busy) does not hold it", () => {
    const g = gateOn("gige-2008", 0);
    g.heard(1_000_000, 0);
    expect(drive(g, 94_080, 0.1, 200, 2_000_000)).toBe(200);
  });

  it("idle: holds once nearly none of the pages it pushed are used", () => {
    // p = 4 / (sent + 4) falls below 5.9 / 94.1 after some 60 pages
    expect(drive(gateOn("gige-2008", 0), 94_080, 0)).toBeLessThan(70);
  });

  it("at 80% load: never sends while faults come every 200 us, its pages all used", () => {
    expect(drive(gateOn("gige-2008", 0.8), 200_000, 1)).toBe(0);
  });

  it("at 80% load: sends while faults come every 300 us and its pages are used", () => {
    // all but the first few page times, while the average gap climbs from S
    expect(drive(gateOn("gige-2008", 0.8), 300_000, 1)).toBeGreaterThanOrEqual(180);
  });

  it("at 80% load: holds when faults come every 300 us and its pages go unused", () => {
    expect(drive(gateOn("gige-2008", 0.8), 300_000, 0)).toBeLessThan(20);
  });

  it("at 80% load: sends again once faults stop coming", () => {
    const g = gateOn("gige-2008", 0.8);
    // held through 100 page times of faults every 200 us...
    expect(drive(g, 200_000, 1, 100)).toBe(0);
    // ...then no fault for 100 more: the open gap counts, and it sends
    expect(drive(g, Infinity, 1, 100, 100 * g.pageNs)).toBeGreaterThan(50);
  });

  it("on rdma-100g at 80% load: sends every page, faults back to back and half the pages used", () => {
    expect(drive(gateOn("rdma-100g", 0.8), 4_490, 0.5)).toBe(200);
  });
});

describe("a fault request tells the home node how many pushed pages were used when it was sent", () => {
  it("the reader hears each request's report in order, and only once it has reached home", () => {
    const log = new FaultsToHome();
    log.add(100, 7, 0);
    log.add(200, 8, 3);
    log.add(300, 9, 5);
    const heard: Array<[number, number]> = [];
    expect(log.take(250, undefined, (at, used) => heard.push([at, used]))).toBe(8);
    expect(heard).toEqual([[100, 0], [200, 3]]);
    expect(log.take(300, undefined, (at, used) => heard.push([at, used]))).toBe(9);
    expect(heard).toEqual([[100, 0], [200, 3], [300, 5]]);
  });

  it("a log that always has a request on its way, so never empties, hears each one once and in order", () => {
    // it drops what was taken once that is half the log: every take here leaves one
    // request still on its way
    const log = new FaultsToHome();
    const heard: number[] = [];
    log.add(0, 0, 0);
    for (let i = 1; i <= 5000; i++) {
      log.add(i, i, i);
      expect(log.take(i - 0.5, undefined, (at, used) => heard.push(at + used))).toBe(i - 1);
    }
    expect(heard).toEqual(Array.from({ length: 5000 }, (_, i) => 2 * i));
  });
});
