// The bench's native anchor (bench/native/replay.c) must replay what the simulator
// replays: the same records out of the same amt file (v1, and v2 at every page stride)
// and, for policy none, the same remote faults and zero-fills. Skipped, with the
// builder's reason, where no C compiler is installed. No timing is asserted.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildNative, writeAmtV2 } from "../../bench/native.js";
import { resolveOptions } from "../../src/sim/options.js";
import { runScenario } from "../../src/sim/simulate.js";
import { openAmt } from "../../src/trace/amt.js";
import { arrayWorkload, type TraceRecord } from "../core/helpers.js";
import { fingerprint, readAll } from "../workloads/helpers.js";

const built = buildNative();
const dir = mkdtempSync(join(tmpdir(), "ampom-native-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function replay(file: string, migrateAt: number): { records: number; remoteFaults: number; zeroFills: number; fingerprint: number } {
  const r = spawnSync((built as { path: string }).path, [file, "--migrate-at-record", String(migrateAt), "--eager", "3", "--fingerprint"], { encoding: "utf8" });
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout);
}

async function check(file: string): Promise<void> {
  const w = openAmt(file);
  const s = resolveOptions({ workload: file, policy: "none", baselines: false });
  const m = await runScenario(s, w);
  const n = replay(file, Math.floor(s.migrateAt * w.records));
  expect(n.records).toBe(w.records);
  expect(n.fingerprint).toBe(fingerprint(readAll(w)));
  expect({ remoteFaults: n.remoteFaults, zeroFills: n.zeroFills }).toEqual({ remoteFaults: m.remoteFaults, zeroFills: m.zeroFills });
}

describe.skipIf("skipped" in built)("native anchor", () => {
  it("replays the committed trace, as amt v1 and as v2, like the simulator", async () => {
    const v2 = join(dir, "sort.v2.amt");
    writeAmtV2(openAmt("test/fixtures/sort-lackey.amt"), v2);
    await check("test/fixtures/sort-lackey.amt");
    await check(v2);
  });

  it("decodes blocks of every page stride and a last partial block", async () => {
    for (let k = 1; k <= 4; k++) {
      // k interleaved streams over 3 regions, with gaps of every width
      const records: TraceRecord[] = Array.from({ length: 70_001 }, (_, i) => ({
        page: (i % k) * 200 + (Math.floor(i / k) % 200),
        gap: [1, 0, 255, 256, 70_000, 2 ** 32 - 1][i % 6],
        flags: (i >> 2) % 3,
      }));
      const file = join(dir, `k${k}.amt`);
      writeAmtV2(arrayWorkload([300, 300, 300], records), file);
      const b = readFileSync(file);
      expect(b[b.readUInt32LE(52) + 12], "the first block's page stride").toBe(k);
      await check(file);
    }
  });
});

if ("skipped" in built) console.log(`native anchor tests skipped: ${built.skipped}`);
