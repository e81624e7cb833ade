// The real fault handler's `ampom` (native/validate/policy.c) against the simulator's
// reference policy (src/core/reference-policies/ampom.ts): the same scripts of faults,
// first uses and service times, the same request lists, page for page and trigger for
// trigger. Needs the native parts (a C compiler), not userfaultfd.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { F_TRIGGER, ST_FLIGHT, ST_HOME, ST_LOCAL, ST_MASK } from "../../src/core/abi.js";
import type { PolicyServices } from "../../src/core/reference-core.js";
import { AmpomPolicy } from "../../src/core/reference-policies/ampom.js";
import { policies, policyParamVector } from "../../src/policies/registry.js";
import { nativeDir } from "../../src/validate/native.js";

const checker = join(nativeDir, "ampom-policy-check");
const built = existsSync(checker);
if (!built) console.warn(`policy-port test SKIPPED: ${checker} is not built (npm run build:native needs a C compiler)`);

interface Script {
  pages: number;
  regions: Array<[number, number]>;
  home: number[];
  params: number[];
  events: Array<{ kind: "fault" | "use" | "served"; page: number; time: number; trigger: boolean }>;
}

/** The reference policy on the same script, through a page table of its own. */
function reference(s: Script): string[] {
  const states = new Uint8Array(s.pages);
  for (const p of s.home) states[p] = ST_HOME;
  const hist = 32;
  const hp: number[] = new Array(hist).fill(0);
  const ht: number[] = new Array(hist).fill(0);
  let events = 0;
  const req: number[] = [];
  const services: PolicyServices = {
    states,
    policyParam: (i) => s.params[i],
    setCounter: () => {},
    now: () => 0,
    pageCount: () => s.pages,
    regionCount: () => s.regions.length,
    knownState: (page) => states[page] & ST_MASK,
    knownAtHome: (page) => (states[page] & ST_MASK) === ST_HOME,
    arrivedAt: () => {
      throw new Error("ampom reads no arrival time");
    },
    scanBits: () => 0,
    pushSendsOldLast: () => false,
    request(page, flags) {
      if ((states[page] & ST_MASK) !== ST_HOME) return false;
      states[page] = (states[page] & ~ST_MASK) | ST_FLIGHT | flags;
      req.push(page);
      return true;
    },
    requestCount: () => req.length,
    regionOf: (page) => s.regions.findIndex(([lo, hi]) => page >= lo && page < hi),
    regionStart: (r) => s.regions[r][0],
    regionEnd: (r) => s.regions[r][1],
    historyLength: () => hist,
    historyEvents: () => events,
    historyPage: (k) => hp[(events - 1 - k) % hist],
    // the script's times stand for both clocks: the port takes execution times, the
    // reference as it stands on main wall times (the lead's change makes it execution)
    historyTime: (k) => ht[(events - 1 - k) % hist],
    historyExecTime: (k) => ht[(events - 1 - k) % hist],
  };
  const record = (page: number, t: number) => {
    hp[events % hist] = page;
    ht[events % hist] = t;
    events++;
  };
  const policy = new AmpomPolicy(services);
  policy.reset();
  const out: string[] = [];
  for (const e of s.events) {
    if (e.kind === "served") {
      policy.onServed(e.time);
      continue;
    }
    req.length = 0;
    if (e.kind === "fault") {
      services.request(e.page, 0);
      record(e.page, e.time);
      policy.onFault(e.page);
    } else {
      states[e.page] = ST_LOCAL;
      record(e.page, e.time);
      policy.onUse(e.page, e.time, e.trigger);
    }
    out.push(`requests ${req.length}` + req.map((p) => ` ${p}:${states[p] & F_TRIGGER ? 1 : 0}`).join(""));
  }
  return out;
}

