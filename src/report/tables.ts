// The report's tables, as terminal text, CSV and HTML, all from ReproduceResults.
import { legend, MARKS, offIn, pct, policyLabel, pushUsedCell, relativeCell, signedPct, table } from "../cli/format.js";
import { freezeLabel, migrationCalledOff, type Metrics } from "../sim/metrics.js";
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
    // no remote fault under demand paging: nothing to prevent, not 0% prevented
    String(h.faultsDemand), String(h.faultsAmpom), h.faultsPrevented !== undefined ? pct(h.faultsPrevented) : MARKS.na,
    formatNs(h.runtimeFullCopyNs), formatNs(h.runtimeAmpomNs), signedPct(h.overheadVsFullCopy),
  ];
  const rows = r.headline.map(row);
  if (r.headline.length > 1) {
    const hs = r.headline;
    const prevented = hs.flatMap((h) => (h.faultsPrevented !== undefined ? [h.faultsPrevented] : []));
    rows.push([
      "mean", "", "", pct(mean(hs.map((h) => h.freezeAvoided)), 2),
      "", "", prevented.length ? pct(mean(prevented)) : MARKS.na,
      "", "", signedPct(mean(hs.map((h) => h.overheadVsFullCopy))),
    ]);
  }
  return { header, rows, align: header.map((_, i) => (i === 0 ? "l" : "r")) };
}

/** Every mechanism/policy pair of every kernel: one row each. */
export function extendedTable(r: ReproduceResults): TableData {
  const header = [
    "kernel", "mechanism", "policy", "freeze", "remote faults", "met by push", "prevented", "accuracy", "pushed", "push used",
    "late", "stall", "runtime", "vs full-copy", "none→oracle",
  ];
  const rows: string[][] = [];
  for (const kernel of r.settings.kernels) {
    for (const m of r.extended[kernel]) {
      rows.push([
        kernel, m.mechanism, policyLabel(m), freezeLabel(m, formatNs), String(m.remoteFaults), String(m.faultsMetByPush),
        relativeCell(m, "faultsPrevented"),
        m.prefetchedPages > 0 ? pct(m.accuracy) : MARKS.none, String(m.pushedPages), pushUsedCell(m), String(m.latePrefetches), formatNs(m.stallNs),
        formatNs(m.runtimeNs), relativeCell(m, "overheadVsFullCopy"), relativeCell(m, "oracleGapClosed"),
      ]);
    }
  }
  return { header, rows, align: header.map((_, i) => (i < 3 ? "l" : "r")) };
}

/** Faults prevented per kernel and policy, quiet and busy network side by side. */
export function quietBusyTable(r: ReproduceResults): TableData {
  const pols = policiesOf(r);
  const label = policyLabels(r);
  const header = ["kernel", ...pols.flatMap((p) => [`${label(p)} quiet`, `${label(p)} busy`])];
  const cell = (rows: Metrics[] | undefined, p: string) => {
    const m = rows?.find((x) => x.mechanism === "lightweight" && x.policy === p);
    return m ? relativeCell(m, "faultsPrevented") : MARKS.none;
  };
  const rows = r.settings.kernels.map((k) => [k, ...pols.flatMap((p) => [cell(r.extended[k], p), cell(r.busy[k], p)])]);
  return { header, rows, align: header.map((_, i) => (i === 0 ? "l" : "r")) };
}

/** Lightweight policies other than `none`, in registry order as they ran. */
export function policiesOf(r: ReproduceResults): string[] {
  const first = r.busy[r.settings.kernels[0]] ?? [];
  return first.map((m) => m.policy).filter((p) => p !== "none");
}

/** A lightweight policy's name as the tables and figures show it (marked when its runs
 * read ahead). */
export function policyLabels(r: ReproduceResults): (policy: string) => string {
  const first = r.extended[r.settings.kernels[0]] ?? [];
  const labels = new Map(first.filter((m) => m.mechanism === "lightweight").map((m) => [m.policy, policyLabel(m)]));
  return (policy) => labels.get(policy) ?? policy;
}

