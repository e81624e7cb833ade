// Where the native parts of `ampom validate` are (built by scripts/build-native.mjs into
// build/native/), and whether this machine can run them (the userfaultfd probe).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The package root: src/validate/ and dist/validate/ both sit two levels below it. */
export const packageRoot = fileURLToPath(new URL("../../", import.meta.url));
export const nativeDir = join(packageRoot, "build", "native");

export interface NativeParts {
  /** the LD_PRELOAD library */
  library: string;
  /** the home server */
  home: string;
  probe: string;
  /** the validation programs (sequential, strided, random, chase, matrix) */
  programs: string;
}

export function nativeParts(): NativeParts {
  const parts = {
    library: join(nativeDir, "libampom-validate.so"),
    home: join(nativeDir, "ampom-home"),
    probe: join(nativeDir, "ampom-uffd-probe"),
    programs: join(nativeDir, "programs"),
  };
  const missing = [parts.library, parts.home, parts.probe].filter((p) => !existsSync(p));
  if (missing.length) {
    const status = join(nativeDir, "STATUS");
    const why = existsSync(status) ? readFileSync(status, "utf8").trim() : "npm run build has not built them";
    throw new Error(`the native validation parts are not built (${missing[0]} is missing): ${why}; run npm run build:native after fixing that`);
  }
  return parts;
}

export interface Availability {
  ok: boolean;
  /** why not, in one line (empty when ok) */
  reason: string;
}

/** Whether userfaultfd works here: the native parts are built and the probe serves a
 * fault of its own. Never throws. */
export function userfaultfdAvailability(): Availability {
  let parts: NativeParts;
  try {
    parts = nativeParts();
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
  const r = spawnSync(parts.probe, [], { encoding: "utf8", timeout: 20_000 });
  if (r.status === 0) return { ok: true, reason: "" };
  const said = (r.stdout || r.stderr || "").trim().split("\n")[0];
  return { ok: false, reason: said || `the probe ${parts.probe} failed (${r.error?.message ?? `exit ${r.status}`})` };
}

/** The CPUs this process may run on, in increasing order, and the same as written in
 * /proc/self/status (its affinity: "0-1", "0,2-3"); where that cannot be read, every CPU
 * the machine has (0 to os.cpus().length - 1). A CPU outside them cannot be pinned to
 * (and one past the kernel's CPU set, 1024, would be written past its end). */
export function allowedCpus(): { cpus: number[]; text: string } {
  try {
    const line = /^Cpus_allowed_list:\s*(\S+)\s*$/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (line) {
      const list: number[] = [];
      for (const part of line[1].split(",")) {
        const m = /^(\d+)(?:-(\d+))?$/.exec(part);
        if (!m) throw new Error(part);
        for (let c = Number(m[1]); c <= Number(m[2] ?? m[1]); c++) list.push(c);
      }
      if (list.length) return { cpus: list, text: line[1] };
    }
  } catch {
    // not Linux, or a list this does not read: the machine's CPUs below
  }
  const n = Math.max(1, cpus().length);
  return { cpus: Array.from({ length: n }, (_, i) => i), text: n === 1 ? "0" : `0-${n - 1}` };
}
