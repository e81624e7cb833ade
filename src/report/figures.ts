// The report's figures as SVG, from ReproduceResults. Each figure has a file name, a
// caption that says what is drawn, and the SVG text; the same SVG goes into its own file
// and into report.html.
import { MARKS, pct } from "../cli/format.js";
import { formatBytes, formatNs } from "../util/units.js";
import type { ReproduceResults, SpreadRow } from "./reproduce.js";
import { barPlot, coincidentSeries, decimalsOf, xyPlot, type Band, type CellLayer, type ChartData, type Series } from "./svg.js";
import { policiesOf, policyLabels, preventedOf, settingPct } from "./tables.js";

export interface Figure {
  file: string;
  title: string;
  caption: string;
  svg: string;
  /** the plotted values, which the report's page shows as the chart's text alternative */
  data?: ChartData;
}

const MiB = 2 ** 20;
/** a share as a whole percent (80%), or as a tick's label with the decimals its axis's
 * `step` needs: ticks 0.1% apart read 100.0%, 100.1%, not 100% each */
export const percent = (v: number, step?: number): string => {
  if (step === undefined) return `${Math.round(v * 100)}%`;
  const s = (v * 100).toFixed(decimalsOf(step * 100));
  return `${/^-0\.?0*$/.test(s) ? s.slice(1) : s}%`;
};
/** a bar's value as the tables print it (99.7% is not 100%, nor is 99.96%) */
export const percent1 = (v: number) => pct(v);

/** One colour per policy or mechanism in every figure (Paul Tol's muted scheme, safe for
 * the common colour-vision deficiencies), so a policy reads the same everywhere; a
 * policy's busy-network bars take the lighter colour of its pair. */
export const SERIES_COLORS: Record<string, string> = {
  "full-copy": "#000000",
  none: "#777777",
  bubbling: "#88CCEE",
  oracle: "#332288",
  ampom: "#882255",
  "linux-cluster": "#DDCC77",
  "linux-vma": "#999933",
  leap: "#AA4499",
  "ampom-plus": "#117733",
  // a reference like the oracle, in a blue of Tol's medium-contrast scheme
  "set-oracle": "#6699CC",
};
const BUSY_COLORS: Record<string, string> = { ampom: "#CC6677", "ampom-plus": "#44AA99" };
/** For policies the tables above do not know (a policy ported since): hues none of them
 * uses, dark for the quiet network and light for the busy one, in the order a chart lists
 * such policies (from the fifth on they repeat). */
const FALLBACK = ["#EE7733", "#0077BB", "#CC3311", "#EE3377"];
const FALLBACK_BUSY = ["#FFBB88", "#88BBEE", "#EE9988", "#FFAACC"];

function fallbackOf(name: string, names: readonly string[], known: Record<string, string>, palette: string[]): string {
  const k = names.filter((n) => !(n in known)).indexOf(name);
  return palette[Math.max(0, k) % palette.length];
}

/** A series' colour: its own, else a fallback none of the chart's other `names` takes. */
export function colorOf(name: string, names: readonly string[] = [name]): string {
  return SERIES_COLORS[name] ?? fallbackOf(name, names, SERIES_COLORS, FALLBACK);
}

export function busyColorOf(name: string, names: readonly string[]): string {
  return BUSY_COLORS[name] ?? fallbackOf(name, names, BUSY_COLORS, FALLBACK_BUSY);
}

/** The paper's range of faults prevented, as a band on the faults-prevented charts. */
function paperBand(r: ReproduceResults): Band {
  const [lo, hi] = r.paper.faultsPrevented;
  return { y0: lo, y1: hi, label: `the paper's AMPoM: ${percent(lo)}–${percent(hi)}`, cls: "paper-band" };
}

/** "seeds 1–3" or "seed 1". */
function seedsText(r: ReproduceResults): string {
  const s = r.settings.seeds ?? [r.settings.seed];
  return s.length > 1 ? `seeds ${s[0]}–${s[s.length - 1]}` : `seed ${s[0]}`;
}

