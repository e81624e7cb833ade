// Two commands taking over one stale lock at once: the one that reads the stale holder
// after the other has taken the lock over must not remove the other's lock.
import * as fs from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { expect, it, vi } from "vitest";
import { scratchDir } from "./cli-helpers.js";

// the first read of the lock sees the stale holder, as a command that read it just
// before another command took the lock over did
let staleReads = 0;
vi.mock("node:fs", async (original) => {
  const real = await original<typeof import("node:fs")>();
  return {
    ...real,
    readFileSync: ((path: fs.PathOrFileDescriptor, options?: unknown) =>
      staleReads > 0 && String(path).endsWith(".lock") && staleReads-- > 0 ? `${hostname()} 4194999\n` : real.readFileSync(path, options as never)) as typeof real.readFileSync,
  };
});
const { lockFor } = await import("../../src/util/atomic-file.js");

it("a lock taken over by another command meanwhile stays that command's", () => {
  const out = join(scratchDir("lock-race"), "r.jsonl");
  // the other command (this process: running) holds the lock it took over
  const theirs = `${hostname()} ${process.pid}\n`;
  fs.writeFileSync(`${out}.lock`, theirs);
  staleReads = 1;
  // before, the stale holder read made it remove the other's lock and take it: both wrote
  expect(() => lockFor(out, "results file")).toThrow(`another command is writing it (process ${process.pid} on ${hostname()}`);
  expect(fs.readFileSync(`${out}.lock`, "utf8")).toBe(theirs);
  expect(fs.readdirSync(join(out, ".."))).toEqual(["r.jsonl.lock"]);
});
