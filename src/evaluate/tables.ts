// The evaluation as the terminal shows it: per group (tuning half, test half, traces
// given no half, HPCC kernels) a win table, one row per workload, a table of the
// configurations, and their gap closed by network condition.
import { pct, shortNamesLegend, table } from "../cli/format.js";
import { isPolicyPath, shortPolicyNames } from "../policies/module.js";
import { GROUPS } from "./plan.js";
import { plural } from "../util/text.js";
import { MIN_ORACLE_GAP } from "../sim/compare.js";
import { mean, OURS, type Evaluation, type WorkloadSummary } from "./evaluate.js";

export const TITLES: Record<(typeof GROUPS)[number], string> = {
  tuning: "Corpus, tuning half",
  test: "Corpus, test half",
  traces: "Traces (no half given)",
  kernels: "HPCC kernels (page-level models)",
};

/** How the tables and figures name an evaluation's configurations: a policy module's
 * path cut short (shortPolicyNames: its file's name, with the folders that tell it
 * apart), every other by its id. */
export function configNames(e: Pick<Evaluation, "plan">): (id: string) => string {
  const modules = e.plan.configs.filter((c) => c.policy === c.id && isPolicyPath(c.id)).map((c) => c.id);
  return shortPolicyNames(modules, e.plan.configs.map((c) => c.id));
}

/** A configuration as the tables and figures name it (`name`: configNames'): * marks
 * one that reads the trace ahead. */
export const configLabel = (c: { id: string; clairvoyant: boolean }, name = (id: string) => id) => name(c.id) + (c.clairvoyant ? " *" : "");

const pages = (x: number | undefined) => (x === undefined ? "-" : x >= 100 ? Math.round(x).toLocaleString("en-US") : x.toFixed(1));
const gap = (x: number | undefined) => (x === undefined ? "n/a" : pct(x));

/** The best configuration, with the ones that tie with it exactly. */
export function bestLabel(w: WorkloadSummary, name = (id: string) => id): string {
  if (allTie(w)) return "all tie";
  return name(w.best!) + (w.tiedWithBest.length ? ` (= ${w.tiedWithBest.map(name).join(", ")})` : "");
}

/** Every online configuration gave the same runtimes (nothing to fetch after migration). */
const allTie = (w: WorkloadSummary) => w.allTie === true;

export function winTable(ws: WorkloadSummary[], focusId = OURS, name = (id: string) => id): string {
  const focus = name(focusId);
  const rows = ws.map((w) => {
    // where all tie there is no best: every online configuration closed the same gap
    const best = w.standings.find((s) => s.config === w.best) ?? w.standings.find((s) => !s.clairvoyant)!;
    const ours = w.ours;
    return [
      w.workload,
      w.kind,
      bestLabel(w, name),
      gap(best.gapClosed),
      // no rank where all tie, as the wins and the mean rank count none
      ours?.rank === undefined ? "-" : `${ours.rank} of ${w.ranked}`,
      gap(ours?.gapClosed),
      `${w.withGap}/${w.scenarios}`,
      // and no best configuration's unused pages
      allTie(w) ? "-" : pages(best.unusedPages),
      pages(ours?.unusedPages),
    ];
  });
  return table(
    ["workload", "kind", "best configuration", "best: gap closed", `${focus} rank`, `${focus}: gap closed`, "scenarios with a gap", "unused pages: best", `unused pages: ${focus}`],
    rows,
    ["l", "l", "l", "r", "r", "r", "r", "r", "r"],
  );
}

/** A configuration over a group's workloads: the mean of each workload's runtime against
 * demand paging, of its gap closed (over the workloads with a gap; undefined when none
 * has one) and of its pages moved and never used a run. */
export function configMeans(ws: WorkloadSummary[], config: string): { relRuntime: number; gapClosed?: number; unusedPages: number } {
  const s = ws.map((w) => w.standings.find((x) => x.config === config)!);
  const gaps = s.filter((x) => x.gapClosed !== undefined).map((x) => x.gapClosed!);
  return { relRuntime: mean(s.map((x) => x.relRuntime)), gapClosed: gaps.length ? mean(gaps) : undefined, unusedPages: mean(s.map((x) => x.unusedPages)) };
}

/** A configuration's mean rank over the workloads where the configurations differ: where
 * all tie, every one ranks first, which would lift the laggards' means (as the wins
 * column leaves them out too). */
function meanRank(ws: WorkloadSummary[], s: Array<{ rank?: number }>): string {
  const ranks = s.filter((_, i) => !allTie(ws[i])).map((x) => x.rank!);
  return ranks.length ? mean(ranks).toFixed(1) : "-";
}

export function configTable(ws: WorkloadSummary[], e: Evaluation): string {
  const name = configNames(e);
  const rows = e.plan.configs.map((c) => {
    const s = ws.map((w) => w.standings.find((x) => x.config === c.id)!);
    const m = configMeans(ws, c.id);
    return [
      configLabel(c, name),
      (m.relRuntime * 100).toFixed(1) + "%",
      gap(m.gapClosed),
      c.clairvoyant ? "-" : String(ws.filter((w, i) => s[i].rank === 1 && !allTie(w)).length),
      c.clairvoyant ? "-" : meanRank(ws, s),
      pages(m.unusedPages),
    ];
  });
  return table(["configuration", "runtime vs demand", "gap closed", "wins", "mean rank", "unused pages/run"], rows);
}

