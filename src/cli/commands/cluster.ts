// `ampom cluster SCENARIO.json`: a multi-node scenario (nodes, links, processes,
// triggers, flows); per-process metrics and cluster-wide figures.
import { dirname } from "node:path";
import { Command } from "commander";
import { progressBar } from "../progress.js";
import { simulateCluster, type ClusterResult } from "../../sim/cluster-scenario.js";
import { checkEventsPath } from "../../sim/event-file.js";
import { formatBytes, formatNs } from "../../util/units.js";
import { readJsonFile } from "../../util/json-where.js";
import { resultProvenance } from "../../util/provenance.js";
import { legend, shortNamesLegend, table } from "../format.js";
import { shortPolicyNames } from "../../policies/module.js";
import { EVENTS_OPTION } from "../run-options.js";
import { writeResult } from "../../util/stdout.js";
import { afterStrayCallbacks } from "../../util/stray.js";

/** The scenario file, parsed. Its faults begin with the path, as the other files a user
 * writes do (`s.json: no such file (the cluster scenario)`, `s.json:2:14: not valid
 * JSON ...`), and as the scenario's own faults do once inFile() has named the file. */
export function readScenarioFile(path: string): unknown {
  return readJsonFile(path, "cluster scenario");
}

/** A fault the library names by its place in the scenario ("scenario nodes[0].cpus: ...")
 * named by its place in the file the user gave. */
function inFile(err: unknown, file: string): unknown {
  if (!(err instanceof Error)) return err;
  const m = /^scenario(?: |(?=:))(.*)$/s.exec(err.message);
  return m ? new Error(`${file}: ${m[1].replace(/^: /, "")}`, { cause: err }) : err;
}

export function describeCluster(r: ClusterResult): string {
  const ns = (x: number | null) => (x === null ? "-" : formatNs(x));
  const short = shortPolicyNames(r.processes.map((p) => p.policy));
  const procs = table(
    ["process", "workload", "mechanism / policy", "home -> node", "freeze", "runtime", "faults", "stall", "cpu wait", "bytes"],
    r.processes.map((p) => [
      p.name,
      `${p.workload} ${formatBytes(p.memoryBytes)}`,
      `${p.mechanism} / ${short(p.policy)}`,
      `${p.home} -> ${p.node}`,
      formatNs(p.freezeNs),
      formatNs(p.runtimeNs),
      String(p.remoteFaults),
      formatNs(p.stallNs),
      formatNs(p.cpuWaitNs),
      formatBytes(p.bytesMoved.total),
    ]),
    ["l", "l", "l", "l", "r", "r", "r", "r", "r", "r"],
  );
  const migrations = r.migrations.length
    ? table(
        ["process", "from -> to", "trigger", "loads", "decision", "resumed"],
        r.migrations.map((m) => [
          m.process,
          `${m.from} -> ${m.to}`,
          m.trigger,
          m.loads ? `${m.loads.from.toFixed(2)} -> ${m.loads.to.toFixed(2)}` : "-",
          formatNs(m.decisionAt),
          m.abandoned ? "called off" : ns(m.resumedAt),
        ]),
        ["l", "l", "l", "r", "r", "r"],
      )
    : "no migrations";
  const links = table(
    ["node", "uplink bytes", "downlink bytes", "up msgs", "down msgs"],
    r.links.map((l) => [l.node, formatBytes(l.upBytes), formatBytes(l.downBytes), String(l.upMessages), String(l.downMessages)]),
  );
  const parts = [`makespan ${formatNs(r.makespanNs)}`, "", procs, "", migrations, "", links];
  if (r.flows.length) {
    parts.push(
      "",
      table(
        ["flow", "from -> to", "start", "bytes sent", "last in"],
        r.flows.map((f) => [f.name, `${f.from} -> ${f.to}`, formatNs(f.startNs), formatBytes(f.bytesSent), ns(f.finishedAt)]),
      ),
    );
  }
  if (r.notes.length) parts.push("", ...r.notes);
  const marks = legend(
    [...r.migrations.map((m) => [m.abandoned ? "called off" : ns(m.resumedAt)]), ...r.flows.map((f) => [ns(f.finishedAt)])],
  ).map((l) => l.replace(/^ {2}-: .*/, "  -: not reached before the scenario ended (a process not resumed, a flow not finished)"));
  if (marks.length) parts.push("", ...marks);
  const modules = shortNamesLegend(r.processes.map((p) => p.policy), short);
  if (modules.length) parts.push("", ...modules);
  return parts.join("\n");
}

export function registerCluster(program: Command): void {
  program
    .command("cluster")
    .description("simulate a multi-node scenario file: processes, migration triggers, a load balancer, flows")
    .argument("<scenario>", "scenario JSON file (see docs/cli.md, 'Scenario files')")
    .option("--json", "print the result as one JSON object, with its provenance (tool version, commit, Node, core, scenario)")
    .option("-q, --quiet", "no progress bar (standard error); the results still go to standard output")
    .option(...EVENTS_OPTION)
    .addHelpText(
      "after",
      `
Example:
  ampom cluster examples/balancer.json
  ampom cluster examples/balancer.json --json
  ampom cluster examples/balancer.json --events balancer-events.jsonl`,
    )
    .action(async (file: string, o: { json?: boolean; quiet?: boolean; events?: string }) => {
      if (o.events !== undefined) checkEventsPath(o.events, [["the scenario file", file]]);
      const scenario = readScenarioFile(file);
      const bar = progressBar("cluster", { quiet: o.quiet });
      const onProgress = (f: number) => bar.update(Math.floor(f * 100), 100, `the processes' records, ${file}`);
      const result = await simulateCluster(scenario, { events: o.events, dir: dirname(file), onProgress })
        .catch((err: unknown) => {
          throw inFile(err, file);
        })
        .finally(() => bar.stop());
      await afterStrayCallbacks();
      const core = (scenario as { core?: string }).core ?? "wasm";
      writeResult(
        o.json ? JSON.stringify({ ...result, provenance: resultProvenance({ scenarioFile: file, scenario }, core) }) + "\n" : describeCluster(result) + "\n",
      );
    });
}
