// `ampom evaluate`: every configuration on the trace corpus and the HPCC kernels, with
// a win table per corpus half and for the kernels (src/evaluate).
import { Command, Option } from "commander";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { availableParallelism } from "node:os";
import {
  allConfigs, checkFocus, checkReportInputs, corpusWorkloads, DEFAULT_CONDITIONS, DEFAULT_KERNEL_MEMORY, defaultManifest, DEFAULT_POINTS, DEMAND_ID, evaluate, evaluationText, HPCC_KERNELS, kernelWorkloads, ORACLE_ID, parseConditions, runFiles, writeEvaluationReport,
} from "../../evaluate/index.js";
import { isPolicyPath } from "../../policies/module.js";
import { checkOutDir } from "../../report/write.js";
import { checkOutputWritable, writeFileAtomic } from "../../util/atomic-file.js";
import { refuseInputs, type CommandInput } from "../../util/same-file.js";
import { exitInterrupted, STOP_SIGNALS } from "../ending.js";
import { progressBar } from "../progress.js";
import { resultProvenance } from "../../util/provenance.js";
import { commaList, fractionOption, parseFraction, parsePath, sizeOption } from "../run-options.js";
import { parseWorkers } from "./sweep.js";
import { writeResult } from "../../util/stdout.js";

/** --migrate-at's points, each as fractionOption passes it on (a point out of range is
 * named as written: points[1] ("150%")); a point given twice (0.5,50%) counts once, as
 * first written, where the library would refuse it. */
function pointsOption(value: string): Array<number | string> {
  const given = commaList(value);
  const read = given.map(parseFraction);
  return given.filter((_, i) => read.indexOf(read[i]) === i).map(fractionOption);
}