/** Each configuration's gap closed by network condition: a policy's mean hides where it
 * loses (the push, on a loaded link, pays for its unused pages most). A cell is taken as
 * the group's mean is over all conditions: per workload the mean over that condition's
 * scenarios with a gap, then the mean over the workloads with one (n/a when none has). */
export function conditionTable(ws: WorkloadSummary[], e: Evaluation): string {
  const conditions = e.plan.conditions.map((c) => c.id);
  // the group's runs with a gap, by configuration, condition and workload, in one pass
  const names = new Set(ws.map((w) => w.workload));
  const gaps = new Map<string, Map<string, number[]>>();
  for (const r of e.runs) {
    if (r.gapClosed === undefined || !names.has(r.workload)) continue;
    const cell = `${r.config}\0${r.condition}`;
    let byWorkload = gaps.get(cell);
    if (!byWorkload) gaps.set(cell, (byWorkload = new Map()));
    let mine = byWorkload.get(r.workload);
    if (!mine) byWorkload.set(r.workload, (mine = []));
    mine.push(r.gapClosed);
  }
  const cellGap = (config: string, condition: string) => {
    const byWorkload = gaps.get(`${config}\0${condition}`);
    return byWorkload ? mean([...byWorkload.values()].map(mean)) : undefined;
  };
  const name = configNames(e);
  const rows = e.plan.configs.map((c) => [configLabel(c, name), ...conditions.map((cond) => gap(cellGap(c.id, cond)))]);
  return table(["configuration", ...conditions.map((c) => `gap closed: ${c}`)], rows);
}

export function evaluationText(e: Evaluation): string {
  const out: string[] = [];
  const { conditions, points } = e.plan;
  const name = configNames(e);
  const memory = [...new Set(e.plan.workloads.flatMap((w) => (w.memory ? [w.memory] : [])))];
  out.push(
    `${plural(e.plan.configs.length, "configuration")} on ${plural(e.plan.workloads.length, "workload")}` +
      `${memory.length ? ` (the kernels at ${memory.join(", ")})` : ""} under ${conditions.map((c) => c.id).join(", ")} at migration points ${points.join(", ")}, ` +
      `${e.plan.link ?? "fifo"} link (${plural(conditions.length * points.length, "scenario")} per workload, ${plural(e.runs.length, "run")}).`,
  );
  for (const g of GROUPS) {
    const ws = e.workloads.filter((w) => w.group === g);
    if (ws.length === 0) continue;
    const ours = ws.map((w) => w.ours).filter((x) => x !== undefined);
    const meanGap = configMeans(ws, e.plan.focus ?? OURS).gapClosed;
    const withGap = ours.filter((x) => x.gapClosed !== undefined).length;
    const firsts = ws.filter((w) => w.ours?.rank === 1 && !allTie(w)).length;
    const ranked = ws.filter((w) => !allTie(w)).length;
    out.push("", `${TITLES[g]}: ${plural(ws.length, "workload")}`, "", winTable(ws, e.plan.focus ?? OURS, name), "");
    if (ours.length) {
      out.push(
        `${name(e.plan.focus ?? OURS)}: ` +
          (ranked ? `best or tied for best on ${firsts} of ${ranked} (not counting workloads where all tie)` : `no rank (all tie on ${ws.length > 1 ? "every workload" : "the workload"})`) +
          (meanGap !== undefined ? `; mean gap closed ${pct(meanGap)} over the ${plural(withGap, "workload")} with a gap.` : "; no workload has a gap."),
        "",
      );
    }
    out.push(configTable(ws, e));
    if (conditions.length > 1) out.push("", conditionTable(ws, e));
  }
  out.push(
    "",
    "Legend: a workload's standing is its mean over the scenarios; the best configuration has the lowest mean runtime relative to",
    "demand paging (lightweight/none) among the online configurations; * marks the clairvoyant ones (they read the trace ahead:",
    "references, never ranked). Gap closed: (demand - runtime) / (demand - oracle), mean over the scenarios whose demand->oracle gap is",
    `at least ${100 * MIN_ORACLE_GAP}% of the demand runtime (n/a: none has). Unused pages: pages moved to the destination and never used there`,
    "(prefetched but unused + pushed but unused), mean per run. Lightweight configurations are named by their policy; (= ...)",
    "lists configurations that tie with the best exactly; all tie: every online configuration gave the same runtimes (the process",
    "needed no page from home after migration, though a push may have sent some), counted in neither the wins nor the mean rank,",
    "with no rank and no best configuration's unused pages (-). Ranks go by runtime, gap closed is a mean of shares per scenario, so",
    "where gaps are small the two orders can differ. >99.9%: short of 100% by less than 0.05%.",
    // the policy modules named short, each with the path it stands for
    ...shortNamesLegend(e.plan.configs.map((c) => c.id), name),
  );
  return out.join("\n") + "\n";
}

