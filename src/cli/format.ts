// Terminal output helpers: aligned tables and human units.
import type { Metrics } from "../sim/metrics.js";
import { formatBytes, formatNs } from "../util/units.js";

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function pct(x: number | undefined): string {
  return x === undefined ? "-" : `${(x * 100).toFixed(1)}%`;
}

/** One run as a two-column table. */
export function describeMetrics(m: Metrics): string {
  const rows: [string, string][] = [
    ["workload", `${m.workload} (${formatBytes(m.memoryBytes)}, ${m.records} records, ${m.pages} pages)`],
    ["mechanism / policy", `${m.mechanism} / ${m.policy}`],
    ["network / core", `${m.network} / ${m.core}`],
    ["freeze", formatNs(m.freezeNs)],
    ["runtime", formatNs(m.runtimeNs)],
    ["stall (fault + late)", `${formatNs(m.stallNs)} (${formatNs(m.faultStallNs)} + ${formatNs(m.lateStallNs)})`],
    ["remote faults", String(m.remoteFaults)],
    ["prefetched / useful / late", `${m.prefetchedPages} / ${m.usefulPrefetches} / ${m.latePrefetches}`],
    ["accuracy / coverage", `${pct(m.accuracy)} / ${pct(m.coverage)}`],
    ["pushed / useful", `${m.pushedPages} / ${m.usefulPushes}`],
    ["bytes moved", formatBytes(m.bytesMoved.total)],
    ["faults prevented", pct(m.faultsPrevented)],
    ["overhead vs full-copy", pct(m.overheadVsFullCopy)],
  ];
  if (m.oracleGapClosed !== undefined) rows.push(["gap to oracle closed", pct(m.oracleGapClosed)]);
  return table(["metric", "value"], rows);
}
