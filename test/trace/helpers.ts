// Shared by the trace tests: temp dirs, reading an amt back as virtual page records.
import { mkdtempSync, rmSync } from "node:fs";
import { afterAll } from "vitest";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openAmt } from "../../src/trace/amt.js";
import { readAll } from "../workloads/helpers.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary directory, removed after the test file. */
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "ampom-trace-test-"));
  dirs.push(d);
  return d;
}

export interface VRecord {
  vpn: number;
  gap: number;
  flags: number;
}

/** The records of an amt file with dense ids mapped back to virtual page numbers. */
export function readVirtual(file: string): { records: VRecord[]; header: ReturnType<typeof openAmt>["header"] } {
  const w = openAmt(file);
  const t = readAll(w);
  const vpnOf = new Float64Array(w.pageCount);
  for (const r of w.regions) for (let i = 0; i < r.pages; i++) vpnOf[r.start + i] = Number(r.vpnBase!) + i;
  const records: VRecord[] = [];
  for (let i = 0; i < t.length; i++) records.push({ vpn: vpnOf[t.pages[i]], gap: t.gaps[i], flags: t.flags[i] });
  return { records, header: w.header };
}

/** Consecutive records on one page merged, as the importer must, while the merged gap
 * fits in 32 bits (past that the run goes on in a new record). */
export function merged(records: VRecord[]): VRecord[] {
  const out: VRecord[] = [];
  for (const r of records) {
    const last = out[out.length - 1];
    if (last && last.vpn === r.vpn && last.gap + r.gap <= 0xffffffff) {
      last.gap += r.gap;
      last.flags |= r.flags;
    } else out.push({ ...r });
  }
  return out;
}
