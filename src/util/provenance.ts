// Where a result comes from: the tool's version, the git commit of the checkout it ran
// from (when it runs from one), and the Node version. Every JSON result the command
// line writes carries it, with the core and the options of the run, so a number found
// in a file later can be traced to the code and settings that made it.
//
// No date and no command line: results are byte-identical for the same settings and
// code (sweep shards merge into the bytes of a one-machine sweep), which a timestamp or
// a shard's own command line would break.
//
// The commit is the one the running code was built from (dist/build-info.json, stamped
// by `npm run build`), not the checkout's HEAD at run time: a checkout pulled or edited
// without a rebuild runs the old code, and its results must not name the new commit.
// When the sources differ from the build's, `stale` says so (and the command line warns).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sourcesDigest } from "./sources.js";

export interface Provenance {
  tool: "ampom";
  /** package.json's version */
  version: string;
  /** the commit of the git checkout the tool runs from, null outside one (an installed
   * package) */
  commit: string | null;
  /** with a commit: whether the checkout had uncommitted changes to tracked files */
  dirty?: boolean;
  /** present (true) when the running build was made from other sources than the
   * checkout's now: `npm run build` makes them agree */
  stale?: true;
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

/** What `npm run build` stamps into dist/build-info.json. */
export interface BuildStamp extends Pick<Provenance, "commit" | "dirty"> {
  /** sourcesDigest() of the sources built */
  sources: string | null;
}

export function buildStamp(root: string): BuildStamp {
  return { ...commitOf(), sources: sourcesDigest(root) };
}

/** The stamp of the build this code is, or undefined when it runs from the sources
 * (under tsx: tests, scripts), where the checkout is what runs. */
function runningBuild(): BuildStamp | undefined {
  const here = fileURLToPath(import.meta.url);
  const stamp = new URL("../build-info.json", import.meta.url);
  if (!here.endsWith(".js") || !existsSync(stamp)) return undefined;
  return JSON.parse(readFileSync(stamp, "utf8")) as BuildStamp;
}

let staleBuild: boolean | undefined;

/** Whether the running build was made from other sources than the checkout's now
 * (without a git call: the command line asks at every start). */
export function buildIsStale(): boolean {
  if (staleBuild === undefined) {
    const build = runningBuild();
    staleBuild = build !== undefined && build.sources !== sourcesDigest(ROOT);
  }
  return staleBuild;
}

/** The tool's provenance, worked out once per process. */
export function provenance(): Provenance {
  if (!cached) {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    const build = runningBuild();
    const { commit, dirty } = build ?? commitOf();
    const stale = buildIsStale();
    cached = { tool: "ampom", version: pkg.version, commit, ...(commit !== null ? { dirty } : {}), ...(stale ? { stale } : {}), node: process.version };
  }
  return cached;
}

/** One line for --version and reports: "ampom 0.1.0 (commit 1a2b3c4d5e6f, Node v20.20.2)". */
export function versionLine(p: Provenance = provenance()): string {
  const commit = p.commit === null ? "not from a git checkout" : `commit ${p.commit.slice(0, 12)}${p.dirty ? " with uncommitted changes" : ""}`;
  const stale = p.stale ? ", built from older sources than the checkout's: run npm run build" : "";
  return `ampom ${p.version} (${commit}${stale}, Node ${p.node})`;
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
