// `ampom list`: what the simulator has built in (policies with their parameters,
// mechanisms, push orders, workloads, network presets), and what a user's policy module
// declares, read from the same registries the runs use.
import { Command } from "commander";
import { policies, type PolicyInfo } from "../../policies/registry.js";
import { loadPolicyModule, modulePolicyParamSpecs } from "../../policies/module.js";
import { mechanisms } from "../../migration/registry.js";
import { pushOrders, readsAhead, type PushOrderInfo } from "../../migration/push-orders/index.js";
import { workloads } from "../../workloads/registry.js";
import { networkPresets } from "../../network/presets.js";
import { paramRange, type NumericParam } from "../../util/params.js";
import { formatNs, formatRate } from "../../util/units.js";
import { wrapWords } from "../../util/text.js";
import { writeResult } from "../../util/stdout.js";

interface Entry {
  name: string;
  description: string;
  /** what kind of policy (policies only) */
  kind?: string;
  params?: NumericParam[];
  /** a network preset's link */
  bandwidthBps?: number;
  latencyNs?: number;
}

interface Section {
  key: string;
  title: string;
  /** the option that takes the names, and the one that sets their parameters */
  usage: string;
  entries: Entry[];
}

/** A built-in policy's kind, as the pairing rule and the tables treat it. */
function policyKind(p: PolicyInfo): string {
  if (p.push && readsAhead(p.push)) return "offline: reads the trace ahead";
  if (p.push) return p.id === 0 ? "push" : "pull + push";
  return "pull";
}

async function sections(modules: string[]): Promise<Section[]> {
  const policyEntries: Entry[] = Object.values(policies).map((p) => ({ name: p.name, kind: policyKind(p), description: p.description, params: p.params }));
  for (const path of modules) {
    const mod = await loadPolicyModule(path);
    policyEntries.push({ name: path, kind: `pull; your module, named ${mod.name}`, description: mod.description ?? "", params: modulePolicyParamSpecs(mod) });
  }
  return [
    { key: "policies", title: "Policies", usage: "--policy NAME or the path of your own module; --param NAME=VALUE", entries: policyEntries },
    {
      key: "mechanisms",
      title: "Migration mechanisms",
      usage: "--mechanism NAME; --mech-param NAME=VALUE",
      entries: Object.values(mechanisms).map((m) => ({ name: m.name, description: m.description, params: m.params })),
    },
    {
      key: "pushOrders",
      title: "Push orders",
      usage: "--push-order NAME, with post-copy",
      entries: Object.values(pushOrders as Record<string, PushOrderInfo>).map((o) => ({ name: o.name, description: o.description })),
    },
    {
      key: "workloads",
      title: "Workloads",
      usage: "--workload NAME, or the path of a trace file",
      entries: Object.values(workloads).map((w) => ({ name: w.name, description: w.description })),
    },
    {
      key: "networks",
      title: "Network presets",
      usage: "--network NAME; --bandwidth and --latency override its link",
      entries: Object.values(networkPresets).map((n) => ({ name: n.name, description: n.description, bandwidthBps: n.bandwidthBps, latencyNs: n.latencyNs })),
    },
  ];
}

const WIDTH = 88;

function text(all: Section[]): string {
  const out: string[] = [];
  for (const s of all) {
    out.push(`${s.title} (${s.usage})`, "");
    const nameWidth = Math.max(...s.entries.map((e) => e.name.length)) + 2;
    const indent = " ".repeat(nameWidth + 2);
    for (const e of s.entries) {
      const link = e.bandwidthBps !== undefined ? `${formatRate(e.bandwidthBps)}, ${formatNs(e.latencyNs!)} one way: ` : "";
      const head = `${e.kind ? `[${e.kind}]${link || e.description ? " " : ""}` : ""}${link}${e.description}`;
      wrapWords(head, WIDTH - indent.length).forEach((line, i) => out.push(i === 0 ? `  ${e.name.padEnd(nameWidth)}${line}` : `${indent}${line}`));
      for (const p of e.params ?? []) {
        const about = `${p.name}=${p.default}: ${p.description}${p.description ? " " : ""}(${paramRange(p)})`;
        wrapWords(about, WIDTH - indent.length - 4).forEach((line, i) => out.push(`${indent}${i === 0 ? "  " : "    "}${line}`));
      }
    }
    out.push("");
  }
  return out.join("\n");
}

/** JSON has no infinity: an unbounded minimum is null. */
function jsonParam(p: NumericParam): Record<string, unknown> {
  return { name: p.name, default: p.default, min: Number.isFinite(p.min ?? 0) ? (p.min ?? 0) : null, max: p.max ?? null, integer: p.integer === true, description: p.description };
}

export function registerList(program: Command): void {
  program
    .command("list")
    .description("the built-in policies (with their parameters), mechanisms, push orders, workloads and network presets")
    .option("--policy <path>", "also describe your own policy module: its name, description and parameters; repeatable", (v: string, all: string[] = []) => [...all, v])
    .option("--json", "print them as one JSON object")
    .addHelpText("after", "\nExamples:\n  ampom list\n  ampom list --policy ./my-policy.ts --json")
    .action(async (o: { policy?: string[]; json?: boolean }) => {
      const all = await sections(o.policy ?? []);
      if (!o.json) {
        writeResult(text(all));
        return;
      }
      const json = Object.fromEntries(all.map((s) => [s.key, s.entries.map((e) => ({ ...e, params: e.params?.map(jsonParam) }))]));
      writeResult(JSON.stringify(json, null, 1) + "\n");
    });
}
