// Terminal output helpers: aligned tables, human units, and the marks a table prints
// where a number does not apply, each explained in a legend under the table.
import { freezeLabel, migrationCalledOff, type Metrics } from "../sim/metrics.js";
import { formatBytes, formatNs } from "../util/units.js";
import { shortPolicyNames } from "../policies/module.js";
import { isGeneratedWorkload } from "../sim/options.js";

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

/** The marks a table cell may hold instead of a number, and what each means. */
export const MARKS = {
  /** the number does not apply to this row */
  none: "-",
  /** a ratio whose denominator is too small to mean anything */
  na: "n/a",
  /** pre-copy ended without migrating */
  off: "off",
  /** after a policy's name: the run read its workload ahead */
  clairvoyant: "*",
} as const;

const CALLED_OFF = "pre-copy called its migration off: the process finished at home before the copy ended, so no migration is measured";

/** A spread cell's note that pre-copy called its migration off in `seeds` of the seeds. */
export const offIn = (seeds: number) => `off in ${seeds}`;
const OFF_IN = "off in N";

const MARK_MEANING: Record<string, string> = {
  [MARKS.none]: "does not apply to this row (no prefetched page for accuracy, no pushed page for push used; no baseline runs for the relative columns)",
  [MARKS.na]:
    "a share of a near-zero quantity, left out: faults prevented when demand paging had no remote fault; none→oracle when " +
    "demand paging and the oracle differ by under 1% of demand paging's runtime",
  [MARKS.off]: CALLED_OFF,
  [MARKS.clairvoyant]: "read the trace ahead (the oracle, the set oracle): references to measure the others by, not contenders",
  "called off": CALLED_OFF,
  [OFF_IN]: "pre-copy called its migration off in N of the seeds; the mean, least and greatest are the other seeds'",
};

/** "Legend: ..." lines for the marks that appear in `rows` (none when no mark does). */
export function legend(rows: string[][], extra: string[] = []): string[] {
  const seen = new Set<string>();
  for (const r of rows) {
    for (const c of r) {
      if (c in MARK_MEANING) seen.add(c);
      else if (c.endsWith(` ${MARKS.clairvoyant}`)) seen.add(MARKS.clairvoyant);
      else if (/; off in \d+$/.test(c)) seen.add(OFF_IN);
    }
  }
  // marks that mean the same ("off" in a column, "called off" as a freeze) share a line
  const byMeaning = new Map<string, string[]>();
  for (const m of [...seen].sort()) byMeaning.set(MARK_MEANING[m], [...(byMeaning.get(MARK_MEANING[m]) ?? []), m]);
  const lines = [...byMeaning].map(([meaning, marks]) => `  ${marks.join(", ")}: ${meaning}`);
  const all = [...lines, ...extra.map((e) => `  ${e}`)];
  return all.length ? ["Legend:", ...all] : [];
}

/** A table with its legend under it. */
export function tableWithLegend(header: string[], rows: string[][], align?: Align, extra: string[] = []): string {
  return [table(header, rows, align), ...legend(rows, extra)].join("\n");
}

/** A run's policy as tables name it: marked when the run read its workload ahead. */
export function policyLabel(m: Pick<Metrics, "policy" | "clairvoyant">): string {
  return m.clairvoyant ? `${m.policy} ${MARKS.clairvoyant}` : m.policy;
}

/** A share as a percentage; undefined prints "-". A tiny negative prints as 0.0%, not
 * -0.0%; a share just short of all, which would round to 100.0%, prints as >99.9%, so
 * that only the whole (the oracle's gap closed) reads 100.0%. */
export function pct(x: number | undefined, digits = 1): string {
  if (x === undefined) return MARKS.none;
  const s = (x * 100).toFixed(digits);
  if (x < 1 && s === (100).toFixed(digits)) return `>${(100 - 10 ** -digits).toFixed(digits)}%`;
  return `${/^-0\.?0*$/.test(s) ? s.slice(1) : s}%`;
}

export function signedPct(x: number | undefined): string {
  if (x === undefined) return MARKS.none;
  const s = (x * 100).toFixed(1);
  return `${x > 0 && s !== "0.0" ? "+" : ""}${s === "-0.0" ? "0.0" : s}%`;
}

/** A relative metric of a run as a cell: its value, or the mark that says why it has
 * none (called off, a near-zero denominator, no baselines). */
export function relativeCell(
  m: Metrics,
  metric: "faultsPrevented" | "overheadVsFullCopy" | "oracleGapClosed",
  format: (v: number | undefined) => string = metric === "overheadVsFullCopy" ? signedPct : pct,
): string {
  if (migrationCalledOff(m)) return MARKS.off;
  const v = m[metric];
  if (v !== undefined) return format(v);
  // with baselines (overheadVsFullCopy is always set then), a missing share is one of nothing
  const baselines = m.overheadVsFullCopy !== undefined;
  return baselines && metric !== "overheadVsFullCopy" ? MARKS.na : MARKS.none;
}

/** The share of pushed pages the process used, as a cell ("-" when nothing was pushed):
 * beside accuracy, which counts only the pages a policy asked for. */
export function pushUsedCell(m: Metrics): string {
  return m.pushedPages > 0 ? pct(m.usefulPushes / m.pushedPages) : MARKS.none;
}

/** The workload as a run's summary names it: a generated one with its memory, a trace
 * with its own footprint, its regions' pages, which are more than the pages it touched
 * (trace info's distinct pages): said so, or a reader takes them for those. */
