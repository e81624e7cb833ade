// The report's tables, as terminal text, CSV and HTML, all from ReproduceResults.
import { pct, signedPct, table } from "../cli/format.js";
import { freezeLabel, type Metrics } from "../sim/metrics.js";
import { formatBytes, formatNs } from "../util/units.js";
import type { HeadlineRow, ReproduceResults } from "./reproduce.js";

export interface TableData {
  header: string[];
  rows: string[][];
  /** "l"/"r" per column */
  align: Array<"l" | "r">;
}

const range = (r: [number, number]) => `${Math.round(r[0] * 100)}–${Math.round(r[1] * 100)}%`;

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

/** The headline table: the paper's three claims per kernel, with the paper's figures in the header. */
export function headlineTable(r: ReproduceResults): TableData {
  const p = r.paper;
  const header = [
    "kernel",
    "freeze full-copy", "freeze lightweight", `avoided (paper ${Math.round(p.freezeAvoided * 100)}%)`,
    "faults demand", "faults ampom", `prevented (paper ${range(p.faultsPrevented)})`,
    "runtime full-copy", "runtime ampom", `overhead (paper ${range(p.overheadVsFullCopy)})`,
  ];
  const row = (h: HeadlineRow) => [
    h.kernel,
    formatNs(h.freezeFullCopyNs), formatNs(h.freezeLightweightNs), pct(h.freezeAvoided, 2),
    String(h.faultsDemand), String(h.faultsAmpom), pct(h.faultsPrevented),
    formatNs(h.runtimeFullCopyNs), formatNs(h.runtimeAmpomNs), signedPct(h.overheadVsFullCopy),
  ];
  const rows = r.headline.map(row);
  if (r.headline.length > 1) {
    const hs = r.headline;
    rows.push([
      "mean", "", "", pct(mean(hs.map((h) => h.freezeAvoided)), 2),
      "", "", pct(mean(hs.map((h) => h.faultsPrevented))),
      "", "", signedPct(mean(hs.map((h) => h.overheadVsFullCopy))),
    ]);
  }
  return { header, rows, align: header.map((_, i) => (i === 0 ? "l" : "r")) };
}

/** Every mechanism/policy pair of every kernel: one row each. */
export function extendedTable(r: ReproduceResults): TableData {
  const header = [
    "kernel", "mechanism", "policy", "freeze", "remote faults", "prevented", "accuracy",
    "late", "stall", "runtime", "vs full-copy", "none→oracle",
  ];
  const rows: string[][] = [];
  for (const kernel of r.settings.kernels) {
    for (const m of r.extended[kernel]) {
      rows.push([
        kernel, m.mechanism, m.policy, freezeLabel(m, formatNs), String(m.remoteFaults), pct(m.faultsPrevented),
        m.prefetchedPages > 0 ? pct(m.accuracy) : "-", String(m.latePrefetches), formatNs(m.stallNs),
        formatNs(m.runtimeNs), signedPct(m.overheadVsFullCopy), pct(m.oracleGapClosed),
      ]);
    }
  }
  return { header, rows, align: header.map((_, i) => (i < 3 ? "l" : "r")) };
}

/** Faults prevented per kernel and policy, quiet and busy network side by side. */
export function quietBusyTable(r: ReproduceResults): TableData {
  const pols = policiesOf(r);
  const header = ["kernel", ...pols.flatMap((p) => [`${p} quiet`, `${p} busy`])];
  const rows = r.settings.kernels.map((k) => [
    k,
    ...pols.flatMap((p) => [pct(preventedOf(r.extended[k], p)), pct(preventedOf(r.busy[k], p))]),
  ]);
  return { header, rows, align: header.map((_, i) => (i === 0 ? "l" : "r")) };
}

/** Lightweight policies other than `none`, in registry order as they ran. */
export function policiesOf(r: ReproduceResults): string[] {
  const first = r.busy[r.settings.kernels[0]] ?? [];
  return first.map((m) => m.policy).filter((p) => p !== "none");
}

export function preventedOf(rows: Metrics[] | undefined, policy: string): number | undefined {
  return rows?.find((m) => m.mechanism === "lightweight" && m.policy === policy)?.faultsPrevented;
}

export function textTable(t: TableData): string {
  return table(t.header, t.rows, t.align);
}

function csvCell(v: string | number | undefined): string {
  const s = v === undefined ? "" : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csv(header: string[], rows: Array<Array<string | number | undefined>>): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(",")).join("\n") + "\n";
}