function native(s: Script): string[] {
  const lines = [`init ${s.pages} 32 1 ${s.params.join(" ")}`, ...s.regions.map(([a, b]) => `region ${a} ${b}`)];
  for (const p of s.home) lines.push(`state ${p} 1`);
  for (const e of s.events) {
    if (e.kind === "served") lines.push(`served ${e.time}`);
    else if (e.kind === "fault") lines.push(`fault ${e.page} ${e.time}`);
    else lines.push(`use ${e.page} ${e.time} ${e.trigger ? 1 : 0}`);
  }
  const r = spawnSync(checker, [], { input: lines.join("\n") + "\n", encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ampom-policy-check failed: ${r.stderr}`);
  return r.stdout.trim().split("\n").filter(Boolean);
}

/** A script: regions over a small address space, pages at home, then faults (on pages
 * at home), first uses and service times at increasing times, walking one to three
 * streams with fixed strides (what gives ampom high scores and long windows) with
 * jumps now and then (low scores, windows both ways). */
const scripts = fc
  .record({
    pages: fc.integer({ min: 64, max: 3000 }),
    cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }),
    homeShare: fc.double({ min: 0.3, max: 1, noNaN: true }),
    seed: fc.integer({ min: 1, max: 2 ** 31 - 2 }),
    streams: fc.array(fc.constantFrom(1, 1, 2, -1, 3, -2, 5, 16), { minLength: 1, maxLength: 3 }),
    steps: fc.array(
      fc.record({ kind: fc.integer({ min: 0, max: 9 }), stream: fc.nat(), jump: fc.integer({ min: 0, max: 19 }), gap: fc.integer({ min: 1, max: 400_000 }) }),
      { minLength: 1, maxLength: 150 },
    ),
    params: fc.record({ gain: fc.constantFrom(1, 2, 4), maxWindow: fc.constantFrom(8, 64, 512), zone: fc.constantFrom(4, 16) }),
  })
  .map((g): Script => {
    let x = g.seed;
    const rnd = () => (x = Number((BigInt(x) * 48271n) % 2147483647n)) / 2147483647;
    const bounds = [0, ...g.cuts.map((c) => Math.floor(c * g.pages)).sort((a, b) => a - b), g.pages];
    const regions: Array<[number, number]> = [];
    for (let i = 0; i + 1 < bounds.length; i++) if (bounds[i + 1] > bounds[i]) regions.push([bounds[i], bounds[i + 1]]);
    const home: number[] = [];
    for (let p = 0; p < g.pages; p++) if (rnd() < g.homeShare) home.push(p);
    const state = new Uint8Array(g.pages);
    for (const p of home) state[p] = 1;
    const params = policyParamVector(policies.ampom, { gain: g.params.gain, maxWindow: g.params.maxWindow, zoneRadius: g.params.zone });
    const at = g.streams.map(() => Math.floor(rnd() * g.pages));
    const events: Script["events"] = [];
    let t = 0;
    for (const st of g.steps) {
      t += st.gap;
      const k = st.stream % g.streams.length;
      if (st.jump === 0) at[k] = Math.floor(rnd() * g.pages);
      at[k] = (((at[k] + g.streams[k]) % g.pages) + g.pages) % g.pages;
      const p = at[k];
      if (st.kind === 0) events.push({ kind: "served", page: 0, time: 20_000 + Math.floor(rnd() * 200_000), trigger: false });
      else if (st.kind >= 6) {
        // a first use: both sides make the page local and tell the policy
        state[p] = 3;
        events.push({ kind: "use", page: p, time: t, trigger: st.kind >= 8 });
      } else if (state[p] === 1) {
        state[p] = 3;
        events.push({ kind: "fault", page: p, time: t, trigger: false });
      }
    }
    return { pages: g.pages, regions, home, params, events };
  });

describe.skipIf(!built)("the real handler's ampom (C) against the reference policy", () => {
  it("asks for the same pages in the same order, with the same triggers", () => {
    fc.assert(
      fc.property(scripts, (s) => {
        expect(native(s)).toEqual(reference(s));
      }),
      { numRuns: 150 },
    );
  });
});
