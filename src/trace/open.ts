// A trace file given as --workload: amt is read in place; a text trace (lackey or
// page-level, plain or gzip) is first imported into a temporary amt under os.tmpdir(),
// which is unlinked at once and read through its open descriptor, so nothing is left
// behind. Imports are cached per process by path, size, modification time and page size.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Workload } from "../workloads/types.js";
import { AMT_MAGIC, openAmt } from "./amt.js";
import { importTrace } from "./import.js";

const cache = new Map<string, Workload>();

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

function cacheKey(path: string, pageSize: number): string {
  const st = statSync(path);
  return `${path}\0${st.size}\0${st.mtimeMs}\0${pageSize}`;
}

/** An amt trace as a workload, its header and trailer checked; synchronous, so cheap
 * checks (preflight, `trace info`) can use it. */
export function openAmtWorkload(path: string, pageSize: number): Workload {
  const key = cacheKey(path, pageSize);
  const hit = cache.get(key);
  if (hit) return hit;
  const w = openAmt(path);
  if (w.pageSize !== pageSize) {
    throw new Error(`${path}: the trace has ${w.pageSize}-byte pages but the run uses ${pageSize} (set --page-size ${w.pageSize})`);
  }
  cache.set(key, w);
  return w;
}

/** Any trace file as a workload: amt in place, text (plain or gzip) imported first. */
export async function openTraceWorkload(path: string, pageSize: number): Promise<Workload> {
  if (sniffTrace(path) === "amt") return openAmtWorkload(path, pageSize);
  const key = cacheKey(path, pageSize);
  const hit = cache.get(key);
  if (hit) return hit;
  const dir = mkdtempSync(join(tmpdir(), "ampom-trace-"));
  let w: Workload;
  try {
    const amt = join(dir, "trace.amt");
    await importTrace(path, amt, { pageSize, displayName: path });
    w = openAmt(path, openSync(amt, "r"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  cache.set(key, w);
  return w;
}