/** Raw numbers (ns, counts, fractions) for spreadsheets and plotting scripts. */
export function headlineCsv(r: ReproduceResults): string {
  const keys: Array<keyof HeadlineRow> = [
    "kernel", "freezeFullCopyNs", "freezeLightweightNs", "freezeAvoided", "faultsDemand", "faultsAmpom",
    "faultsPrevented", "runtimeFullCopyNs", "runtimeAmpomNs", "overheadVsFullCopy",
  ];
  return csv(keys, r.headline.map((h) => keys.map((k) => h[k])));
}

const METRIC_COLUMNS: Array<keyof Metrics> = [
  "mechanism", "policy", "network", "memoryBytes", "freezeNs", "remoteFaults", "faultsPrevented",
  "prefetchedPages", "usefulPrefetches", "accuracy", "coverage", "latePrefetches", "stallNs", "runtimeNs",
  "overheadVsFullCopy", "oracleRuntimeNs", "oracleGapClosed",
];

export function metricsCsv(r: ReproduceResults, which: "extended" | "busy"): string {
  const rows: Array<Array<string | number | undefined>> = [];
  for (const k of r.settings.kernels) {
    for (const m of r[which][k] ?? []) {
      rows.push([k, ...METRIC_COLUMNS.map((c) => m[c] as string | number | undefined), m.bytesMoved.total]);
    }
  }
  return csv(["kernel", ...METRIC_COLUMNS, "bytesMoved"], rows);
}

export function settingsLine(r: ReproduceResults): string {
  const s = r.settings;
  return `${formatBytes(s.memoryBytes)} per kernel, ${s.network}, migration at ${s.migrateAt * 100}% of the records, ` +
    `busy network = ${s.busyBackground * 100}% background load, ${s.cpu} CPU, ${s.core} core, seed ${s.seed}`;
}

/** One metric of lightweight migration with every policy (and of the other mechanisms
 * with `none`), as a kernel x column matrix: the extended table in terminal width. */
export function policyMatrix(
  r: ReproduceResults,
  metric: "faultsPrevented" | "overheadVsFullCopy" | "oracleGapClosed",
  format: (v: number | undefined) => string,
): TableData {
  const first = r.extended[r.settings.kernels[0]] ?? [];
  const columns = first
    .filter((m) => (m.mechanism === "lightweight" ? m.policy !== "none" : m.policy === "none" && m.mechanism !== "full-copy"))
    .map((m) => ({ mechanism: m.mechanism, policy: m.policy }));
  const label = (c: { mechanism: string; policy: string }) => (c.mechanism === "lightweight" ? c.policy : c.mechanism);
  const header = ["kernel", ...columns.map(label)];
  const rows = r.settings.kernels.map((k) => [
    k,
    ...columns.map((c) => format(r.extended[k]?.find((m) => m.mechanism === c.mechanism && m.policy === c.policy)?.[metric])),
  ]);
  return { header, rows, align: header.map((_, i) => (i === 0 ? "l" : "r")) };
}

/** One sentence per claim of the paper: which kernels reproduce it and which miss, by how much. */
export function claimLines(r: ReproduceResults): string[] {
  const p = r.paper;
  const hs = r.headline;
  const claim = (
    what: string,
    paper: string,
    value: (h: HeadlineRow) => number,
    holds: (v: number) => boolean,
    fmt: (v: number, h: HeadlineRow) => string,
  ) => {
    const ok = hs.filter((h) => holds(value(h)));
    const miss = hs.filter((h) => !holds(value(h)));
    const missed = miss.map((h) => `${h.kernel} ${fmt(value(h), h)}`).join(", ");
    return `${what} (paper ${paper}): ${ok.length} of ${hs.length} kernels` + (miss.length ? `; not: ${missed}` : "");
  };
  return [
    claim("freeze time avoided by lightweight migration", `${Math.round(p.freezeAvoided * 100)}%`, (h) => h.freezeAvoided, (v) => v >= p.freezeAvoided, (v) => pct(v, 2)),
    claim("remote faults prevented by ampom", range(p.faultsPrevented), (h) => h.faultsPrevented, (v) => v >= p.faultsPrevented[0], (v, h) => `${pct(v)} of ${h.faultsDemand}`),
    claim("ampom's runtime overhead against full-copy", range(p.overheadVsFullCopy), (h) => h.overheadVsFullCopy, (v) => v <= p.overheadVsFullCopy[1], signedPct),
  ];
}
