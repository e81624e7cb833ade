// SHA-256 of a file's contents, read a MiB at a time: a trace may be larger than one
// buffer can hold (Node refuses to read a file over 2 GiB whole).
import { createHash } from "node:crypto";
import { closeSync, openSync, readSync, statSync } from "node:fs";

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

/** Where a run key gets a file's digest; `of` computes it (and may refuse the path). */
export interface DigestSource {
  digest(path: string, of: (path: string) => string): string;
}

/** Each path's digest computed once: for one plan's runs, which read the files as they
 * stand when the plan is made. */
export class OnceDigests implements DigestSource {
  private readonly known = new Map<string, string>();
  digest(path: string, of: (path: string) => string): string {
    let d = this.known.get(path);
    if (d === undefined) {
      d = of(path);
      this.known.set(path, d);
    }
    return d;
  }
}

/** What tells a file's versions apart without reading it, "" when there is no file:
 * size, times and identity; ctime as well, as a copy that keeps the modification time
 * (cp -p, rsync -t, tar) sets it. */
export function fileStamp(path: string): string {
  const st = statSync(path, { bigint: true, throwIfNoEntry: false });
  return st ? `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}:${st.dev}` : "";
}

/** Each path's digest computed again only when the file's size, modification or change
 * time or inode changed (a rewrite or a replacement changes one): for a long-lived sweep worker,
 * which checks its runs' files before and after each task without reading a large
 * trace twice a task. */
export class StatDigests implements DigestSource {
  private readonly known = new Map<string, { stamp: string; digest: string }>();
  digest(path: string, of: (path: string) => string): string {
    const stamp = fileStamp(path);
    const hit = this.known.get(path);
    if (stamp !== "" && hit?.stamp === stamp) return hit.digest;
    const digest = of(path);
    if (stamp !== "") this.known.set(path, { stamp, digest });
    return digest;
  }
}
