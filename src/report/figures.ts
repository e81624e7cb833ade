// The report's figures as SVG, from ReproduceResults. Each figure has a file name, a
// caption and the SVG text; the same SVG goes into its own file and into report.html.
import { formatBytes } from "../util/units.js";
import type { ReproduceResults } from "./reproduce.js";
import { barChart, xyChart, type Series } from "./svg.js";
import { policiesOf, preventedOf } from "./tables.js";

export interface Figure {
  file: string;
  title: string;
  caption: string;
  svg: string;
}

const MiB = 2 ** 20;
const PAIRS: Array<[string, string]> = [["#0072B2", "#8cc4e8"], ["#D55E00", "#f2b48a"], ["#009E73", "#8fd6bf"]];
const percent = (v: number) => `${Math.round(v * 100)}%`;

export function makeFigures(r: ReproduceResults): Figure[] {
  const f = r.figures;
  const figures: Figure[] = [];

  const fm = f.freezeVsMemory;
  figures.push({
    file: "freeze-vs-memory.svg",
    title: "Freeze time against process memory size",
    caption:
      `${fm.kernel}: full-copy (openMosix) sends the whole address space while the process is frozen, so its ` +
      `freeze grows with memory; lightweight migration sends the context and a few pages, and stays flat.`,
    svg: xyChart({
      title: `Freeze time vs memory (${fm.kernel}, ${r.settings.network})`,
      xLabel: "process memory (MiB)",
      yLabel: "freeze time (ms)",
      series: [
        { name: "full-copy", points: fm.memoryBytes.map((b, i) => [b / MiB, fm.fullCopyNs[i] / 1e6]) },
        { name: "lightweight", points: fm.memoryBytes.map((b, i) => [b / MiB, fm.lightweightNs[i] / 1e6]) },
      ],
      xMin: 0,
    }),
  });

  const ws = f.runtimeVsWorkingSet;
  figures.push({
    file: "runtime-vs-working-set.svg",
    title: "Runtime against working-set fraction",
    caption:
      `${ws.kernel} at ${formatBytes(r.settings.memoryBytes)}, touching only a fraction of its data after migration: ` +
      `full-copy pays for every page up front; lightweight migration pays only for the pages the process uses.`,
    svg: xyChart({
      title: `Runtime vs working set (${ws.kernel})`,
      xLabel: "fraction of the data touched after migration",
      yLabel: "runtime (s)",
      series: ws.series.map((s) => ({ name: s.name, points: ws.fractions.map((x, i) => [x, s.runtimeNs[i] / 1e9]) })),
      xMin: 0,
      xMax: 1,
      xTicks: percent,
    }),
  });

  const tl = f.timeline;
  const faultPts: Array<[number, number]> = [];
  const prefetchPts: Array<[number, number]> = [];
  tl.timeNs.forEach((t, i) => (tl.kind[i] === "fault" ? faultPts : prefetchPts).push([t / 1e6, tl.page[i]]));
  const timelineSeries: Series[] = [
    { name: `prefetch requests (${tl.recordedPrefetches})`, points: prefetchPts, style: "points", shape: "dot", color: "#56B4E9" },
    { name: `remote faults (${tl.recordedFaults})`, points: faultPts, style: "points", shape: "cross", color: "#D55E00" },
  ];
  figures.push({
    file: "fault-timeline.svg",
    title: "Fault timeline",
    caption:
      `${tl.kernel} under ${tl.mechanism} + ${tl.policy}: each remote fault (cross) and each page a prefetch asked for ` +
      `(dot), by page number and time since the process started. ` +
      (tl.recordedFaults + tl.recordedPrefetches > tl.timeNs.length ? `Thinned evenly to ${tl.timeNs.length} marks.` : ""),
    svg: xyChart({
      title: `Faults and prefetches after migration (${tl.kernel}, ${tl.policy})`,
      xLabel: "time (ms)",
      yLabel: "page",
      series: timelineSeries,
      // where each region of the address space starts, for regions big enough to show
      hLines: tl.regions
        .filter((g) => g.pages * 40 >= tl.regions.reduce((n, x) => Math.max(n, x.start + x.pages), 0))
        .map((g) => ({ y: g.start, label: `region ${g.name}` })),
      width: 640,
      height: 380,
    }),
  });

  const pols = policiesOf(r);
  const shown = pols.filter((p) => p === "ampom" || p === "ampom-plus");
  const quietBusy = shown.length > 0 ? shown : pols.slice(0, 2);
  const kernels = r.settings.kernels;
  figures.push({
    file: "faults-prevented-quiet-busy.svg",
    title: "Faults prevented on a quiet and a busy network",
    caption:
      `Share of demand paging's remote fault requests each policy prevents, with no background traffic and with ` +
      `${percent(r.settings.busyBackground)} background load on the links. AMPoM sends more pages per fault when the network is busy.`,
    svg: barChart({
      title: "Faults prevented: quiet vs busy network",
      yLabel: "faults prevented",
      categories: kernels,
      // a policy's quiet and busy bars share a hue, dark and light
      series: quietBusy.flatMap((p, i) => [
        { name: `${p} quiet`, values: kernels.map((k) => preventedOf(r.extended[k], p) ?? NaN), color: PAIRS[i % PAIRS.length][0] },
        { name: `${p} busy`, values: kernels.map((k) => preventedOf(r.busy[k], p) ?? NaN), color: PAIRS[i % PAIRS.length][1] },
      ]),
      yMax: 1,
      yTicks: percent,
      width: 640,
    }),
  });

  figures.push({
    file: "faults-prevented-by-policy.svg",
    title: "Faults prevented by every policy",
    caption: "Every prefetch policy with lightweight migration, quiet network: the extended table as a figure.",
    svg: barChart({
      title: "Faults prevented by policy (lightweight, quiet network)",
      yLabel: "faults prevented",
      categories: kernels,
      series: pols.map((p) => ({ name: p, values: kernels.map((k) => preventedOf(r.extended[k], p) ?? NaN) })),
      yMax: 1,
      yTicks: percent,
      width: 760,
    }),
  });
  return figures;
}
