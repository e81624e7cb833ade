// Printing the bench report as tables, and the change against a saved baseline.
import { formatGenerators } from "./generators.js";
import type { BenchReport } from "./types.js";

/** Rates as people read them: 12.3M, 456k. */
export function rate(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x >= 1e9) return `${(x / 1e9).toFixed(2)}G`;
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)}k`;
  return x.toFixed(0);
}

export function table(head: string[], rows: string[][]): string {
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    "| " + cells.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join(" | ") + " |";
  const rule = "|" + width.map((w, i) => (i === 0 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|") + "|";
  return [line(head), rule, ...rows.map(line)].join("\n");
}

export function formatReport(r: BenchReport): string {
  const out: string[] = [];
  const section = (title: string, head: string[], rows: string[][]) => out.push("", title, "", table(head, rows));
  const c = r.conditions;
  out.push(
    `ampom bench (${r.mode}), ${r.startedAt}, node ${c.node}, ${c.cpus} cpus, load ${c.loadavgBefore[0].toFixed(2)} -> ${c.loadavgAfter[0].toFixed(2)}, ${c.seconds.toFixed(0)} s`,
  );
  if (r.micro.length) {
    section(
      "Microbenchmarks (operations per CPU-second, median sample)",
      ["hot path", "op", "wasm ops/s", "reference ops/s", "wasm/ref"],
      r.micro.map((m) => [m.name, m.op, rate(m.wasm), rate(m.reference), `${m.ratio.toFixed(2)}x`]),
    );
  }
  if (r.endToEnd.length) {
    section(
      "End to end (records per CPU-second of one whole run, no baselines, median of repeats; floor = the same records streamed through memory)",
      ["workload", "policy", "records", "floor rec/s", "wasm rec/s", "ref rec/s", "wasm/ref", "wasm/floor", "ref/floor", "same metrics"],
      r.endToEnd.map((e) => [
        e.workload,
        e.policy,
        String(e.records),
        rate(e.floor),
        rate(e.wasm),
        rate(e.reference),
        `${e.ratio.toFixed(2)}x`,
        `${(100 * e.wasmOfFloor).toFixed(0)}%`,
        `${(100 * e.referenceOfFloor).toFixed(0)}%`,
        e.identical ? "yes" : "NO",
      ]),
    );
  }
  if (r.native?.length) {
    const x = (v: number | null) => (v !== null ? `${v.toFixed(2)}x` : "-");
    const r2 = (v: number | null) => (v !== null ? rate(v) : "-");
    section(
      "Native anchor (policy none; amt v2 unless marked v1; records per CPU-second, fastest of the repeats: end to end of the whole trace, and marginal between its first half and the whole; ratios of the marginal rates)",
      ["trace", "records", "v1 B/rec", "v2 B/rec", "native e2e", "wasm e2e", "wasm v1 e2e", "ref e2e", "native marginal", "wasm marginal", "wasm v1 marginal", "ref marginal", "wasm/native", "wasm/ref", "same faults"],
      r.native.map((n) => [
        n.trace,
        String(n.records),
        n.bytesPerRecordV1.toFixed(2),
        n.bytesPerRecordV2.toFixed(2),
        r2(n.native),
        r2(n.wasm),
        r2(n.wasmV1),
        r2(n.reference),
        r2(n.nativeMarginal),
        r2(n.wasmMarginal),
        r2(n.wasmV1Marginal),
        r2(n.referenceMarginal),
        x(n.wasmOfNative),
        x(n.wasmOfReference),
        n.sameFaults ? "yes" : "NO",
      ]),
    );
  }
  if (r.nativeNote) out.push("", `Native anchor: ${r.nativeNote}`);
  if (r.policyModule?.length) {
    section(
      "A policy written as a module against the same logic built in (linux-cluster), records per CPU-second",
      ["workload", "core", "records", "faults", "built-in rec/s", "module rec/s", "module/built-in", "same metrics"],
      r.policyModule.map((p) => [
        p.workload,
        p.core,
        String(p.records),
        String(p.faults),
        rate(p.builtIn),
        rate(p.module),
        `${p.ratio.toFixed(2)}x`,
        p.identical ? "yes" : "NO",
      ]),
    );
  }
  if (r.shared?.length) {
    section(
      "One decode for many scenarios: K scenarios of `compare --mechanisms lightweight` side by side over one record stream, against one run and against the K each reading the trace alone (wall-clock seconds, median of repeats; target shared/one <= 1 + 0.4 K)",
      ["trace", "records", "K", "one s", "K shared s", "K alone s", "shared/one", "target", "alone/shared", "same metrics"],
      r.shared.map((x) => [
        x.workload,
        String(x.records),
        String(x.K),
        x.one.toFixed(2),
        x.shared.toFixed(2),
        x.alone.toFixed(2),
        `${x.sharedOfOne.toFixed(2)}x`,
        `${x.target.toFixed(1)}x`,
        `${x.aloneOfShared.toFixed(2)}x`,
        x.identical ? "yes" : "NO",
      ]),
    );
  }
  if (r.generators?.length) {
    out.push("", "HPCC kernel generators (records handed out per second through fill(), best of the repeats; goal 100 M/s)", "", formatGenerators(r.generators));
  }
  return out.join("\n");
}

function change(now: number, before: number | undefined): string {
  if (before === undefined || !(before > 0)) return "new";
  const pct = (100 * (now - before)) / before;
  return `${pct >= 0 ? "+" : ""}${pct.toFixed(1)}%`;
}

/** The change of every rate against a baseline report (positive: faster now). */
export function formatComparison(now: BenchReport, base: BenchReport): string {
  const out: string[] = [`Against baseline of ${base.startedAt} (${base.mode}); positive = faster now`];
  if (now.micro.length) {
    const old = new Map(base.micro.map((m) => [m.name, m]));
    out.push("", table(
      ["hot path", "wasm before", "wasm now", "change", "ref before", "ref now", "change"],
      now.micro.map((m) => {
        const b = old.get(m.name);
        return [m.name, b ? rate(b.wasm) : "-", rate(m.wasm), change(m.wasm, b?.wasm), b ? rate(b.reference) : "-", rate(m.reference), change(m.reference, b?.reference)];
      }),
    ));
  }
  if (now.endToEnd.length) {
    const old = new Map(base.endToEnd.map((e) => [`${e.workload}/${e.policy}`, e]));
    out.push("", table(
      ["workload", "policy", "wasm before", "wasm now", "change", "ref before", "ref now", "change", "wasm/floor before", "now"],
      now.endToEnd.map((e) => {
        const b = old.get(`${e.workload}/${e.policy}`);
        return [
          e.workload, e.policy, b ? rate(b.wasm) : "-", rate(e.wasm), change(e.wasm, b?.wasm),
          b ? rate(b.reference) : "-", rate(e.reference), change(e.reference, b?.reference),
          b ? `${(100 * b.wasmOfFloor).toFixed(0)}%` : "-", `${(100 * e.wasmOfFloor).toFixed(0)}%`,
        ];
      }),
    ));
  }
  return out.join("\n");
}
