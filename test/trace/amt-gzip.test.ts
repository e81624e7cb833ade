// A gzip'd amt file (how the trace corpus is stored) reads as the amt it holds: the
// same records, regions and page size, through --workload and `trace info`.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { openAmt } from "../../src/trace/amt.js";
import { reencodeAmt } from "../../src/trace/import.js";
import { checkTraceOpens, openTraceWorkload, sniffTrace } from "../../src/trace/open.js";
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
    expect(() => checkTraceOpens(cut, 4096)).toThrow(`${cut}: cannot unpack the gzip'd amt trace: unexpected end of file`);
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
    expect(() => checkTraceOpens(cutV2, 4096)).toThrow(`${cutV2}: cannot unpack the gzip'd amt trace: unexpected end of file`);
  });
});