export function registerEvaluate(program: Command): void {
  program
    .command("evaluate")
    .description("every policy and push order on the trace corpus and the HPCC kernels: win tables, gap closed, network cost")
    .option("--corpus <manifest>", "a manifest of traces: the repository's corpus, or your own (docs/workloads.md gives its format) (default: corpus/manifest.json)", parsePath)
    .option("--traces <names>", "only these corpus traces, comma-separated (default: all; none for no traces)", commaList)
    .option("--kernels <names>", `HPCC kernels, comma-separated (default: ${HPCC_KERNELS.join(",")}; none for no kernels)`, commaList)
    .option("-m, --memory <size>", "the kernels' memory", sizeOption, DEFAULT_KERNEL_MEMORY)
    .option("--migrate-at <list>", `migration points, comma-separated fractions (default: ${DEFAULT_POINTS.join(",")})`, pointsOption)
    .option("--conditions <list>", `network conditions, NETWORK or NETWORK@LOAD% (default: ${DEFAULT_CONDITIONS.join(",")})`, commaList)
    .addOption(new Option("--link <discipline>", "link discipline of every run: fifo, or priority (demand faults ahead of queued pages)").choices(["fifo", "priority"]))
    .option("--policy <path>", "also evaluate your own policy module (with lightweight); repeatable", (v: string, all: string[] = []) => [...all, v])
    .option("--focus <config>", "the configuration whose rank and gap the tables report (default: ampom-plus, or the one --policy given)")
    .option("--configs <ids>", "only these configurations (policy names for lightweight, post-copy/ORDER), comma-separated; none and oracle always run (the gap needs them)", commaList)
    .option("-o, --out <file>", "machine-readable results (JSON, written atomically)", parsePath, "evaluation.json")
    .option("--report <dir>", "also write report.html into this folder: the tables, and per group figures of the gap each configuration closes, of the gap closed by scenario and of runtime against pages never used (each figure also as SVG)", parsePath)
    .option("--runs-dir <dir>", "where the runs are kept, so that running again resumes (default: OUT without .json, plus -runs)", parsePath)
    .option("-j, --workers <k>", "worker threads (default: the number of cores)", parseWorkers)
    .option("--json", "print the results JSON instead of the tables")
    .option("-q, --quiet", "no progress bar and no summary line on standard error")
    .addHelpText(
      "after",
      `
Runs lightweight migration with every policy and post-copy with every push order on
every workload, under every condition, at every migration point, as resumable sweeps.
Per workload it reports the best online configuration, ampom-plus's rank, the share of
the demand->oracle runtime gap closed, and the pages each moved but never used; per
group, each configuration's gap closed under each network condition.

Examples:
  ampom evaluate
  ampom evaluate --traces bc,graph --kernels beff --conditions gige-2008 --migrate-at 0.5
  ampom evaluate --report evaluation-report     # the tables and figures in report.html`,
    )
    .action(async (o) => {
      const none = (xs: string[] | undefined) => xs?.length === 1 && xs[0] === "none";
      const manifest: string = o.corpus ?? defaultManifest();
      const wanted = !none(o.traces);
      if (wanted && o.corpus === undefined && !existsSync(manifest)) throw new Error(`the repository's corpus manifest ${manifest} is missing: give --corpus MANIFEST, or --traces none`);
      const traces = wanted ? corpusWorkloads(manifest, o.traces) : [];
      const kernels = none(o.kernels) ? [] : kernelWorkloads(o.kernels ?? HPCC_KERNELS, o.memory);
      const modules: string[] = o.policy ?? [];
      for (const m of modules) if (!isPolicyPath(m)) throw new Error(`option policy (--policy): "${m}" is not a path to a policy module (e.g. ./my-policy.ts)`);
      const configs = allConfigs(modules);
      for (const id of o.configs ?? []) if (!configs.some((c) => c.id === id)) throw new Error(`option configs (--configs): unknown configuration "${id}" (known: ${configs.map((c) => c.id).join(", ")})`);
      const chosen = o.configs ? configs.filter((c) => o.configs.includes(c.id) || modules.includes(c.id) || c.id === DEMAND_ID || c.id === ORACLE_ID) : configs;
      const focus = checkFocus(chosen, o.focus);
      const plan = {
        workloads: [...traces, ...kernels],
        configs: chosen,
        conditions: parseConditions(o.conditions ?? DEFAULT_CONDITIONS),
        points: o.migrateAt ?? DEFAULT_POINTS,
        link: o.link,
        focus,
      };
      if (plan.workloads.length === 0) throw new Error("nothing to evaluate: no traces and no kernels");
      // every output's folder can be written: now, not after every run
      checkOutputWritable(o.out);
      if (o.report !== undefined) checkOutDir(o.report, "--report");
      const runsDir = o.runsDir ?? `${String(o.out).replace(/\.json$/, "")}-runs`;
      checkOutDir(runsDir, o.runsDir === undefined ? "runs folder" : "--runs-dir", "the runs' results files");
      // no output may replace a file the evaluation reads
      const inputs: CommandInput[] = [
        ...(wanted ? [["the corpus manifest", manifest] as CommandInput] : []),
        ...traces.map((t): CommandInput => [`the trace of program ${t.name}`, t.workload]),
        ...modules.map((m): CommandInput => ["a policy module (--policy)", m]),
      ];
      refuseInputs(`--out ${o.out}`, o.out, inputs, "the results");
      if (resolve(runsDir) === resolve(o.out)) throw new Error(`--runs-dir ${runsDir}: is the results file (--out), which would then be a folder; give another folder`);
      // nor may the runs, or the report's page and figures, replace the results
      const read = [...inputs, ["the results file (--out)", o.out] as CommandInput];
      for (const f of runFiles(plan, runsDir)) refuseInputs(`runs folder ${runsDir}: ${f}`, f, read, "the runs", "folder");
      if (o.report !== undefined) checkReportInputs(o.report, read);
      const bar = progressBar("evaluate", { quiet: o.quiet });
      const started = performance.now();
      let e;
      const counts = { resumed: 0, ran: 0 };
      const kept = { runs: 0, of: 0 };
      // Ctrl-C, or a kill (a batch system's at a job's time limit): the finished runs are
      // in the runs folder, and exiting releases the lock of the sweep going (one left
      // behind would refuse a resume on another node); say how to go on
      const interrupted = (signal: NodeJS.Signals) => {
        bar.stop();
        exitInterrupted(signal, `interrupted; ${kept.of === 0 ? "no run had begun" : `${kept.runs} of ${kept.of} runs are kept in ${runsDir}`}; run the same command to resume`);
      };
      for (const signal of STOP_SIGNALS) process.once(signal, interrupted);
      try {
        e = await evaluate({
          ...plan,
          runsDir,
          workers: o.workers ?? availableParallelism(),
          onProgress: (d, t, label) => {
            [kept.runs, kept.of] = [d, t];
            bar.update(d, t, label);
          },
          onSweep: (_, c) => ((counts.resumed += c.resumed), (counts.ran += c.ran)),
        });
      } finally {
        bar.stop();
        for (const signal of STOP_SIGNALS) process.off(signal, interrupted);
      }
      const seconds = (performance.now() - started) / 1000;
      // how it ran and what it printed (-j, -q, --json) change no result, and are left
      // out, so that one evaluation always writes the same bytes (as a sweep's file)
      const { workers: _w, quiet: _q, json: _j, ...settings } = o;
      const options = { ...settings, runsDir };
      const provenance = resultProvenance(options);
      const json = JSON.stringify({ tool: "ampom evaluate", options, provenance, ...e }, null, 1) + "\n";
      writeFileAtomic(o.out, json);
      writeResult(o.json ? json : evaluationText(e));
      const report = o.report === undefined ? undefined : writeEvaluationReport(e, o.report, provenance).report;
      if (!o.quiet && !o.json) process.stderr.write(`evaluate: ${e.runs.length} runs (${counts.ran} computed, ${counts.resumed} resumed from ${runsDir}) in ${seconds.toFixed(1)} s -> ${o.out}${report ? `, ${report}` : ""}\n`);
    });
}
