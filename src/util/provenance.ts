// Where a result comes from: the tool's version, the git commit its build was made
// from, and the Node version. Every JSON result the command line writes carries it,
// with the core and the options of the run, so a number found in a file later can be
// traced to the code and settings that made it.
//
// No date and no command line: results are byte-identical for the same settings and
// code (sweep shards merge into the bytes of a one-machine sweep), which a timestamp or
// a shard's own command line would break.
//
// The commit is the one the running code was built from (dist/build-info.json, which
// `npm run build` writes last, after the WebAssembly and TypeScript builds, and each of
// those removes first), not the checkout's HEAD at run time: a checkout pulled or edited
// without a rebuild runs the old code, and its results must not name the new commit.
// `stale` says when the sources beside the build differ from the ones it was made from,
// or the build carries no stamp (the command line warns). Run from the sources (tsx:
// tests, scripts), the checkout is what runs, and its HEAD is named.
import { execFileSync } from "node:child_process";
import { readFileSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sourcesDigest } from "./sources.js";

export interface Provenance {
  tool: "ampom";
  /** package.json's version */
  version: string;
  /** the commit the running build was made from (or, run from the sources, the
   * checkout's HEAD); null when that was not a git checkout or the build has no stamp */
  commit: string | null;
  /** with a commit: whether the checkout had uncommitted changes to tracked files */
  dirty?: boolean;
  /** present (true) when the running build was made from other sources than the ones
   * beside it now, or says nothing of them: `npm run build` makes them agree */
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

const STAMP = new URL("../build-info.json", import.meta.url);

/** The stamp of the build this code is (null: a build without one, or one that cannot
 * be read), or undefined when it runs from the sources, where the checkout is what runs. */
function runningBuild(): BuildStamp | null | undefined {
  if (!fileURLToPath(import.meta.url).endsWith(".js")) return undefined;
  try {
    return JSON.parse(readFileSync(STAMP, "utf8")) as BuildStamp;
  } catch {
    return null;
  }
}

let build: { stamp: BuildStamp | null | undefined; stale: boolean } | undefined;

/** The running build's stamp, and whether the sources beside it differ from the ones it
 * was made from (sources absent, as in a copy of dist/ alone, say nothing). Without a
 * git call: the command line asks at every start. */
function buildState(): { stamp: BuildStamp | null | undefined; stale: boolean } {
  if (!build) {
    const stamp = runningBuild();
    const sources = stamp ? sourcesDigest(ROOT) : null;
    build = { stamp, stale: stamp === null || (stamp !== undefined && sources !== null && stamp.sources !== sources) };
  }
  return build;
}

/** Whether results of this build cannot be traced to its sources (see `stale`). */
export function buildIsStale(): boolean {
  return buildState().stale;
}

/** The tool's provenance, worked out once per process. */
export function provenance(): Provenance {
  if (!cached) {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    const { stamp, stale } = buildState();
    const { commit, dirty } = stamp === undefined ? commitOf() : (stamp ?? { commit: null });
    cached = { tool: "ampom", version: pkg.version, commit, ...(commit !== null ? { dirty } : {}), ...(stale ? { stale } : {}), node: process.version };
  }
  return cached;
}

let identity: string | undefined;

/** What identifies the code that runs, for caches of its results (evaluate's runs
 * folder): the digest of the sources it was built from (of the checkout, run from the
 * sources), or, in a package without its sources, its version and commit. */
export function codeIdentity(): string {
  if (identity === undefined) {
    const { stamp } = buildState();
    // run from the sources, they are read once (evaluate asks before and while it runs)
    const sources = stamp === undefined ? sourcesDigest(ROOT) : stamp?.sources; // null: a build with no stamp
    identity = sources || `${provenance().version}+${provenance().commit ?? "no-commit"}`;
  }
  return identity;
}

/** One line for --version and reports: "ampom 0.1.0 (commit 1a2b3c4d5e6f, Node v20.20.2)". */
export function versionLine(p: Provenance = provenance()): string {
  const unknown = p.stale ? "commit unknown" : "not from a git checkout";
  const commit = p.commit === null ? unknown : `commit ${p.commit.slice(0, 12)}${p.dirty ? " with uncommitted changes" : ""}`;
  const stale = p.stale ? ", a build of other sources than the ones beside it: run npm run build" : "";
  return `ampom ${p.version} (${commit}${stale}, Node ${p.node})`;
}

/** The SHA-256 of the files a run reads, each present when it names one: a path alone
 * names an edited module or a trace captured again as the old one. */
export interface InputDigests {
  policyModuleSha256?: string;
  traceSha256?: string;
}

/** What a JSON result carries: the tool's provenance, the core that ran, the options
 * used and, for a run that reads files, their contents' digests. */
export interface ResultProvenance extends Provenance, InputDigests {
  core?: string;
  options: unknown;
}

export function resultProvenance(options: unknown, core?: string, inputs: InputDigests = {}): ResultProvenance {
  return { ...provenance(), ...(core !== undefined ? { core } : {}), options, ...inputs };
}
