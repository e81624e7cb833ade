// Terminal output helpers: aligned tables and human units.
import { freezeLabel, type Metrics } from "../sim/metrics.js";
import { formatBytes, formatNs } from "../util/units.js";

/** Column alignment: "l" left, "r" right. By default the first column is left-aligned
 * (labels) and the others right-aligned (numbers line up on their last digit). */
export type Align = Array<"l" | "r">;

export function table(header: string[], rows: string[][], align?: Align): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const left = (i: number) => (align ? align[i] === "l" : i === 0);
  const line = (cells: string[]) =>
    cells.map((c, i) => (left(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function pct(x: number | undefined, digits = 1): string {
  return x === undefined ? "-" : `${(x * 100).toFixed(digits)}%`;
}

/** One run as a two-column table. */
export function describeMetrics(m: Metrics): string {
  const rows: [string, string][] = [
    ["workload", `${m.workload} (${formatBytes(m.memoryBytes)}, ${m.records} records, ${m.pages} pages)`],
    ["mechanism / policy", `${m.mechanism} / ${m.policy}`],
    ["network / core", `${m.network} / ${m.core}`],
    ["freeze", freezeLabel(m, formatNs)],
    ["runtime", formatNs(m.runtimeNs)],
    ["stall (fault + late)", `${formatNs(m.stallNs)} (${formatNs(m.faultStallNs)} + ${formatNs(m.lateStallNs)})`],
    ["remote faults", String(m.remoteFaults)],
    ["prefetched / useful / late", `${m.prefetchedPages} / ${m.usefulPrefetches} / ${m.latePrefetches}`],
    ["accuracy / coverage", `${pct(m.accuracy)} / ${pct(m.coverage)}`],
    ["pushed / useful", `${m.pushedPages} / ${m.usefulPushes}`],
    ...(m.mechanismStats
      ? [["mechanism", Object.entries(m.mechanismStats).map(([k, v]) => `${k} ${k.endsWith("Ns") ? formatNs(v) : v}`).join(", ")] as [string, string]]
      : []),
    ["bytes moved", formatBytes(m.bytesMoved.total)],
    ["faults prevented", pct(m.faultsPrevented)],
    ["overhead vs full-copy", pct(m.overheadVsFullCopy)],
  ];
  if (m.oracleGapClosed !== undefined) rows.push(["gap to oracle closed", pct(m.oracleGapClosed)]);
  // the values are mixed text ("lightweight / none", "6.364s"): they read best left-aligned
  return table(["metric", "value"], rows, ["l", "l"]);
}

/** `compare` rows: one line per mechanism and policy. */
export function compareTable(rows: Metrics[]): string {
  const header = [
    "mechanism", "policy", "remote faults", "prevented", "accuracy", "late",
    "stall", "runtime", "freeze", "vs full-copy", "none→oracle",
  ];
  const body = rows.map((m) => [
    m.mechanism,
    m.policy,
    String(m.remoteFaults),
    pct(m.faultsPrevented),
    m.prefetchedPages > 0 ? pct(m.accuracy) : "-",
    String(m.latePrefetches),
    formatNs(m.stallNs),
    formatNs(m.runtimeNs),
    freezeLabel(m, formatNs),
    signedPct(m.overheadVsFullCopy),
    pct(m.oracleGapClosed),
  ]);
  return table(header, body, ["l", "l", "r", "r", "r", "r", "r", "r", "r", "r", "r"]);
}

export function signedPct(x: number | undefined): string {
  if (x === undefined) return "-";
  const s = (x * 100).toFixed(1);
  return `${x > 0 && s !== "0.0" ? "+" : ""}${s === "-0.0" ? "0.0" : s}%`;
}