function workloadLine(m: Metrics): string {
  const space = isGeneratedWorkload(m.workload) ? "" : " address space";
  return `${m.workload} (${formatBytes(m.memoryBytes)}${space}, ${m.records} records, ${m.pages} pages)`;
}

/** Why a relative metric has no value, in words, for the two-column summary. */
function relativeText(m: Metrics, metric: "faultsPrevented" | "overheadVsFullCopy" | "oracleGapClosed"): string {
  const cell = relativeCell(m, metric);
  if (cell === MARKS.off) return "n/a (pre-copy called its migration off: the process finished at home)";
  if (cell === MARKS.none) return "n/a (no baseline runs: --no-baselines)";
  if (cell === MARKS.na) {
    return metric === "faultsPrevented"
      ? "n/a (demand paging had no remote fault: nothing to prevent)"
      : "n/a (demand paging and the oracle differ by under 1% of the runtime)";
  }
  return cell;
}

/** Accuracy (useful / prefetched) and coverage (useful / (useful + remote faults)), each
 * n/a, with why, only where its own fraction is 0/0 (JSON writes 0 there): a run that
 * prefetched nothing but faulted covered none of its faults, 0%, not n/a. */
function accuracyCoverage(m: Metrics): string {
  const accuracy = m.prefetchedPages > 0 ? pct(m.accuracy) : "n/a";
  const coverage = m.usefulPrefetches + m.remoteFaults > 0 ? pct(m.coverage) : "n/a";
  const why = [m.prefetchedPages > 0 ? "" : "nothing prefetched", coverage !== "n/a" ? "" : "no remote fault"].filter((w) => w).join(", ");
  return `${accuracy} / ${coverage}${why ? ` (${why})` : ""}`;
}

/** One run as a two-column table. */
export function describeMetrics(m: Metrics): string {
  const rows: [string, string][] = [
    ["workload", workloadLine(m)],
    ["mechanism / policy", `${m.mechanism} / ${m.policy}${m.clairvoyant ? " (read the trace ahead: a reference, not a contender)" : ""}`],
    ["network / link / core", `${m.network} / ${m.link} / ${m.core}`],
    ["freeze", freezeLabel(m, formatNs)],
    ["runtime", formatNs(m.runtimeNs)],
    ["stall (fault + late)", `${formatNs(m.stallNs)} (${formatNs(m.faultStallNs)} + ${formatNs(m.lateStallNs)})`],
    ["remote faults", m.faultsMetByPush > 0 ? `${m.remoteFaults} (${m.faultsMetByPush} met by the push)` : String(m.remoteFaults)],
    ["prefetched / useful", `${m.prefetchedPages} / ${m.usefulPrefetches}`],
    ["accuracy / coverage", accuracyCoverage(m)],
    ["pushed / useful", `${m.pushedPages} / ${m.usefulPushes}`],
    // a page asked for, or the oracle's pushed page, touched before it landed
    ["late (waited for in flight)", String(m.latePrefetches)],
    ...(m.mechanismStats
      ? [["mechanism", Object.entries(m.mechanismStats).map(([k, v]) => `${k} ${k.endsWith("Ns") ? formatNs(v) : v}`).join(", ")] as [string, string]]
      : []),
    ["bytes moved", formatBytes(m.bytesMoved.total)],
    ["faults prevented", relativeText(m, "faultsPrevented")],
    ["overhead vs full-copy", relativeText(m, "overheadVsFullCopy")],
    ["gap to oracle closed", relativeText(m, "oracleGapClosed")],
  ];
  // the values are mixed text ("lightweight / none", "6.364s"): they read best left-aligned
  return table(["metric", "value"], rows, ["l", "l"]);
}

/** Legend lines for the policy modules a table names short (shortPolicyNames): the
 * path each stands for, so the short name is still traced to its file. */
export function shortNamesLegend(names: Iterable<string>, short: (name: string) => string): string[] {
  return [...new Set(names)].filter((n) => short(n) !== n).map((n) => `${short(n)}: policy module ${n}`);
}

/** `compare` rows: one line per mechanism and policy (`short`: how they name a policy). */
export function compareRows(rows: Metrics[], short = shortPolicyNames(rows.map((m) => m.policy))): { header: string[]; body: string[][]; align: Align } {
  const header = [
    "mechanism", "policy", "remote faults", "met by push", "prevented", "accuracy", "pushed", "push used", "late",
    "stall", "runtime", "freeze", "vs full-copy", "none→oracle",
  ];
  const body = rows.map((m) => [
    m.mechanism,
    policyLabel({ ...m, policy: short(m.policy) }),
    String(m.remoteFaults),
    String(m.faultsMetByPush),
    relativeCell(m, "faultsPrevented"),
    m.prefetchedPages > 0 ? pct(m.accuracy) : MARKS.none,
    String(m.pushedPages),
    pushUsedCell(m),
    String(m.latePrefetches),
    formatNs(m.stallNs),
    formatNs(m.runtimeNs),
    freezeLabel(m, formatNs),
    relativeCell(m, "overheadVsFullCopy"),
    relativeCell(m, "oracleGapClosed"),
  ]);
  return { header, body, align: ["l", "l", ...header.slice(2).map((): "r" => "r")] };
}

export function compareTable(rows: Metrics[], extra: string[] = []): string {
  const short = shortPolicyNames(rows.map((m) => m.policy));
  const t = compareRows(rows, short);
  return tableWithLegend(t.header, t.body, t.align, [...extra, ...shortNamesLegend(rows.map((m) => m.policy), short)]);
}