/** The unit a time axis reads in: `largest` (the unit of the paper's sizes), or a
 * smaller one where the greatest value is below 1 in it (at --size 1MiB a runtime axis
 * in seconds read 0, 0.01, 0.02), as the tables' times shrink to ms and us. */
export function timeUnit(ns: number[], largest: "s" | "ms"): { unit: string; per: number } {
  const top = Math.max(0, ...ns.filter(Number.isFinite));
  const units = [{ unit: "s", per: 1e9 }, { unit: "ms", per: 1e6 }, { unit: "µs", per: 1e3 }];
  const from = units.slice(units.findIndex((u) => u.unit === largest));
  return from.find((u) => top >= u.per) ?? from[from.length - 1];
}

/** Pairs merged into the groups they link, each group in the order its names first come,
 * so that n series on one another take n names, not n(n-1)/2 pairs. */
function linkedGroups(pairs: Array<[string, string]>): string[][] {
  const groupOf = new Map<string, string[]>();
  for (const [a, b] of pairs) {
    const ga = groupOf.get(a) ?? [a];
    const gb = groupOf.get(b) ?? [b];
    if (ga === gb) continue;
    ga.push(...gb.filter((n) => !ga.includes(n)));
    for (const n of ga) groupOf.set(n, ga);
  }
  return [...new Set(groupOf.values())];
}

const namesOf = (groups: string[][]) => groups.map((g) => `${g.slice(0, -1).join(", ")} and ${g[g.length - 1]}`).join("; ");

/** Pairs of series merged into groups and named in words: "a, b and c; d and e"
 * (disjoint pairs read "a and b; c and d"). */
export function groupList(pairs: Array<[string, string]>): string {
  return namesOf(linkedGroups(pairs));
}

/** A sentence naming coinciding lines, or "". */
function coincideText(series: Series[]): string {
  const groups = linkedGroups(coincidentSeries(series));
  if (groups.length === 0) return "";
  return ` ${namesOf(groups)} coincide (within half a percent of the axis): the dashes and markers show ${groups.some((g) => g.length > 2) ? "each" : "both"}.`;
}

/** The chart's own note on coinciding lines, so the figure says it wherever it is shown. */
export function coincideNote(series: Series[]): string | undefined {
  const pairs = coincidentSeries(series);
  return pairs.length ? `${groupList(pairs)}: the lines coincide` : undefined;
}

/** The spread rows of a kernel's pair, when more than one seed ran. */
function spreadOf(r: ReproduceResults, which: "extended" | "busy", kernel: string, policy: string): SpreadRow | undefined {
  return r.spread?.[which][kernel]?.find((m) => m.mechanism === "lightweight" && m.policy === policy);
}

/** Bars of faults prevented: the mean over the seeds (the value itself with one seed),
 * whiskers for least and greatest, NaN (drawn "n/a") where the share is of nothing. */
function preventedBars(r: ReproduceResults, which: "extended" | "busy", policy: string): { values: number[]; lo?: number[]; hi?: number[] } {
  const kernels = r.settings.kernels;
  if (!r.spread) return { values: kernels.map((k) => preventedOf(r[which][k], policy) ?? NaN) };
  const rows = kernels.map((k) => spreadOf(r, which, k, policy)?.faultsPrevented);
  return { values: rows.map((s) => s?.mean ?? NaN), lo: rows.map((s) => s?.min ?? NaN), hi: rows.map((s) => s?.max ?? NaN) };
}

/** Kernels with no spread at all over the seeds (their generators do not use the seed). */
function seedIndependent(r: ReproduceResults): string[] {
  if (!r.spread) return [];
  return r.settings.kernels.filter((k) => r.spread!.extended[k].every((row) => row.runtimeNs.min === row.runtimeNs.max));
}

