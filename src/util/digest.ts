// SHA-256 of a file's contents, read a MiB at a time: a trace may be larger than one
// buffer can hold (Node refuses to read a file over 2 GiB whole).
import { createHash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";

export function fileSha256(path: string): string {
  const hash = createHash("sha256");
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, "r");
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}
