// zlib says what is wrong with a gzip stream ("unexpected end of file"), never where;
// a message must name the place too: the byte of the file, and how far it unpacked.
import { constants as zlibConstants, gunzipSync } from "node:zlib";

export interface GzipPlace {
  /** the byte of the gzip input the fault is at; for a stream cut short, its end */
  at?: number;
  /** bytes unpacked before the fault */
  unpacked: number;
  /** the line of a text trace the fault is in */
  line?: number;
  /** the unpacked size the input should have had (an amt header's), when known */
  expected?: number;
}

/** zlib's message with the place: e.g. `unexpected end of file: the gzip stream is
 * cut short at byte 20000 (the end of the file), after 8000 bytes unpacked`. */
export function gzipFault(err: Error, p: GzipPlace): string {
  const cut = (err as NodeJS.ErrnoException).code === "Z_BUF_ERROR";
  const at = p.at === undefined ? "" : cut ? `: the gzip stream is cut short at byte ${p.at} (the end of the file)` : ` at byte ${p.at}`;
  const of = p.expected === undefined ? "" : ` (its header gives ${p.expected})`;
  const line = p.line === undefined ? "" : `, reading line ${p.line}`;
  return `${err.message}${at}, after ${p.unpacked} bytes unpacked${of}${line}`;
}

/** A fault met while unpacking a stream, `read` bytes of it read and `unpacked` out:
 * its message with the place, or undefined when it is not zlib's (a read error). The
 * engine takes its input in chunks, so only a stream's end is an exact byte: a fault
 * inside is placed by what it unpacked. */
export function gunzipStreamFault(err: Error, read: number, unpacked: number, line?: number): string | undefined {
  const code = String((err as NodeJS.ErrnoException).code);
  if (!code.startsWith("Z_")) return undefined;
  return gzipFault(err, { at: code === "Z_BUF_ERROR" ? read : undefined, unpacked, line });
}

const unpackAsFarAsItGoes = (b: Uint8Array) => gunzipSync(b, { finishFlush: zlibConstants.Z_SYNC_FLUSH }).length;

/** A gzip file held whole (`bytes`) that did not unpack with `err`: its message with
 * the place. A stream cut short fails at its end; another fault at the shortest
 * beginning of the file that fails (found by halving: a failure path only). */
export function gunzipFault(err: Error, bytes: Uint8Array, extra: Omit<GzipPlace, "at" | "unpacked"> = {}): string {
  try {
    return gzipFault(err, { ...extra, at: bytes.length, unpacked: unpackAsFarAsItGoes(bytes) });
  } catch {
    // a fault before the end: prefix `ok` unpacks, prefix `bad` does not
  }
  let ok = 0;
  let bad = bytes.length;
  while (bad - ok > 1) {
    const mid = (ok + bad) >>> 1;
    try {
      unpackAsFarAsItGoes(bytes.subarray(0, mid));
      ok = mid;
    } catch {
      bad = mid;
    }
  }
  let unpacked = 0;
  try {
    unpacked = unpackAsFarAsItGoes(bytes.subarray(0, ok));
  } catch {
    // ok = 0: nothing unpacks
  }
  // the fault is in byte `bad - 1`, the last of the shortest prefix that fails
  return gzipFault(err, { ...extra, at: bad - 1, unpacked });
}