/** Kernels where demand paging had no remote fault: faults prevented is a share of nothing. */
function nothingToPrevent(r: ReproduceResults): string[] {
  return r.headline.filter((h) => h.faultsDemand === 0).map((h) => h.kernel);
}

function barsCaptionTail(r: ReproduceResults): string {
  const parts: string[] = [];
  if (r.spread) {
    const fixed = seedIndependent(r);
    parts.push(
      `Bars are the mean over ${seedsText(r)}, whiskers the least and greatest` +
        (fixed.length ? `; ${fixed.join(", ")} ${fixed.length > 1 ? "do" : "does"} not depend on the seed (identical runs, no whisker).` : "."),
    );
  } else parts.push(`One run per bar (${seedsText(r)}; --seeds N gives a mean and a spread).`);
  const none = nothingToPrevent(r);
  if (none.length) parts.push(`n/a: ${none.join(", ")} had no remote fault under demand paging, so there was nothing to prevent.`);
  parts.push(`The shaded band is the paper's reported range for AMPoM (${percent(r.paper.faultsPrevented[0])}–${percent(r.paper.faultsPrevented[1])}).`);
  return parts.join(" ");
}

/** How the working-set points were made: one run each, or a mean over seeds (with
 * whiskers, or none when every seed ran the same). */
function wsSpreadText(r: ReproduceResults, series: Series[]): string {
  if (!r.spread) return `one run per point (${seedsText(r)})`;
  const kernel = r.figures.runtimeVsWorkingSet.kernel;
  return series.some((s) => s.lo)
    ? `the mean over ${seedsText(r)}, whiskers from least to greatest`
    : `${seedsText(r)} gave identical runs (${kernel} does not depend on the seed)`;
}