export function preventedOf(rows: Metrics[] | undefined, policy: string): number | undefined {
  return rows?.find((m) => m.mechanism === "lightweight" && m.policy === policy)?.faultsPrevented;
}

/** A table for the terminal, with a legend for the marks it holds ("-", "n/a", "off"). */
export function textTable(t: TableData): string {
  return [table(t.header, t.rows, t.align), ...legend([t.header, ...t.rows])].join("\n");
}

/** The legend lines of a table, for the HTML report. */
export function tableLegend(t: TableData): string[] {
  return legend([t.header, ...t.rows]).slice(1).map((l) => l.trim());
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
  "mechanism", "policy", "clairvoyant", "network", "memoryBytes", "freezeNs", "remoteFaults", "faultsPrevented",
  "prefetchedPages", "usefulPrefetches", "accuracy", "coverage", "latePrefetches", "stallNs", "runtimeNs",
  "overheadVsFullCopy", "oracleRuntimeNs", "oracleGapClosed",
];

/** where the background column goes: beside the network's name */
const AFTER_NETWORK = METRIC_COLUMNS.indexOf("network") + 1;

/** One row per run. `background` is the links' background load (the busy runs' is not
 * 0: the network column names only the preset). `migrated` is 0 for a migration called
 * off (pre-copy when the process ended at home first): that row's figures are of a run
 * that stayed home, which the tables mark and a spreadsheet could not otherwise tell. */
export function metricsCsv(r: ReproduceResults, which: "extended" | "busy"): string {
  const background = which === "busy" ? r.settings.busyBackground : 0;
  const rows: Array<Array<string | number | undefined>> = [];
  for (const k of r.settings.kernels) {
    for (const m of r[which][k] ?? []) {
      // clairvoyant as 1 (the run read its workload ahead) or 0, not "true" or nothing
      const columns = METRIC_COLUMNS.map((c) => (c === "clairvoyant" ? (m.clairvoyant ? 1 : 0) : (m[c] as string | number | undefined)));
      rows.push([k, ...columns.slice(0, AFTER_NETWORK), background, ...columns.slice(AFTER_NETWORK), m.bytesMoved.total, migrationCalledOff(m) ? 0 : 1]);
    }
  }
  return csv(["kernel", ...METRIC_COLUMNS.slice(0, AFTER_NETWORK), "background", ...METRIC_COLUMNS.slice(AFTER_NETWORK), "bytesMoved", "migrated"], rows);
}

/** A setting given as a fraction, as a percentage in full and without binary noise
 * (--background 0.07 is 7%, not 7.000000000000001%; 0.125 is 12.5%, not 13%). */
export const settingPct = (v: number) => `${Number((v * 100).toPrecision(12))}%`;

export function settingsLine(r: ReproduceResults): string {
  const s = r.settings;
  const seeds = s.seeds && s.seeds.length > 1 ? `seeds ${s.seeds[0]}–${s.seeds[s.seeds.length - 1]} (tables: seed ${s.seed})` : `seed ${s.seed}`;
  return `${formatBytes(s.memoryBytes)} per kernel, ${s.network}, migration at ${settingPct(s.migrateAt)} of the records, ` +
    `busy network = ${settingPct(s.busyBackground)} background load, ${s.cpu} CPU, ${s.core} core, ${seeds}`;
}

/** The columns of the policy matrices: lightweight with each policy but none, then the
 * other mechanisms that page remotely, with none; and their header. */
function matrixColumns(r: ReproduceResults): { columns: Array<{ mechanism: string; policy: string }>; header: string[] } {
  const first = r.extended[r.settings.kernels[0]] ?? [];
  const columns = first
    .filter((m) => (m.mechanism === "lightweight" ? m.policy !== "none" : m.policy === "none" && m.mechanism !== "full-copy"))
    .map((m) => ({ mechanism: m.mechanism, policy: m.policy }));
  const labelOf = policyLabels(r);
  const label = (c: { mechanism: string; policy: string }) => (c.mechanism === "lightweight" ? labelOf(c.policy) : c.mechanism);
  return { columns, header: ["kernel", ...columns.map(label)] };
}

