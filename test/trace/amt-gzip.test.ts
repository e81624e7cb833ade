// A gzip'd amt file (how the trace corpus is stored) reads as the amt it holds: the
// same records, regions and page size, through --workload and `trace info`.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { constants as zlibConstants, gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { openAmt } from "../../src/trace/amt.js";
import { importTrace, reencodeAmt } from "../../src/trace/import.js";
import { amtPageSize, checkTraceOpens, openTraceWorkload, sniffTrace } from "../../src/trace/open.js";
import { ampom } from "../cli/capture.js";
import { fingerprint, readAll } from "../workloads/helpers.js";
import { tempDir } from "./helpers.js";

const fixture = "test/fixtures/sort-lackey.amt";

describe("gzip'd amt", () => {
  it("opens as the amt it holds", async () => {
    const dir = tempDir();
    const gz = join(dir, "sort.amt.gz");
    writeFileSync(gz, gzipSync(readFileSync(fixture)));
    expect(sniffTrace(gz)).toBe("amt-gzip");
    const plain = openAmt(fixture);
    const w = await openTraceWorkload(gz, 4096);
    expect(w.regions).toEqual(plain.regions);
    expect(w.records).toBe(plain.records);
    expect(fingerprint(readAll(w))).toBe(fingerprint(readAll(plain)));
    await expect(openTraceWorkload(gz, 8192)).rejects.toThrow(/has 4096-byte pages but the run uses 8192/);

    const info = await ampom("trace", "info", "--json", gz);
    expect(info.code).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({ format: "amt (gzip)", records: plain.records, pages: plain.header.pages });
  });

  it("trace import re-encodes it as the amt it holds, and refuses a cut or another page size rather than ignore them", async () => {
    const dir = tempDir();
    const gz = join(dir, "sort.amt.gz");
    writeFileSync(gz, gzipSync(readFileSync(fixture)));
    const out = join(dir, "sort.amt");
    const r = await ampom("trace", "import", gz, "-o", out, "-q");
    expect(r.code).toBe(0);
    const plain = openAmt(fixture);
    const again = openAmt(out);
    expect(again.regions).toEqual(plain.regions);
    expect(fingerprint(readAll(again))).toBe(fingerprint(readAll(plain)));
    for (const input of [gz, fixture]) {
      const cut = await ampom("trace", "import", input, "-o", join(dir, "cut.amt"), "--skip", "100", "--max-records", "10");
      expect(cut.code).toBe(1);
      expect(cut.stderr.trim()).toBe(`ampom: ${input}: an amt trace is re-encoded whole: skipRecords (--skip) and maxRecords (--max-records) apply to text traces`);
      const ps = await ampom("trace", "import", input, "-o", join(dir, "ps.amt"), "--page-size", "8KiB");
      expect(ps.stderr.trim()).toBe(`ampom: ${input}: the amt trace has 4096-byte pages, its own: pageSize (--page-size) 8192 applies to text traces`);
    }
    expect(readdirSync(dir).sort()).toEqual(["sort.amt", "sort.amt.gz"]);
  });

  it("a cut-off gzip'd amt fails with a message naming the file", async () => {
    const dir = tempDir();
    const gz = join(dir, "cut.amt.gz");
    const whole = gzipSync(readFileSync(fixture));
    writeFileSync(gz, whole.subarray(0, whole.length >> 1));
    await expect(openTraceWorkload(gz, 4096)).rejects.toThrow(new RegExp(`^${gz}: cannot unpack the gzip'd amt trace`));
  });

  it("checkTraceOpens refuses a gzip'd amt cut short, from its gzip trailer, and passes a whole one (of one gzip member or several)", () => {
    const dir = tempDir();
    const amt = readFileSync(fixture);
    const whole = gzipSync(amt);
    const at = (name: string, bytes: Buffer) => {
      writeFileSync(join(dir, name), bytes);
      return join(dir, name);
    };
    // cut well past the first bytes, which are all the check unpacks
    const cut = at("cut.amt.gz", whole.subarray(0, whole.length >> 1));
    // the place named: the byte the stream stops at, how far it unpacked, and how far it should
    const unpacked = gunzipSync(whole.subarray(0, whole.length >> 1), { finishFlush: zlibConstants.Z_SYNC_FLUSH }).length;
    expect(() => checkTraceOpens(cut, 4096)).toThrow(
      `${cut}: cannot unpack the gzip'd amt trace: unexpected end of file: the gzip stream is cut short at byte ${whole.length >> 1} (the end of the file), after ${unpacked} bytes unpacked (its header gives ${amt.length})`,
    );
    // an amt cut short and then gzip'd: a whole gzip stream of too few bytes
    const short = at("short.amt.gz", gzipSync(amt.subarray(0, amt.length >> 1)));
    expect(() => checkTraceOpens(short, 4096)).toThrow(`${short}: truncated amt trace: ${amt.length >> 1} bytes unpacked, the header gives ${amt.length}`);
    expect(() => checkTraceOpens(at("whole.amt.gz", whole), 4096)).not.toThrow();
    expect(() => checkTraceOpens(at("members.amt.gz", Buffer.concat([gzipSync(amt.subarray(0, 1000)), gzipSync(amt.subarray(1000))])), 4096)).not.toThrow();
    // amt v2, whose header gives its size rather than its record count
    reencodeAmt(fixture, join(dir, "v2.amt"));
    const v2 = gzipSync(readFileSync(join(dir, "v2.amt")));
    expect(() => checkTraceOpens(at("v2.amt.gz", v2), 4096)).not.toThrow();
    const cutV2 = at("cut-v2.amt.gz", v2.subarray(0, v2.length - 100));
    expect(() => checkTraceOpens(cutV2, 4096)).toThrow(new RegExp(`^${cutV2}: cannot unpack the gzip'd amt trace: unexpected end of file: the gzip stream is cut short at byte ${v2.length - 100} \\(the end of the file\\), after \\d+ bytes unpacked \\(its header gives \\d+\\)$`));
  });

  it("refuses a gzip'd amt cut within its first bytes as cut short, wherever the cut, and passes a whole one that short", async () => {
    const dir = tempDir();
    const whole = gzipSync(readFileSync(fixture));
    const cut = join(dir, "cut.amt.gz");
    // the first bytes unpack to nothing (the kind unknown: a run's text import's words),
    // then to the amt's magic and a part of its header (a run's unpack's words)
    const messages = [`${cut}: cannot read trace: unexpected end of file`, `${cut}: cannot unpack the gzip'd amt trace: unexpected end of file`];
    // each names the place: the byte the stream stops at, and what it unpacked
    const place = (n: number) => new RegExp(`: the gzip stream is cut short at byte ${n} \\(the end of the file\\), after \\d+ bytes unpacked$`);
    const kindOf = (n: number, message: unknown) => {
      expect(message).toMatch(place(n));
      return (message as string).replace(place(n), "");
    };
    const said: string[] = [];
    const saying = (check: () => unknown) => {
      try {
        return check();
      } catch (err) {
        return (err as Error).message;
      }
    };
    for (let n = 2; n < 400; n++) {
      writeFileSync(cut, whole.subarray(0, n));
      const message = kindOf(n, saying(() => checkTraceOpens(cut, 4096)));
      if (said.at(-1) !== message) said.push(message);
      // trace info's: the page size once the header gives it, else as the check
      const size = saying(() => amtPageSize(cut));
      expect([4096, ...messages]).toContain(size === 4096 ? size : kindOf(n, size));
    }
    expect(said).toEqual(messages);
    // files as short, whole: a gzip'd amt and a gzip'd text trace
    writeFileSync(join(dir, "small.txt"), "R 1 1\n".repeat(20));
    await importTrace(join(dir, "small.txt"), join(dir, "small.amt"));
    const small = gzipSync(readFileSync(join(dir, "small.amt")));
    expect(small.length).toBeLessThan(4096);
    writeFileSync(join(dir, "small.amt.gz"), small);
    expect(() => checkTraceOpens(join(dir, "small.amt.gz"), 4096)).not.toThrow();
    writeFileSync(join(dir, "small.txt.gz"), gzipSync("R 1 1\n".repeat(20)));
    expect(() => checkTraceOpens(join(dir, "small.txt.gz"), 4096)).not.toThrow();
  });
});