export function makeFigures(r: ReproduceResults): Figure[] {
  const f = r.figures;
  const figures: Figure[] = [];

  const fm = f.freezeVsMemory;
  // x is the address space the kernel's process has at each memory setting (the kernel
  // sizes its arrays by HPCC's rules, so two settings can give one address space)
  const freezeIn = timeUnit([...fm.fullCopyNs, ...fm.lightweightNs], "ms");
  const freezeSeries: Series[] = [
    { name: "full-copy", points: fm.addressSpaceBytes.map((b, i) => [b / MiB, fm.fullCopyNs[i] / freezeIn.per]), color: colorOf("full-copy"), dash: "", marker: "square" },
    { name: "lightweight", points: fm.addressSpaceBytes.map((b, i) => [b / MiB, fm.lightweightNs[i] / freezeIn.per]), color: colorOf("oracle"), dash: "6 3", marker: "circle" },
  ];
  figures.push({
    file: "freeze-vs-memory.svg",
    title: "Freeze time against process memory size",
    caption:
      `${fm.kernel} on ${r.settings.network}, one run per point: the time the process stands frozen, from the migration decision to ` +
      `its resume, against the process's address space, at memory settings up to ${formatBytes(r.settings.memoryBytes)} (an address space of ` +
      `${formatBytes(fm.addressSpaceBytes[fm.addressSpaceBytes.length - 1])}). full-copy (openMosix) sends every page the ` +
      `process has while it is frozen, so its freeze grows with memory; lightweight migration sends the context and ` +
      `${r.figures.timeline.eagerPages.length} pages, so its freeze stays at ${formatNs(fm.lightweightNs[fm.lightweightNs.length - 1])}.`,
    ...xyPlot({
      title: `Freeze time vs memory (${fm.kernel}, ${r.settings.network})`,
      xLabel: "address space (MiB)",
      yLabel: `freeze time (${freezeIn.unit})`,
      series: freezeSeries,
      xMin: 0,
    }),
  });

  const ws = f.runtimeVsWorkingSet;
  const policyOf = (name: string) => name.replace(/^lightweight \+ /, "");
  const wsPolicies = ws.series.map((s) => policyOf(s.name));
  const runtimeIn = timeUnit(ws.series.flatMap((s) => [...s.runtimeNs, ...(s.maxNs ?? [])]), "s");
  const wsSeries: Series[] = ws.series.map((s) => {
    const policy = policyOf(s.name);
    const spread = s.minNs?.some((lo, k) => lo !== s.maxNs[k]);
    return {
      name: s.name,
      points: ws.fractions.map((x, k): [number, number] => [x, s.runtimeNs[k] / runtimeIn.per]),
      color: colorOf(policy, wsPolicies),
      ...(spread ? { lo: s.minNs.map((v) => v / runtimeIn.per), hi: s.maxNs.map((v) => v / runtimeIn.per) } : {}),
    };
  });
  figures.push({
    file: "runtime-vs-working-set.svg",
    title: "Runtime against working-set fraction",
    caption:
      `${ws.kernel} at ${formatBytes(r.settings.memoryBytes)}: total runtime (freeze and stalls included) when the process touches ` +
      `only a fraction of its data after migration, ${wsSpreadText(r, wsSeries)}. ` +
      `full-copy pays for every page up front; lightweight migration pays only for the pages the process uses.` +
      coincideText(wsSeries),
    ...xyPlot({
      title: `Runtime vs working set (${ws.kernel})`,
      xLabel: "fraction of the data touched after migration",
      yLabel: `runtime (${runtimeIn.unit})`,
      series: wsSeries,
      note: coincideNote(wsSeries),
      xMin: 0,
      xMax: 1,
      xTicks: percent,
    }),
  });

  const tl = f.timeline;
  const dt = (tl.t1Ns - tl.t0Ns) / tl.timeBins;
  const dp = tl.pageCount / tl.pageBins;
  const t = timeUnit([tl.t1Ns], "ms");
  const toCells = (cells: Array<[number, number, number]>): CellLayer["cells"] =>
    cells.map(([k, p, n]) => [(tl.t0Ns + k * dt) / t.per, (tl.t0Ns + (k + 1) * dt) / t.per, p * dp, (p + 1) * dp, n]);
  const maxOf = (cells: Array<[number, number, number]>) => cells.reduce((m, c) => Math.max(m, c[2]), 0);
  const layers: CellLayer[] = [
    { name: `pages prefetched (${tl.recordedPrefetches}; up to ${maxOf(tl.prefetchCells)} a cell)`, color: "#332288", cells: toCells(tl.prefetchCells) },
    { name: `remote faults (${tl.recordedFaults}; up to ${maxOf(tl.faultCells)} a cell)`, color: "#CC3311", cells: toCells(tl.faultCells), mark: "cross" },
  ];
  const freezeNs = tl.migration.resumeNs - tl.migration.decisionNs;
  const span = (tl.t1Ns - tl.t0Ns) / t.per;
  figures.push({
    file: "fault-timeline.svg",
    title: "Fault timeline",
    caption:
      `${tl.kernel} under ${tl.mechanism} + ${tl.policy}, from the migration to the end of the run: the address space's pages ` +
      `(vertical) against time since the process started (horizontal), cut into ${tl.timeBins} × ${tl.pageBins} cells, ` +
      `each ${formatNs(Math.round(dt))} by ${Number(dp.toPrecision(3))} pages. A shaded cell holds pages a prefetch asked for, darker ` +
      `for more; a cross marks a cell with remote faults. The dashed line is the migration decision at ` +
      `${formatNs(tl.migration.decisionNs)} (a ${formatNs(freezeNs)} freeze); the diamonds on it are the ` +
      `${tl.eagerPages.length} pages sent with the context. Dashed horizontal lines mark where the larger regions begin.`,
    ...xyPlot({
      title: `Faults and prefetches after migration (${tl.kernel}, ${tl.policy})`,
      xLabel: `time since the process started (${t.unit})`,
      yLabel: "page",
      cells: layers,
      series: [
        {
          name: `sent with the context (${tl.eagerPages.length})`,
          points: tl.eagerPages.map((p) => [tl.migration.decisionNs / t.per, p]),
          style: "points",
          marker: "diamond",
          color: "#EE7733",
        },
      ],
      vLines: [{ x: tl.migration.decisionNs / t.per, x1: tl.migration.resumeNs / t.per, label: `migration (freeze ${formatNs(freezeNs)})`, cls: "migration-mark" }],
      // where each region of the address space starts, for regions big enough to show
      hLines: tl.regions.filter((g) => g.pages * 40 >= tl.pageCount).map((g) => ({ y: g.start, label: `region ${g.name}` })),
      // a little lead before the migration, but no time before the process started
      xMin: Math.max(0, tl.t0Ns / t.per - span * 0.03),
      xMax: tl.t1Ns / t.per,
      yMin: 0,
      yMax: tl.pageCount,
      width: 680,
      height: 420,
    }),
  });

  const pols = policiesOf(r);
  const labelOf = policyLabels(r);
  const shown = pols.filter((p) => p === "ampom" || p === "ampom-plus");
  const quietBusy = shown.length > 0 ? shown : pols.slice(0, 2);
  const kernels = r.settings.kernels;
  const perFault = (which: "extended" | "busy", p: string) => {
    const xs = kernels.map((k) => r[which][k]?.find((m) => m.mechanism === "lightweight" && m.policy === p)?.prefetchPerFault).filter((v): v is number => v !== undefined);
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
  };
  const pagesPerFault = quietBusy
    .map((p) => `${p} ${perFault("extended", p).toFixed(1)} quiet, ${perFault("busy", p).toFixed(1)} busy`)
    .join("; ");
  figures.push({
    file: "faults-prevented-quiet-busy.svg",
    title: "Faults prevented on a quiet and a busy network",
    caption:
      `The share of demand paging's remote faults each policy prevents (lightweight migration, ${r.settings.network}), with no ` +
      `background traffic (dark) and with ${settingPct(r.settings.busyBackground)} background load on the links (light). ` +
      `Pages sent with each fault request, mean over the kernels: ${pagesPerFault}. ` +
      barsCaptionTail(r),
    ...barPlot({
      title: "Faults prevented: quiet vs busy network",
      yLabel: "faults prevented",
      categories: kernels,
      categoryLabel: "kernel",
      // a policy's quiet and busy bars share a hue, dark and light
      series: quietBusy.flatMap((p) => [
        { name: `${p} quiet`, ...preventedBars(r, "extended", p), color: colorOf(p, quietBusy) },
        { name: `${p} busy`, ...preventedBars(r, "busy", p), color: busyColorOf(p, quietBusy) },
      ]),
      bands: [paperBand(r)],
      yMax: 1,
      yTicks: percent,
      valueFormat: percent1,
      width: 680,
    }),
  });

  figures.push({
    file: "faults-prevented-by-policy.svg",
    title: "Faults prevented by every policy",
    caption:
      `The share of demand paging's remote faults each policy prevents, every policy with lightweight migration on a quiet ` +
      `${r.settings.network} (the extended table as a figure; a touch of a page a push sent that has not landed is a fault too, except under the oracle, whose destination knows it is coming). ` +
      (pols.some((p) => labelOf(p) !== p) ? `${MARKS.clairvoyant} marks the references that read the trace ahead (the oracle, the set oracle). ` : "") +
      barsCaptionTail(r),
    ...barPlot({
      title: "Faults prevented by policy (lightweight, quiet network)",
      yLabel: "faults prevented",
      categories: kernels,
      categoryLabel: "kernel",
      series: pols.map((p) => ({ name: labelOf(p), ...preventedBars(r, "extended", p), color: colorOf(p, pols) })),
      bands: [paperBand(r)],
      yMax: 1,
      yTicks: percent,
      valueFormat: percent1,
      width: 780,
    }),
  });
  return figures;
}