/** One metric of lightweight migration with every policy (and of the other mechanisms
 * with `none`), as a kernel x column matrix: the extended table in terminal width. */
export function policyMatrix(
  r: ReproduceResults,
  metric: "faultsPrevented" | "overheadVsFullCopy" | "oracleGapClosed",
  format?: (v: number | undefined) => string,
): TableData {
  const { columns, header } = matrixColumns(r);
  const rows = r.settings.kernels.map((k) => [
    k,
    ...columns.map((c) => {
      const m = r.extended[k]?.find((x) => x.mechanism === c.mechanism && x.policy === c.policy);
      return m ? relativeCell(m, metric, format) : MARKS.none;
    }),
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
    applies: (h: HeadlineRow) => boolean = () => true,
    range?: [number, number],
  ) => {
    const counted = hs.filter(applies);
    const ok = counted.filter((h) => holds(value(h)));
    const miss = counted.filter((h) => !holds(value(h)));
    const missed = miss.map((h) => `${h.kernel} ${fmt(value(h), h)}`).join(", ");
    const none = hs.filter((h) => !applies(h)).map((h) => h.kernel);
    // a range's claim holds on the good side of it too; say which kernels went past it
    // (by more than the tables' rounding, 0.05%), as a model better than the paper's
    // system is not the paper's system
    const past = range ? ok.filter((h) => value(h) < range[0] - 5e-4 || value(h) > range[1] + 5e-4) : [];
    return (
      `${what} (paper ${paper}): ${ok.length} of ${counted.length} kernels` +
      (past.length ? ` (past the range: ${past.map((h) => `${h.kernel} ${fmt(value(h), h)}`).join(", ")})` : "") +
      (miss.length ? `; not: ${missed}` : "") +
      (none.length ? `; n/a: ${none.join(", ")} (no remote fault under demand paging)` : "")
    );
  };
  return [
    claim("freeze time avoided by lightweight migration", `${Math.round(p.freezeAvoided * 100)}%`, (h) => h.freezeAvoided, (v) => v >= p.freezeAvoided, (v) => pct(v, 2)),
    claim("remote faults prevented by ampom", range(p.faultsPrevented), (h) => h.faultsPrevented!, (v) => v >= p.faultsPrevented[0], (v, h) => `${pct(v)} of ${h.faultsDemand}`, (h) => h.faultsPrevented !== undefined, p.faultsPrevented),
    claim("ampom's runtime overhead against full-copy", range(p.overheadVsFullCopy), (h) => h.overheadVsFullCopy, (v) => v <= p.overheadVsFullCopy[1], signedPct, undefined, p.overheadVsFullCopy),
  ];
}

/** With several seeds: faults prevented per kernel, in the columns of the first seed's
 * matrix, as "mean (min–max)" over the seeds; a pre-copy some seeds called off is over
 * the others, and says in how many it was ("; off in 2"). */
export function spreadTable(r: ReproduceResults): TableData {
  const { columns, header } = matrixColumns(r);
  const rows = r.settings.kernels.map((k) => [
    k,
    ...columns.map((c) => {
      const row = r.spread?.extended[k]?.find((m) => m.mechanism === c.mechanism && m.policy === c.policy);
      if (!row) return MARKS.none;
      const st = row.faultsPrevented;
      const off = row.calledOff ?? 0;
      if (!st) return off > 0 ? MARKS.off : MARKS.na;
      return `${pct(st.mean)} (${pct(st.min)}–${pct(st.max)})${off > 0 ? `; ${offIn(off)}` : ""}`;
    }),
  ]);
  return { header, rows, align: header.map((_, i) => (i === 0 ? "l" : "r")) };
}
