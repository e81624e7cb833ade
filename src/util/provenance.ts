// Where a result comes from: the tool's version, the git commit of the checkout it ran
// from (when it runs from one), and the Node version. Every JSON result the command
// line writes carries it, with the core and the options of the run, so a number found
// in a file later can be traced to the code and settings that made it.
//
// No date and no command line: results are byte-identical for the same settings and
// code (sweep shards merge into the bytes of a one-machine sweep), which a timestamp or
// a shard's own command line would break.
import { execFileSync } from "node:child_process";
import { readFileSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface Provenance {
  tool: "ampom";
  /** package.json's version */
  version: string;
  /** the commit of the git checkout the tool runs from, null outside one (an installed
   * package) */
  commit: string | null;
  /** with a commit: whether the checkout had uncommitted changes to tracked files */
  dirty?: boolean;
  /** process.version */
  node: string;
}

/** The package's root (src/util and dist/util are two folders below it). */
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

let cached: Provenance | undefined;

function git(args: string[]): string | null {
  try {
    return execFileSync("git", ["-C", ROOT, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 5000 }).trim();
  } catch {
    return null;
  }
}

/** The commit, only when the package's own folder is the top of a git checkout (an
 * installed copy inside someone else's repository is not theirs to name). */
function commitOf(): Pick<Provenance, "commit" | "dirty"> {
  const top = git(["rev-parse", "--show-toplevel"]);
  if (top === null) return { commit: null };
  try {
    if (realpathSync(top) !== realpathSync(ROOT)) return { commit: null };
  } catch {
    return { commit: null };
  }
  const head = git(["rev-parse", "HEAD"]);
  if (head === null || !/^[0-9a-f]{40}$/.test(head)) return { commit: null };
  return { commit: head, dirty: (git(["status", "--porcelain", "--untracked-files=no"]) ?? "") !== "" };
}

/** The tool's provenance, worked out once per process. */
export function provenance(): Provenance {
  if (!cached) {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    const { commit, dirty } = commitOf();
    cached = { tool: "ampom", version: pkg.version, commit, ...(commit !== null ? { dirty } : {}), node: process.version };
  }
  return cached;
}

/** One line for --version and reports: "ampom 0.1.0 (commit 1a2b3c4d5e6f, Node v20.20.2)". */
export function versionLine(p: Provenance = provenance()): string {
  const commit = p.commit === null ? "not from a git checkout" : `commit ${p.commit.slice(0, 12)}${p.dirty ? " with uncommitted changes" : ""}`;
  return `ampom ${p.version} (${commit}, Node ${p.node})`;
}

/** What a JSON result carries: the tool's provenance, the core that ran and the
 * options used. */
export interface ResultProvenance extends Provenance {
  core?: string;
  options: unknown;
}

export function resultProvenance(options: unknown, core?: string): ResultProvenance {
  return { ...provenance(), ...(core !== undefined ? { core } : {}), options };
}
