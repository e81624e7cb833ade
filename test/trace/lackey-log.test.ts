// Lackey's log pipe (LackeyLog): valgrind has exited while the pipe is full, so the end
// mark cannot be written then (EAGAIN) and is written after the next read makes room.
// Every byte valgrind wrote must still come out, in order, with nothing after, and the
// read must end at the mark (not wait for an end of file that never comes while a
// writing end stays open, as a command the program left running keeps one).
import { spawnSync } from "node:child_process";
import { closeSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LackeyLog } from "../../src/trace/capture.js";

/** The byte at `offset` of what the writer writes: no two nearby runs alike, so a lost,
 * repeated or moved piece changes the bytes read. */
const byteAt = (offset: number) => (offset * 131 + (offset >>> 9) * 7) & 0xff;

/** A child process (as valgrind is) writes to descriptor 3, from `offset` on, until the
 * pipe is full; returns how many bytes it wrote. It runs while this process waits (so
 * nothing reads the pipe meanwhile), and writes without blocking: at full, it stops. */
function fillPipe(log: LackeyLog, offset: number): number {
  const script = `
    const fs = require("fs");
    // the same pipe opened again, without blocking (lackey's own end blocks)
    const fd = fs.openSync("/proc/self/fd/3", fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    const byteAt = ${byteAt.toString()};
    let at = ${offset};
    const write = (size) => {
      const b = Buffer.alloc(size);
      for (let i = 0; i < size; i++) b[i] = byteAt(at + i);
      try { fs.writeSync(fd, b); } catch (err) { if (err.code === "EAGAIN") return false; throw err; }
      at += size;
      return true;
    };
    // whole pages while they fit, then single bytes to the last free one
    while (write(4096));
    while (write(1));
    process.stdout.write(String(at - ${offset}));`;
  const r = spawnSync(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit", log.writer], encoding: "utf8" });
  expect(r.status).toBe(0);
  return Number(r.stdout);
}

describe("lackey's log", () => {
  it("ends where valgrind's writes end when the pipe is full at its exit: every byte, in order, nothing after", async () => {
    const log = new LackeyLog();
    try {
      const reading = log.chunks()[Symbol.asyncIterator]();
      const capacity = fillPipe(log, 0);
      // a full pipe: a Linux pipe holds 64 KiB
      expect(capacity).toBeGreaterThanOrEqual(65536);
      // the first chunk read while valgrind runs makes room, which it fills again at once:
      // more than the pipe holds has been written, and the pipe is full as valgrind exits
      const first = await reading.next();
      const written = capacity + fillPipe(log, capacity);
      expect(written).toBeGreaterThan(capacity);
      log.end();
      const parts: Buffer[] = [first.value as Buffer];
      for (let r = await reading.next(); !r.done; r = await reading.next()) parts.push(r.value);
      const read = Buffer.concat(parts);
      const expected = Buffer.alloc(written);
      for (let i = 0; i < written; i++) expected[i] = byteAt(i);
      expect(read.length).toBe(written);
      expect(read.equals(expected)).toBe(true);
    } finally {
      closeSync(log.writer);
      log.close();
    }
  });
});
