// A trace file given as --workload: amt is read in place; a text trace (lackey or
// page-level, plain or gzip) is first imported into a temporary amt under os.tmpdir(),
// which is unlinked at once and read through its open descriptor, so nothing is left
// behind. Imports are cached per process by path, size, modification time and page size.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Workload } from "../workloads/types.js";
import { AMT_MAGIC, openAmt } from "./amt.js";
import { importTraceSync } from "./import.js";

const cache = new Map<string, Workload>();

// gzip is decompressed by a child node process (zlib has no synchronous streaming
// API), into a temporary plain file: constant memory, and openWorkload stays synchronous
const GUNZIP = `const [src, dst] = process.argv.slice(1);
require("stream").pipeline(require("fs").createReadStream(src), require("zlib").createGunzip(), require("fs").createWriteStream(dst),
  (e) => { if (e) { process.stderr.write(e.message); process.exit(1); } });`;

/** True when `path` names an existing regular file. */
export function isTraceFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export type TraceKind = "amt" | "gzip" | "text";

export function sniffTrace(path: string): TraceKind {
  const fd = openSync(path, "r");
  try {
    const b = Buffer.alloc(8);
    const n = readSync(fd, b, 0, 8, 0);
    if (n === 8 && b.toString("latin1") === AMT_MAGIC) return "amt";
    if (n >= 2 && b[0] === 0x1f && b[1] === 0x8b) return "gzip";
    return "text";
  } finally {
    closeSync(fd);
  }
}

export function openTraceWorkload(path: string, pageSize: number): Workload {
  const st = statSync(path);
  const key = `${path}\0${st.size}\0${st.mtimeMs}\0${pageSize}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const kind = sniffTrace(path);
  let w: Workload;
  if (kind === "amt") {
    w = openAmt(path);
    if (w.pageSize !== pageSize) {
      throw new Error(`${path}: the trace has ${w.pageSize}-byte pages but the run uses ${pageSize} (set --page-size ${w.pageSize})`);
    }
  } else {
    const dir = mkdtempSync(join(tmpdir(), "ampom-trace-"));
    try {
      let text = path;
      if (kind === "gzip") {
        text = join(dir, "plain");
        const r = spawnSync(process.execPath, ["-e", GUNZIP, path, text], { encoding: "utf8" });
        if (r.status !== 0) throw new Error(`${path}: cannot decompress gzip trace: ${r.stderr || r.error?.message}`);
      }
      const amt = join(dir, "trace.amt");
      importTraceSync(text, amt, { pageSize, displayName: path });
      const fd = openSync(amt, "r");
      w = openAmt(path, fd);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  cache.set(key, w);
  return w;
}
