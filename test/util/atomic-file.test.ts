// Outputs are written whole or not at all, and where the user pointed: through a link to
// its target (the link stays), into a pipe or a device by copying the finished file in
// (they cannot be replaced: root once replaced /dev/null with a regular file), and a
// temporary of another output in place (a temporary of a temporary was left by a kill,
// under a name no later command removed).
import { execFileSync, spawn } from "node:child_process";
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { holdTemporary, outputTarget, releaseTemporary, writeFileAtomic } from "../../src/util/atomic-file.js";

const dir = mkdtempSync(join(tmpdir(), "ampom-atomic-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("writeFileAtomic", () => {
  it("writes through a link to its target, and the link stays a link", () => {
    const target = join(dir, "target.txt");
    const link = join(dir, "link.txt");
    writeFileSync(target, "old\n");
    symlinkSync("target.txt", link);
    writeFileAtomic(link, "new\n");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe("target.txt");
    expect(readFileSync(target, "utf8")).toBe("new\n");
    expect(readdirSync(dir).filter((n) => n.includes(".tmp-"))).toEqual([]);
  });

  it("makes the file a dangling link names, through a chain of links", () => {
    const sub = mkdtempSync(join(dir, "chain-"));
    symlinkSync("b", join(sub, "a"));
    symlinkSync("c.txt", join(sub, "b"));
    expect(outputTarget(join(sub, "a"))).toEqual({ path: join(sub, "c.txt"), special: false });
    writeFileAtomic(join(sub, "a"), "x");
    expect(lstatSync(join(sub, "a")).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(sub, "b")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(sub, "c.txt"), "utf8")).toBe("x");
  });

  it("copies into a named pipe once the output is whole, and leaves the pipe a pipe", async () => {
    const fifo = join(dir, "pipe");
    execFileSync("mkfifo", [fifo]);
    expect(outputTarget(fifo)).toEqual({ path: fifo, special: true });
    const reader = spawn("cat", [fifo]);
    let got = "";
    reader.stdout.on("data", (d: Buffer) => (got += d.toString()));
    const closed = new Promise((done) => reader.on("close", done));
    writeFileAtomic(fifo, "through the pipe\n");
    await closed;
    expect(got).toBe("through the pipe\n");
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith(`ampom-output-${process.pid}-`))).toEqual([]);
  });

  it("writes a temporary of another output in place, with no temporary of its own", () => {
    const sub = mkdtempSync(join(dir, "held-"));
    const tmp = join(sub, ".out.amt.gz.tmp-1-1");
    holdTemporary(tmp);
    try {
      writeFileAtomic(tmp, "plain amt");
      expect(readdirSync(sub)).toEqual([".out.amt.gz.tmp-1-1"]);
      expect(readFileSync(tmp, "utf8")).toBe("plain amt");
    } finally {
      releaseTemporary(tmp);
    }
  });

  it("refuses an empty path with a message of its own, before writing anything", () => {
    const before = readdirSync(process.cwd());
    expect(() => writeFileAtomic("", "x")).toThrow("output path is empty: expected the path of a file to write");
    expect(() => writeFileAtomic("  ", "x")).toThrow("output path is empty");
    expect(readdirSync(process.cwd())).toEqual(before);
  });
});
