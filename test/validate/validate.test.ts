// The simulator held against a real migration on this machine (issue 16): two small
// validation programs, migrated for real with userfaultfd under policies none and ampom,
// against the simulation of their captured traces. Where userfaultfd cannot run (not
// root, an old kernel, no compiler for the native parts) the suite says why and is
// skipped; it never passes without running.
//
// Only counts are asserted: demand faults within 2% on both programs; ampom's within 10%
// on the sequential one; on the random one ampom's real count moves between runs (6 to
// 44 faults on random 4 2, from when the handler's batches land against the program's
// own pace) and the simulation gives fewer (docs/validation.md), so only what both
// agree on is asserted there: ampom prevents nine in ten of the demand faults. Runtimes
// are timed on a shared machine and belong in the validation table, not in a test.
import { describe, expect, it } from "vitest";
import { nativeParts, userfaultfdAvailability } from "../../src/validate/native.js";
import { validate, type Validation } from "../../src/validate/validate.js";
import { join } from "node:path";

const uffd = userfaultfdAvailability();
if (!uffd.ok) console.warn(`\n*** real-migration validation SKIPPED: ${uffd.reason}\n`);

const title = uffd.ok ? "real migration against the simulator" : `real migration against the simulator (SKIPPED: ${uffd.reason})`;

describe.skipIf(!uffd.ok)(title, () => {
  const programs = () => nativeParts().programs;
  const runs = new Map<string, Promise<Validation>>();
  const validated = (name: string, args: string[]) => {
    if (!runs.has(name)) runs.set(name, validate({ command: [join(programs(), name), ...args], policies: ["none", "ampom"], migrateCall: "clock_gettime:2", nativeRuns: 2 }));
    return runs.get(name)!;
  };

  for (const [name, args] of [
    ["sequential", ["4", "2"]],
    ["random", ["4", "2"]],
  ] as const) {
    it(`${name}: demand faults within 2% of the real count; ampom ${name === "sequential" ? "within 10%" : "prevents 90% on both sides"}`, async () => {
      const v = await validated(name, [...args]);
      const [none, ampom] = v.results;
      expect(none.policy).toBe("none");
      // the migration moved what the trace says was touched before it
      expect(none.real.homePages).toBeGreaterThan(900);
      expect(none.real.remoteFaults).toBeGreaterThan(500);
      expect(Math.abs(none.errorPercent.remoteFaults!)).toBeLessThanOrEqual(2);
      expect(ampom.real.remoteFaults).toBeGreaterThan(0);
      if (name === "sequential") {
        expect(Math.abs(ampom.simulated.remoteFaults - ampom.real.remoteFaults)).toBeLessThanOrEqual(Math.max(2, 0.1 * ampom.real.remoteFaults));
      } else {
        expect(ampom.real.remoteFaults).toBeLessThan(0.1 * none.real.remoteFaults);
        expect(ampom.simulated.remoteFaults).toBeLessThan(0.1 * none.simulated.remoteFaults);
      }
      console.log(
        `${name}: none ${none.real.remoteFaults} real / ${none.simulated.remoteFaults} simulated faults, ` +
          `ampom ${ampom.real.remoteFaults} / ${ampom.simulated.remoteFaults}`,
      );
    }, 600_000);
  }
});
