// A trace file given as --workload: amt is read in place; a text trace (lackey or
// page-level, plain or gzip) is first imported into a temporary amt under os.tmpdir(),
// which is unlinked at once and read through its open descriptor, so nothing is left
// behind; a gzip'd amt (how the trace corpus is stored) is unpacked the same way.
// Imports are cached per process by path, size, modification time and page size.
import { closeSync, createReadStream, createWriteStream, mkdtempSync, openSync, readSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { constants as zlibConstants, createGunzip, gunzipSync } from "node:zlib";
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

export type TraceKind = "amt" | "amt-gzip" | "gzip" | "text";

/** The first bytes of a file, decompressed when it is gzip (as far as they go). */
function head(path: string): { bytes: Buffer; gzip: boolean } {
  const fd = openSync(path, "r");
  try {
    const b = Buffer.alloc(4096);
    const n = readSync(fd, b, 0, b.length, 0);
    const raw = b.subarray(0, n);
    if (n < 2 || raw[0] !== 0x1f || raw[1] !== 0x8b) return { bytes: raw, gzip: false };
    try {
      return { bytes: gunzipSync(raw, { finishFlush: zlibConstants.Z_SYNC_FLUSH }), gzip: true };
    } catch {
      return { bytes: Buffer.alloc(0), gzip: true }; // a broken stream: the text import says where
    }
  } finally {
    closeSync(fd);
  }
}

export function sniffTrace(path: string): TraceKind {
  const { bytes, gzip } = head(path);
  const amt = bytes.length >= 8 && bytes.toString("latin1", 0, 8) === AMT_MAGIC;
  if (gzip) return amt ? "amt-gzip" : "gzip";
  return amt ? "amt" : "text";
}

/** The page size an amt file (plain or gzip'd) was written with, from its header. */
export function amtPageSize(path: string): number {
  const { bytes } = head(path);
  if (bytes.length < 16) throw new Error(`${path}: not an amt trace`);
  return bytes.readUInt32LE(12);
}

function checkPageSize(path: string, w: Workload, pageSize: number): void {
  if (w.pageSize !== pageSize) {
    throw new Error(`${path}: the trace has ${w.pageSize}-byte pages but the run uses ${pageSize} (set --page-size ${w.pageSize})`);
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
  checkPageSize(path, w, pageSize);
  cache.set(key, w);
  return w;
}

/** Any trace file as a workload: amt in place, gzip'd amt unpacked, text (plain or
 * gzip) imported first. */
export async function openTraceWorkload(path: string, pageSize: number): Promise<Workload> {
  const kind = sniffTrace(path);
  if (kind === "amt") return openAmtWorkload(path, pageSize);
  const key = cacheKey(path, pageSize);
  const hit = cache.get(key);
  if (hit) return hit;
  const dir = mkdtempSync(join(tmpdir(), "ampom-trace-"));
  let w: Workload;
  try {
    const amt = join(dir, "trace.amt");
    if (kind === "amt-gzip") {
      try {
        await pipeline(createReadStream(path), createGunzip(), createWriteStream(amt));
      } catch (err) {
        throw new Error(`${path}: cannot unpack the gzip'd amt trace: ${(err as Error).message}`);
      }
      w = openAmt(path, openSync(amt, "r"));
      checkPageSize(path, w, pageSize);
    } else {
      await importTrace(path, amt, { pageSize, displayName: path });
      w = openAmt(path, openSync(amt, "r"));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  cache.set(key, w);
  return w;
}
