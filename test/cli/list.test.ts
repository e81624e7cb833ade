// `ampom list` shows what the registries hold, and what a user's module declares.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { policies } from "../../src/policies/registry.js";
import { mechanisms } from "../../src/migration/registry.js";
import { pushOrders } from "../../src/migration/push-orders/index.js";
import { workloads } from "../../src/workloads/registry.js";
import { networkPresets } from "../../src/network/presets.js";
import { ampom } from "./capture.js";
import { scratchDir } from "../sweep/cli-helpers.js";

const MODULE = "./examples/swap-readahead-policy.ts";

describe("ampom list", () => {
  it("lists every built-in policy with its parameters, and every mechanism, push order, workload and network preset", async () => {
    const r = await ampom("list", "--json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.policies.map((p: { name: string }) => p.name)).toEqual(Object.keys(policies));
    for (const p of j.policies) {
      const info = policies[p.name];
      expect(p.description).toBe(info.description);
      expect(p.params.map((q: { name: string; default: number }) => [q.name, q.default])).toEqual(info.params.map((q) => [q.name, q.default]));
    }
    const kinds = Object.fromEntries(j.policies.map((p: { name: string; kind: string }) => [p.name, p.kind]));
    expect(kinds).toMatchObject({ none: "pull", ampom: "pull", bubbling: "push", "ampom-plus": "pull + push", oracle: "offline: reads the trace ahead", "set-oracle": "offline: reads the trace ahead" });
    const leapWindow = j.policies.find((p: { name: string }) => p.name === "leap").params.find((q: { name: string }) => q.name === "maxWindow");
    expect(leapWindow).toMatchObject({ default: 8, min: 0, max: 1 << 24, integer: true });
    expect(j.mechanisms.map((m: { name: string }) => m.name)).toEqual(Object.keys(mechanisms));
    expect(j.mechanisms.find((m: { name: string }) => m.name === "pre-copy").params.map((q: { name: string }) => q.name)).toEqual(mechanisms["pre-copy"].params.map((q) => q.name));
    expect(j.pushOrders.map((o: { name: string }) => o.name)).toEqual(Object.keys(pushOrders));
    expect(j.workloads.map((w: { name: string }) => w.name)).toEqual(Object.keys(workloads));
    expect(j.networks.find((n: { name: string }) => n.name === "gige-2008")).toMatchObject({ bandwidthBps: 1e9, latencyNs: networkPresets["gige-2008"].latencyNs });
  });

  it("prints the same in text, a name at the head of each entry and each parameter with its default and range", async () => {
    const r = await ampom("list");
    expect(r.code).toBe(0);
    for (const name of [...Object.keys(policies), ...Object.keys(mechanisms), ...Object.keys(workloads)]) expect(r.stdout).toMatch(new RegExp(`^  ${name} `, "m"));
    expect(r.stdout).toMatch(/zoneRadius=16: Z: pages either side/);
    expect(r.stdout).toMatch(/pageCluster=3: the window is at most 2\^pageCluster pages \(a whole\s+number from 0 to 24\)/);
    expect(r.stdout).toContain("100Gbps, 1.5us one way");
    // wrapped to the width the docs use
    expect(Math.max(...r.stdout.split("\n").map((l) => l.length))).toBeLessThanOrEqual(88);
  });

  it("describes a user's policy module: its name, description and declared parameters", async () => {
    const r = await ampom("list", "--policy", MODULE, "--json");
    expect(r.code).toBe(0);
    const mod = JSON.parse(r.stdout).policies.at(-1);
    expect(mod).toMatchObject({ name: MODULE, kind: "pull; your module, named swap-readahead", description: "Linux swap readahead (page-cluster), written as a policy module" });
    expect(mod.params).toEqual([{ name: "pageCluster", default: 3, min: 0, max: 24, integer: true, description: "the block is at most 2^pageCluster pages" }]);
  });

  it("prints a module with no description as its kind alone, no blank after it", async () => {
    const file = join(scratchDir("list"), "bare.mjs");
    writeFileSync(file, ["reset", "onFault", "onUse", "onArrival", "onServed"].map((h) => `export function ${h}() {}`).join("\n"));
    const r = await ampom("list", "--policy", file);
    expect(r.stdout.split("\n").find((l) => l.includes(file))).toMatch(/\[pull; your module, named bare\]$/);
  });

  it("refuses a module that is not there, naming it, and prints nothing on standard output", async () => {
    const r = await ampom("list", "--policy", "./no-such-policy.ts");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("no-such-policy.ts: no such file");
    expect(r.stdout).toBe("");
  });
});
