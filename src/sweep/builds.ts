// Which build of ampom made each record of a results file. A run's key names its options
// and input files, not the code that ran it, so a sweep resumed after an update, or shards
// run from different checkouts, would put two versions' figures in one file, each line
// true to the code that made it and the file as a whole to neither. Every line carries
// its provenance; a sweep and a merge read it and refuse such a mix unless told to keep it.
import type { RunRecord } from "./results.js";
import { provenance, versionLine, type Provenance } from "../util/provenance.js";
import { plural } from "../util/text.js";

/** A build as a line names it: version, commit (and whether it had uncommitted changes),
 * Node version. Two builds with uncommitted changes at one commit read alike: the line
 * cannot tell them apart. */
function buildOf(p: Provenance | undefined): string {
  if (p === undefined) return "a build that did not record itself (a line without provenance)";
  return versionLine({ tool: "ampom", version: p.version, commit: p.commit ?? null, dirty: p.dirty, node: p.node ?? "unknown" });
}

/** The build running now. */
const thisBuild = (): string => buildOf(provenance());

/** The builds records came from, each named once with the first place it was read; a
 * run's build is a number (a sweep keeps four bytes a run for it). */
export class BuildCount {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly firsts: string[] = [];

  /** The number of `record`'s build, first read at `where` (file:line). */
  idOf(record: RunRecord, where: string): number {
    const name = buildOf(record.provenance);
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.push(name) - 1;
      this.ids.set(name, id);
      this.firsts.push(where);
    }
    return id;
  }

  /** The number of build `name`, or -1: none of the records read. */
  private find(name: string): number {
    return this.ids.get(name) ?? -1;
  }

  /** Runs of more than one build, said ("2 builds of ampom: N runs by BUILD, the first
   * at FILE:LINE; ..."), or undefined: `kept` counts runs by build number, and `now`
   * more are to come from the build running. */
  mix(kept: number[], now = 0): string | undefined {
    const mine = this.find(thisBuild());
    const keptMine = mine >= 0 && kept[mine] > 0;
    const parts: string[] = [];
    kept.forEach((n, id) => {
      if (n > 0) parts.push(`${plural(n, "run")} by ${this.names[id]}${id === mine ? ", this one" : ""}, the first at ${this.firsts[id]}`);
    });
    const builds = parts.length + (now > 0 && !keptMine ? 1 : 0);
    if (builds <= 1) return undefined;
    if (now > 0) parts.push(`${now} to run now by ${keptMine ? "this one" : `this one, ${thisBuild()}`}`);
    return `${builds} builds of ampom: ${parts.join("; ")}`;
  }
}
