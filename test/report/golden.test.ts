// Golden figures: `reproduce` at a tiny size must give the same numbers as the stored
// file test/golden/reproduce-tiny.json unless the model changes on purpose. After an
// intended change, refresh it with:
//   UPDATE_GOLDEN=1 npx vitest run test/report/golden.test.ts
// and review the diff of the JSON like any other change.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { reproduce, type ReproduceResults } from "../../src/report/reproduce.js";
import { writeReport } from "../../src/report/write.js";
import { writeFileAtomic } from "../../src/util/atomic-file.js";

const GOLDEN = join(import.meta.dirname, "..", "golden", "reproduce-tiny.json");
const TINY = "1MiB";

/** What the golden file pins: every table number and every figure's data. */
function goldenOf(r: ReproduceResults) {
  const row = (m: ReproduceResults["extended"][string][number]) => ({
    mechanism: m.mechanism,
    policy: m.policy,
    freezeNs: m.freezeNs,
    remoteFaults: m.remoteFaults,
    prefetchedPages: m.prefetchedPages,
    usefulPrefetches: m.usefulPrefetches,
    latePrefetches: m.latePrefetches,
    stallNs: m.stallNs,
    runtimeNs: m.runtimeNs,
    bytesMoved: m.bytesMoved.total,
    faultsPrevented: m.faultsPrevented,
    overheadVsFullCopy: m.overheadVsFullCopy,
    oracleGapClosed: m.oracleGapClosed ?? null,
  });
  const perKernel = (t: Record<string, ReproduceResults["extended"][string]>) =>
    Object.fromEntries(Object.entries(t).map(([k, rows]) => [k, rows.map(row)]));
  const tl = r.figures.timeline;
  return {
    settings: r.settings,
    headline: r.headline,
    extended: perKernel(r.extended),
    busy: perKernel(r.busy),
    freezeVsMemory: r.figures.freezeVsMemory,
    runtimeVsWorkingSet: r.figures.runtimeVsWorkingSet,
    timeline: {
      kernel: tl.kernel,
      policy: tl.policy,
      recordedFaults: tl.recordedFaults,
      recordedPrefetches: tl.recordedPrefetches,
      faultCells: tl.faultCells.length,
      prefetchCells: tl.prefetchCells.length,
      migration: tl.migration,
      eagerPages: tl.eagerPages,
      t1Ns: tl.t1Ns,
    },
  };
}

describe(`reproduce at ${TINY}`, () => {
  it("matches the golden figures", async () => {
    const actual = JSON.parse(JSON.stringify(goldenOf(await reproduce({ memory: TINY }))));
    if (process.env.UPDATE_GOLDEN === "1") {
      writeFileAtomic(GOLDEN, JSON.stringify(actual, null, 2) + "\n");
      console.warn(`golden file rewritten: ${GOLDEN}`);
      return;
    }
    expect(existsSync(GOLDEN), `no golden file; create it with UPDATE_GOLDEN=1 npx vitest run test/report/golden.test.ts`).toBe(true);
    const golden = JSON.parse(readFileSync(GOLDEN, "utf8"));
    expect(actual).toEqual(golden);
  });

  it("writes byte-identical files on a second run, and no temporary files", async () => {
    const a = mkdtempSync(join(tmpdir(), "ampom-golden-a-"));
    const b = mkdtempSync(join(tmpdir(), "ampom-golden-b-"));
    try {
      const progress: Array<[number, number]> = [];
      const first = writeReport(await reproduce({ memory: TINY, onProgress: (d, t) => progress.push([d, t]) }), a);
      // the bar's total is known before the first run, never goes back, and is reached
      // exactly at the end (runs side by side report as their shared stream advances)
      for (let i = 1; i < progress.length; i++) expect(progress[i][0]).toBeGreaterThanOrEqual(progress[i - 1][0]);
      expect(new Set(progress.map(([, t]) => t)).size).toBe(1);
      expect(progress.at(-1)![0]).toBe(progress.at(-1)![1]);
      writeReport(await reproduce({ memory: TINY }), b);
      const files = readdirSync(a).sort();
      expect(files).toEqual(readdirSync(b).sort());
      expect(files).toEqual([...first.files].sort());
      expect(files.some((f) => f.includes(".tmp"))).toBe(false);
      for (const f of files) expect(readFileSync(join(a, f)), f).toEqual(readFileSync(join(b, f)));
    } finally {
      rmSync(a, { recursive: true, force: true });
      rmSync(b, { recursive: true, force: true });
    }
  });
});
