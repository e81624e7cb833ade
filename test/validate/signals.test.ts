// A program whose thread is signalled while it waits on a userfault: the signal ends the
// wait, the thread runs its handler and touches the page again, and the handler hears
// of one fault twice. The real migration must serve it once, count it once, and end.
// Needs userfaultfd (root); skipped, saying why, where it is not available.
import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nativeParts, userfaultfdAvailability } from "../../src/validate/native.js";
import { libraryEnv, runProgram } from "../../src/validate/runner.js";
import { networkPresets } from "../../src/network/presets.js";

const uffd = userfaultfdAvailability();
const title = uffd.ok ? "a real migration of a program under an interval timer" : `a real migration of a program under an interval timer (SKIPPED: ${uffd.reason})`;

describe.skipIf(!uffd.ok)(title, () => {
  // a signal every 100 us, while each remote fault waits about 125 us on gige-2008
  for (const policy of ["none", "ampom"] as const) {
    it(`${policy}: a fault heard twice is served and counted once (the run hung in its handler until the timeout)`, async () => {
      const parts = nativeParts();
      const dir = mkdtempSync(join(tmpdir(), "ampom-timer-"));
      try {
        const exe = join(parts.programs, "timer");
        const out = join(dir, "migrate.json");
        const env = libraryEnv(parts, exe, out, {
          mode: "migrate", call: "clock_gettime", index: 2, policy, network: { ...networkPresets["gige-2008"], background: 0 },
        });
        const { report, stdout } = await runProgram([exe, "8", "3", "100"], env, out, "the real migration", 60_000);
        const ticks = Number(/(\d+) ticks/.exec(stdout)?.[1]);
        expect(ticks).toBeGreaterThan(100);
        const real = report.real!;
        expect(real.remoteFaults).toBeGreaterThan(500);
        // the program never drops its memory: a page mapped again would be a duplicate
        expect(real.refaults).toBe(0);
        if (policy === "none") {
          // one request per remote fault, and nothing in flight that a first use could find
          expect(real.requests).toBe(real.remoteFaults);
          expect(real.firstUseFaults).toBe(0);
          expect(real.lateStallNs).toBe(0);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 120_000);
  }
});
