// Bad input never corrupts anything: each case below must end with one line
// "ampom: <message naming the input and the place>", a non-zero exit, no stack trace,
// and no output file (the command runs in an empty folder, which must stay empty).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { constants as zlibConstants, crc32, gunzipSync, gzipSync } from "node:zlib";
import { reencodeAmt } from "../../src/trace/import.js";
import { describe, expect, it } from "vitest";
import { aheadPolicy, ampom, filesIn, hasStack, scratchDir } from "../sweep/cli-helpers.js";

interface Case {
  name: string;
  args: string[];
  /** files to create in the folder first */
  files?: Record<string, string>;
  /** more preparation in the folder */
  setup?: (dir: string) => void;
  message: string | RegExp;
  code?: number;
}

const cfg = (v: unknown) => JSON.stringify(v);
const mkfifo = (path: string) => execFileSync("mkfifo", [path]);

// a real captured trace (valgrind lackey, imported to amt), damaged in different ways
const fixture = new URL("../fixtures/sort-lackey.amt", import.meta.url);
const damaged = (name: string, damage: (b: Buffer) => Buffer) => (dir: string) =>
  writeFileSync(join(dir, name), damage(readFileSync(fixture)));
const half = Math.floor(statSync(fixture).size / 2);
// the same trace re-encoded as amt v2 (decoded inside the core)
const v2Dir = mkdtempSync(join(tmpdir(), "ampom-bad-v2-"));
reencodeAmt(fileURLToPath(fixture), join(v2Dir, "v2.amt"));
const v2 = readFileSync(join(v2Dir, "v2.amt"));
rmSync(v2Dir, { recursive: true, force: true });
const damagedV2 = (name: string, damage: (b: Buffer) => Buffer) => (dir: string) => writeFileSync(join(dir, name), damage(Buffer.from(v2)));
const halfV2 = Math.floor(v2.length / 2);
/** the trace gzip'd (as the corpus stores traces), cut at `at` bytes (half of it) */
const cutGzip = (name: string, at = (gz: Buffer) => gz.length >> 1) => (dir: string) => {
  const gz = gzipSync(readFileSync(fixture));
  writeFileSync(join(dir, name), gz.subarray(0, at(gz)));
};
/** the shortest cut of a gzip'd amt that unpacks its magic: its header is cut short */
const inHeader = (gz: Buffer) => {
  let n = 10;
  while (gunzipSync(gz.subarray(0, n), { finishFlush: zlibConstants.Z_SYNC_FLUSH }).length < 8) n++;
  return n;
};
/** where the gzip'd trace is cut: half-way, and inside its header */
const gzipped = gzipSync(readFileSync(fixture));
const gzHalf = gzipped.length >> 1;
const gzInHeader = inHeader(gzipped);
/** the end of a message about a gzip'd trace cut at `at`: the place (\d+: bytes unpacked) */
const cutAt = (at: number, tail = "") => `: the gzip stream is cut short at byte ${at} \\(the end of the file\\), after \\d+ bytes unpacked${tail}`;
/** byte offset of the head of block 3 of the v2 trace */
const block3 = (() => {
  let at = v2.readUInt32LE(52);
  for (let k = 0; k < 3; k++) at += 12 + v2.readUInt32LE(at + 4);
  return at;
})();

/** the trace with the page size at byte 12 of its header set to `pageSize`, its header
 * checksum made good again: a header damaged only there */
const withPageSize = (pageSize: number) => (b: Buffer) => {
  b.writeUInt32LE(pageSize, 12);
  b.writeUInt32LE(0, 60);
  b.writeUInt32LE(crc32(b.subarray(0, b.readUInt32LE(52))), 60);
  return b;
};

const cases: Case[] = [
  { name: "unknown workload", args: ["run", "--workload", "nope"], message: 'ampom: unknown workload "nope": not a built-in workload (sequential, random' },
  { name: "unknown mechanism", args: ["run", "--mechanism", "teleport"], message: 'ampom: option mechanism (--mechanism): unknown mechanism "teleport" (known: full-copy, lightweight, pre-copy, post-copy)' },
  { name: "unknown policy", args: ["run", "--policy", "psychic"], message: /^ampom: option policy \(--policy\): unknown policy "psychic" \(known: none, .*ampom.*\)$/m },
  { name: "unknown network", args: ["run", "--network", "carrier-pigeon"], message: 'ampom: option network (--network): unknown network "carrier-pigeon" (known: gige-2008, rdma-100g)' },
  // a name every object inherits passed the registries' `in` checks: "specs is not
  // iterable", a bandwidth "undefined", a mechanism named toString
  { name: "inherited name as policy", args: ["run", "--policy", "__proto__"], message: /^ampom: option policy \(--policy\): unknown policy "__proto__" \(known: none, .*\)$/m },
  { name: "inherited name as mechanism", args: ["run", "--mechanism", "toString"], message: 'ampom: option mechanism (--mechanism): unknown mechanism "toString" (known: full-copy, lightweight, pre-copy, post-copy)' },
  { name: "inherited name as network", args: ["run", "--network", "constructor"], message: 'ampom: option network (--network): unknown network "constructor" (known: gige-2008, rdma-100g)' },
  { name: "inherited name in compare", args: ["compare", "--policies", "none,constructor"], message: /^ampom: option policies \(--policies\): unknown policy "constructor" \(known: none, .*\)$/m },
  { name: "inherited name as kernel", args: ["reproduce", "--kernels", "constructor"], message: /^ampom: option kernels \(--kernels\): unknown kernel "constructor" \(built-in: / },
  { name: "zero bandwidth", args: ["run", "--bandwidth", "0Gbps"], message: "ampom: option bandwidth (--bandwidth): must be positive, got 0" },
  {
    // before: refused as 9007199254740992, a number never written
    name: "seed past 2^53-1 in digits",
    args: ["run", "--seed", "9007199254740993"],
    message: /^ampom: option '--seed <n>' argument '9007199254740993' is invalid\. got 9007199254740993, a whole number past 2\^53-1, where a number is not exact \(it would be read as 9007199254740992\)\.$/m,
  },
  {
    // before: it ran, and was recorded, as 9007199254740992 bps
    name: "bandwidth past 2^53-1 in digits",
    args: ["run", "--bandwidth", "9007199254740993"],
    message: /^ampom: option '--bandwidth <rate>' argument '9007199254740993' is invalid\. got 9007199254740993, a whole number past 2\^53-1, where a number is not exact \(it would be read as 9007199254740992\)\.$/m,
  },
  // a capital B is bytes: read as bits, as it once was, the link ran 8 times slower than meant
  { name: "bandwidth in bytes per second", args: ["run", "--bandwidth", "1GBps"], message: /^ampom: option '--bandwidth <rate>' argument '1GBps' is invalid\. rates are bits per second, and the B of "1GBps" is bytes: 1GBps is 8Gbps\.$/m },
  {
    name: "sweep config with a bandwidth in bytes per second",
    args: ["sweep", "sweep.json", "--out", "r.jsonl"],
    files: { "sweep.json": cfg({ base: { workload: "random", memory: "1MiB" }, grid: { bandwidth: ["1Gbps", "2GBps"] } }) },
    message: 'ampom: sweep.json: grid.bandwidth[1]: rates are bits per second, and the B of "2GBps" is bytes: 2GBps is 16Gbps',
  },
  { name: "negative bandwidth", args: ["run", "--bandwidth", "-5Gbps"], message: /^ampom: option '--bandwidth <rate>' argument '-5Gbps' is invalid\. expected a number with an optional unit, e\.g\. 1Gbps\.$/m, code: 2 },
  // refused while parsing the command line (a usage error: exit 2), either side of 0-1
  { name: "migration point above 1", args: ["run", "--migrate-at", "1.5"], message: /^ampom: option migrateAt \(--migrate-at\): must be below 1 \(at 1 the process has finished, and nothing would migrate\), got 1\.5$/m, code: 1 },
  // a fraction out of range is named as written: before, by the number the command line
  // read it as ("got 1.5" for 150%, points[1] (1.5))
  ...[["run"], ["compare", "--workload", "random", "--memory", "1MiB"]].map((cmd): Case => ({
    name: `${cmd[0]}: migration point above 1, as a percent`,
    args: [...cmd, "--migrate-at", "150%"],
    message: /^ampom: option migrateAt \(--migrate-at\): must be below 1 \(at 1 the process has finished, and nothing would migrate\), got "150%"$/m,
  })),
  { name: "migration point above 1, with a trailing 0", args: ["run", "--migrate-at", "1.50"], message: /^ampom: option migrateAt \(--migrate-at\): must be below 1 \(.*\), got "1\.50"$/m },
  { name: "background load of 100% or more", args: ["run", "--background", "100%"], message: /^ampom: option background \(--background\): expected a fraction of at least 0 and below 1, such as 0\.8 or "80%", got "100%"$/m },
  { name: "working set of 0%", args: ["run", "--working-set", "0%"], message: /^ampom: option workingSet \(--working-set\): expected a fraction above 0 and at most 1, such as 0\.25 or "25%", got "0%"$/m },
  { name: "reproduce with a busy background of 150%", args: ["reproduce", "--background", "150%", "-o", "rep"], message: /^ampom: option busyBackground \(--background\): expected a fraction of at least 0 and below 1, such as 0\.8 or "80%", got "150%"$/m },
  {
    name: "evaluate with a migration point above 1, as a percent (no runs folder left)",
    args: ["evaluate", "--traces", "none", "--kernels", "stream", "-m", "1MiB", "--migrate-at", "0.5,150%", "-o", "OUT.json"],
    message: /^ampom: option points \(--migrate-at\): points\[1\] \("150%"\): must be below 1 \(at 1 the process has finished, and nothing would migrate\)$/m,
  },
  { name: "migration point that is no fraction", args: ["run", "--migrate-at", "half"], message: /^ampom: option '--migrate-at <f>' argument 'half' is invalid\. expected a fraction, e\.g\. 0\.8 or 80%\./m, code: 2 },
  { name: "migration point below 0", args: ["run", "--migrate-at", "-0.1"], message: /^ampom: option migrateAt \(--migrate-at\): expected a fraction of at least 0 and below 1, such as 0\.5 or "50%", got -0\.1$/m, code: 1 },
  {
    name: "two migration points",
    args: ["run", "--migrate-at", "0.3", "--migrate-at-record", "10"],
    message: "ampom: options migrateAt (--migrate-at) and migrateAtRecord (--migrate-at-record) name two migration points; give one",
  },
  {
    name: "migration time past the end of the run",
    args: ["run", "--workload", "stream", "--memory", "4MiB", "--migrate-at-time", "100s"],
    message: /^ampom: option migrateAtTime \(--migrate-at-time\): 100\.000s is past the end of the run: stream finished at home at [0-9.]+ms, so nothing migrated$/m,
  },
  {
    // the WebAssembly core holds it in a 32-bit integer: out of range, the cores would disagree
    name: "policy parameter out of range",
    args: ["run", "--policy", "ampom", "--param", "maxWindow=1e9"],
    message: "ampom: policy ampom parameter maxWindow: must be a whole number from 0 to 16777216, got 1000000000",
  },
  { name: "negative policy parameter", args: ["run", "--param", "zoneRadius=-5"], message: "ampom: policy ampom parameter zoneRadius: must be a whole number from 1 to 1048576, got -5" },
  { name: "fractional policy parameter", args: ["run", "--policy", "leap", "--param", "maxWindow=2.5"], message: "ampom: policy leap parameter maxWindow: must be a whole number from 0 to 16777216, got 2.5" },
  { name: "unknown policy parameter", args: ["run", "--policy", "leap", "--param", "bogus=1"], message: 'ampom: policy leap has no parameter "bogus" (it has: deltaHistory, maxWindow)' },
  {
    name: "mechanism parameter out of range",
    args: ["run", "--mechanism", "pre-copy", "--mech-param", "stopOnGrowth=2"],
    message: "ampom: mechanism pre-copy parameter stopOnGrowth: must be a whole number from 0 to 1, got 2",
  },
  // every row refuses it; the refusal given was full-copy's, which has no maxRounds
  {
    name: "compare with a mechanism parameter out of range (the mechanism it belongs to named)",
    args: ["compare", "--workload", "random", "--memory", "1MiB", "--mech-param", "maxRounds=0"],
    message: "ampom: nothing to compare: mechanism pre-copy parameter maxRounds: must be a whole number of at least 1, got 0",
  },
  {
    name: "compare with a policy parameter out of range (the policy it belongs to named)",
    args: ["compare", "--workload", "random", "--memory", "1MiB", "--param", "zoneRadius=0"],
    message: "ampom: nothing to compare: policy ampom parameter zoneRadius: must be a whole number from 1 to 1048576, got 0",
  },
  {
    name: "compare with a mechanism parameter no mechanism has",
    args: ["compare", "--workload", "random", "--memory", "1MiB", "--mech-param", "bogus=1"],
    message: "ampom: nothing to compare: mechanism parameter bogus: no mechanism compared has it (full-copy has burstPages; lightweight has none; pre-copy has maxRounds,",
  },
  { name: "reproduce with a size below a page (named as --size, not as the option it becomes)", args: ["reproduce", "--size", "0"], message: /^ampom: option '-s, --size <size>' argument '0' is invalid\. expected at least one page/m },
  // a value out of range exits 1, one the command line cannot read 2 (docs/cli.md, Errors)
  { name: "reproduce with a size in an unknown unit", args: ["reproduce", "--size", "64XB"], message: /^ampom: option '-s, --size <size>' argument '64XB' is invalid\. unknown unit "XB" in "64XB" \(accepted: b, kb/m },
  { name: "reproduce with a size that is no size", args: ["reproduce", "--size", "lots"], message: /^ampom: option '-s, --size <size>' argument 'lots' is invalid\. expected a memory size/m, code: 2 },
  // a billion seeds crashed V8 (out of memory) before anything ran
  { name: "reproduce with more seeds than it takes", args: ["reproduce", "--size", "1MiB", "--seeds", "1e9"], message: /^ampom: option '--seeds <n>' argument '1e9' is invalid\. expected at most 1000 seeds \(each runs every kernel again\), e\.g\. 3\.$/m },
  // the seed out of range was the last, 4294967296, which the user never gave
  {
    name: "reproduce with seeds past the last seed",
    args: ["reproduce", "--size", "1MiB", "--kernels", "stream", "--seed", "4294967295", "--seeds", "2"],
    message: "ampom: options seed (--seed) and seeds (--seeds): 2 seeds from 4294967295 go past the last seed, 4294967295 (2^32-1); give --seed at most 4294967294",
  },
  {
    name: "reproduce with a size beyond the 4 GiB WebAssembly memory (named as --size)",
    args: ["reproduce", "--size", "5TiB", "--kernels", "stream"],
    message: /^ampom: option memory \(--size\): 5TiB is 1342177280 pages of 4096 bytes, more than the 4 GiB WebAssembly memory can hold/m,
  },
  { name: "run with a link discipline not one of the choices", args: ["run", "--link", "lifo"], message: /^ampom: option '--link <discipline>' argument 'lifo' is invalid\. Allowed choices are fifo, priority\.$/m, code: 2 },
  { name: "run with a memory size that is no number", args: ["run", "--memory", "sixty-four"], message: /^ampom: option '-m, --memory <size>' argument 'sixty-four' is invalid\. expected a number with an optional unit, e\.g\. 256MiB\.$/m, code: 2 },
  { name: "run with a memory size in an unknown unit", args: ["run", "--memory", "64XB"], message: /^ampom: option '-m, --memory <size>' argument '64XB' is invalid\. unknown unit "XB" in "64XB" \(accepted: b, kb/m, code: 1 },
  { name: "run with a latency that is no time", args: ["run", "--latency", "fast"], message: /^ampom: option '--latency <time>' argument 'fast' is invalid\. expected a number with an optional unit, e\.g\. 50us\.$/m, code: 2 },
  // an overflow to Infinity ran, and ended "process 0 is frozen with nothing left to resume it"
  { name: "run with a latency too large to be a number", args: ["run", "--latency", "1e400"], message: /^ampom: option '--latency <time>' argument '1e400' is invalid\. "1e400" is too large: a time is at most 2\^53-1 ns \(about 104 days\), got Infinity\.$/m },
  { name: "run with a bandwidth too large to be a number", args: ["run", "--bandwidth", "1e400Gbps"], message: /^ampom: option '--bandwidth <rate>' argument '1e400Gbps' is invalid\. "1e400Gbps" is too large: a rate must be a finite number, got Infinity\.$/m },
  { name: "run with memory past 2^53 bytes", args: ["run", "--memory", "1e17"], message: /^ampom: option '-m, --memory <size>' argument '1e17' is invalid\. "1e17" is too large: a size is at most 2\^53-1 bytes \(8 PiB\), got 100000000000000000 bytes\.$/m },
  {
    name: "sweep config with a latency too large to be a number, as a string",
    args: ["sweep", "sweep.json", "--out", "r.jsonl"],
    files: { "sweep.json": cfg({ base: { workload: "random", memory: "1MiB" }, grid: { latency: ["50us", "1e400us"] } }) },
    message: 'ampom: sweep.json: grid.latency[1]: "1e400us" is too large: a time is at most 2^53-1 ns (about 104 days), got Infinity',
  },
  { name: "run with a scan interval in an unknown unit", args: ["run", "--scan-interval", "5lightyears"], message: /^ampom: option '--scan-interval <time>' argument '5lightyears' is invalid\. unknown unit "lightyears"/m, code: 1 },
  { name: "validate with a spike cut that is no time", args: ["validate", "--spike-cut", "abc", "--", "true"], message: /^ampom: option '--spike-cut <time>' argument 'abc' is invalid\. expected a number with an optional unit, e\.g\. 10us\.$/m, code: 2 },
  { name: "evaluate with kernel memory that is no size", args: ["evaluate", "--memory", "big"], message: /^ampom: option '-m, --memory <size>' argument 'big' is invalid\./m, code: 2 },
  { name: "run with a seed in hexadecimal", args: ["run", "--seed", "0x10"], message: /^ampom: option '--seed <n>' argument '0x10' is invalid\. expected a number, e\.g\. 0\.5 or 42\.$/m, code: 2 },
  { name: "reproduce with a seed count in hexadecimal", args: ["reproduce", "--seeds", "0x3"], message: /^ampom: option '--seeds <n>' argument '0x3' is invalid\. expected a whole number, e\.g\. 3\.$/m, code: 2 },
  { name: "reproduce with a seed count that is no number", args: ["reproduce", "--seeds", "two"], message: /^ampom: option '--seeds <n>' argument 'two' is invalid\. expected a whole number, e\.g\. 3\.$/m, code: 2 },
  { name: "run with less memory than a page, as typed", args: ["run", "--memory", "1.5"], message: 'ampom: option memory (--memory): must be at least one page (4096 bytes), got "1.5" (2 bytes)' },
  { name: "trace import keeping no records", args: ["trace", "import", "t.txt", "-o", "t.amt", "--max-records", "0"], files: { "t.txt": "0 1 1\n" }, message: /^ampom: option '--max-records <n>' argument '0' is invalid\. expected a whole number of at least 1/m },
  // past 2^53-1 the count is refused as too large, not as below its least
  { name: "trace import keeping more records than a number holds exactly", args: ["trace", "import", "t.txt", "-o", "t.amt", "--max-records", "99999999999999999999"], files: { "t.txt": "0 1 1\n" }, message: /^ampom: option '--max-records <n>' argument '99999999999999999999' is invalid\. expected a whole number from 1 to 2\^53-1, e\.g\. 1000000\.$/m },
  { name: "trace import skipping a negative count", args: ["trace", "import", "t.txt", "-o", "t.amt", "--skip", "-3"], files: { "t.txt": "0 1 1\n" }, message: /^ampom: option '--skip <n>' argument '-3' is invalid\. expected a whole number of at least 0, e\.g\. 1000000\.$/m },
  {
    name: "a link so slow the run outlasts exact times",
    args: ["run", "--workload", "stream", "--memory", "2MiB", "--bandwidth", "0.001"],
    message: /^ampom: workload stream ran \d+ days of simulated time, past 2\^53 ns \(about 104 days\), beyond which the simulator's times are not exact/m,
  },
  { name: "more eager pages than the cores keep", args: ["run", "--eager-pages", "64"], message: "ampom: option eagerPages (--eager-pages): expected a whole number from 0 to 8, got 64" },
  {
    name: "a negative duration in a sweep config",
    args: ["sweep", "neg.json", "--out", "runs.jsonl"],
    files: { "neg.json": cfg({ base: { workload: "sequential", memory: "1MiB", firstUse: -1000000 } }) },
    message: "ampom: neg.json: base.firstUse: must not be negative, got -1000000",
  },
  { name: "page size not a power of two", args: ["run", "--page-size", "3000"], message: /^ampom: option '--page-size <size>' argument '3000' is invalid\. expected a power of two/m },
  // read as text, these quoted binary back and spoke of lackey's syntax
  {
    name: "an amt damaged at its start",
    args: ["trace", "info", "t.amt"],
    setup: damaged("t.amt", (b) => Buffer.concat([Buffer.from("X"), b.subarray(1)])),
    message: 'ampom: t.amt: not an amt trace: it does not begin with the magic "AMPOMTRC" (damaged at its start, or not an amt)',
  },
  // they passed every check ("every block checked"), and a run advised --page-size 0
  {
    name: "trace info of an amt whose header has a page size of 0",
    args: ["trace", "info", "t.amt"],
    setup: damaged("t.amt", withPageSize(0)),
    message: "ampom: t.amt: corrupt amt header: page size 0 (byte 12) is not a power of two from 512 to 2097152 bytes",
  },
  {
    name: "a run of an amt whose header has a page size that is no power of two",
    args: ["run", "--workload", "t.amt", "--no-baselines"],
    setup: damaged("t.amt", withPageSize(3000)),
    message: "ampom: t.amt: corrupt amt header: page size 3000 (byte 12) is not a power of two from 512 to 2097152 bytes",
  },
  {
    name: "trace info of a gzip'd amt whose header has a page size that is no power of two",
    args: ["trace", "info", "t.amt.gz"],
    setup: (dir) => writeFileSync(join(dir, "t.amt.gz"), gzipSync(withPageSize(3000)(readFileSync(fixture)))),
    message: "ampom: t.amt.gz: corrupt amt header: page size 3000 (byte 12) is not a power of two from 512 to 2097152 bytes",
  },
  {
    name: "binary data as a trace",
    args: ["run", "--workload", "data.bin"],
    files: { "data.bin": "\u007fELF\u0002\u0001\u0001\u0000\u0000\u0000 R 1000 8\n" },
    message: 'ampom: data.bin: not a trace: binary data without the amt magic "AMPOMTRC", and no text',
  },
  {
    name: "trace info of an amt with a page size other than its own (refused, not ignored)",
    args: ["trace", "info", "t.amt", "--page-size", "8192"],
    setup: damaged("t.amt", (b) => b),
    message: "ampom: t.amt: the amt trace has 4096-byte pages, its own: pageSize (--page-size) 8192 applies to text traces",
  },
  // its open waited for a writer for ever; with one, the read at an offset failed
  // "ESPIPE: invalid seek, read", naming no file
  { name: "trace info of a FIFO", args: ["trace", "info", "f"], setup: (dir) => mkfifo(join(dir, "f")), message: "ampom: f: is a FIFO (named pipe), not a regular file: a trace must be a regular file" },
  {
    name: "a run of a FIFO as the workload",
    args: ["run", "--workload", "f.amt"],
    setup: (dir) => mkfifo(join(dir, "f.amt")),
    message: "ampom: f.amt: is a FIFO (named pipe), not a regular file: a trace must be a regular file",
  },
  { name: "trace info of a folder", args: ["trace", "info", "adir"], setup: (dir) => mkdirSync(join(dir, "adir")), message: "ampom: adir: is a directory, not a trace file" },
  {
    name: "policy module with a syntax error (the place named)",
    args: ["run", "--policy", "./broken.ts"],
    files: { "broken.ts": "export function reset(ctx) {\n  ctx.state = {};\n}}\n" },
    message: /^ampom: policy module \.\/broken\.ts: cannot load it: \S*broken\.ts:3:1: Unexpected "}"$/m,
  },
  {
    name: "memory beyond the 4 GiB WebAssembly memory",
    args: ["run", "--memory", "4TiB"],
    message: /^ampom: option memory \(--memory\): 4TiB is 1073741824 pages of 4096 bytes, more than the 4 GiB WebAssembly memory can hold \(at most \d+ pages, 861\.7GiB at this page size\)$/m,
  },
  { name: "missing trace file", args: ["run", "--workload", "traces/missing.amt"], message: 'ampom: workload "traces/missing.amt": no such file' },
  {
    name: "truncated amt trace",
    args: ["run", "--workload", "cut.amt", "--no-baselines"],
    setup: damaged("cut.amt", (b) => b.subarray(0, half)),
    message: /^ampom: cut\.amt: truncated amt trace: \d+ bytes, the header \(\d+ records\) implies \d+$/m,
  },
  {
    name: "amt trace with a corrupted record block",
    args: ["run", "--workload", "bad-block.amt", "--no-baselines"],
    setup: damaged("bad-block.amt", (b) => ((b[half] ^= 0xff), b)),
    message: /^ampom: bad-block\.amt: corrupt amt trace: checksum mismatch in block \d+ at byte \d+$/m,
  },
  {
    name: "truncated amt v2 trace",
    args: ["run", "--workload", "cut2.amt", "--no-baselines"],
    setup: damagedV2("cut2.amt", (b) => b.subarray(0, halfV2)),
    message: /^ampom: cut2\.amt: truncated amt trace: \d+ bytes, the header says \d+ \(byte 64\)$/m,
  },
  {
    name: "amt v2 trace with a corrupted record block (WebAssembly core decoding)",
    args: ["run", "--workload", "bad-block2.amt", "--no-baselines"],
    setup: damagedV2("bad-block2.amt", (b) => ((b[block3 + 40] ^= 0x10), b)),
    message: `ampom: bad-block2.amt: corrupt amt trace: checksum mismatch in block 3 at byte ${block3}`,
  },
  {
    name: "amt v2 trace with a corrupted record block (reference core decoding)",
    args: ["run", "--workload", "bad-block2.amt", "--no-baselines", "--core", "reference"],
    setup: damagedV2("bad-block2.amt", (b) => ((b[block3 + 40] ^= 0x10), b)),
    message: `ampom: bad-block2.amt: corrupt amt trace: checksum mismatch in block 3 at byte ${block3}`,
  },
  {
    name: "amt v2 trace with a block head whose length is wrong",
    args: ["run", "--workload", "bad-head2.amt", "--no-baselines"],
    setup: damagedV2("bad-head2.amt", (b) => (b.writeUInt32LE(b.readUInt32LE(block3 + 4) + 16, block3 + 4), b)),
    message: /^ampom: bad-head2\.amt: corrupt amt trace: (bad head of block 3|checksum mismatch in block 3) at byte \d+/m,
  },
  {
    name: "re-encoding a damaged amt v1 trace (trace import leaves no output)",
    args: ["trace", "import", "bad-block.amt", "-o", "out.amt"],
    setup: damaged("bad-block.amt", (b) => ((b[half] ^= 0xff), b)),
    message: /^ampom: bad-block\.amt: corrupt amt trace: checksum mismatch in block \d+ at byte \d+$/m,
  },
  {
    name: "amt trace with a corrupted header",
    args: ["run", "--workload", "bad-header.amt"],
    setup: damaged("bad-header.amt", (b) => ((b[30] ^= 0x01), b)),
    message: /^ampom: bad-header\.amt: corrupt amt header: checksum mismatch \(bytes 0\.\.\d+\)$/m,
  },
  {
    name: "malformed page-level text line (trace import leaves no output)",
    args: ["trace", "import", "pages.txt", "-o", "pages.amt"],
    files: { "pages.txt": "# page-level\nI 400 1\nR 1000 10\nR zz 5\nW 1001 2\n" },
    message: 'ampom: pages.txt:4: expected a hexadecimal page number (line: "R zz 5")',
  },
  {
    name: "malformed lackey line (trace import leaves no output)",
    args: ["trace", "import", "run.lackey", "-o", "run.amt"],
    files: { "run.lackey": "I  0400d7d4,8\n L 7ff0001b8,8\n S 04222cac,8\n X nothing\n" },
    message: "ampom: run.lackey:4: expected a lackey access",
  },
  {
    name: "malformed lackey line given as the workload",
    args: ["run", "--workload", "run.lackey"],
    files: { "run.lackey": "I  0400d7d4,8\n L 7ff0001b8,zz\n" },
    message: "ampom: run.lackey:2: ",
  },
  {
    name: "sweep config naming a truncated amt trace (refused before any run)",
    args: ["sweep", "sweep.json", "--out", "r.jsonl"],
    files: { "sweep.json": cfg({ base: { baselines: false }, grid: { workload: ["random", "cut.amt"] } }) },
    setup: damaged("cut.amt", (b) => b.subarray(0, half)),
    message: /^ampom: sweep\.json: grid\.workload\[1\]: cut\.amt: truncated amt trace: /m,
  },
  {
    name: "sweep config naming a gzip'd amt trace cut short (refused before any run)",
    args: ["sweep", "sweep.json", "--out", "r.jsonl"],
    files: { "sweep.json": cfg({ base: { baselines: false }, grid: { workload: ["random", "cut.amt.gz"] } }) },
    setup: cutGzip("cut.amt.gz"),
    message: new RegExp(`^ampom: sweep\\.json: grid\\.workload\\[1\\]: cut\\.amt\\.gz: cannot unpack the gzip'd amt trace: unexpected end of file${cutAt(gzHalf, ` \\(its header gives ${statSync(fixture).size}\\)`)}$`, "m"),
  },
  {
    name: "sweep config whose base names a gzip'd amt trace cut short (refused before any run)",
    args: ["sweep", "sweep.json", "--out", "r.jsonl"],
    files: { "sweep.json": cfg({ base: { workload: "cut.amt.gz", baselines: false }, grid: { policy: ["none", "ampom"] } }) },
    setup: cutGzip("cut.amt.gz"),
    message: new RegExp(`^ampom: sweep\\.json: base\\.workload: cut\\.amt\\.gz: cannot unpack the gzip'd amt trace: unexpected end of file${cutAt(gzHalf, ` \\(its header gives ${statSync(fixture).size}\\)`)}$`, "m"),
  },
  {
    // its first bytes unpack to nothing: not an empty trace
    name: "sweep config naming a gzip'd amt trace cut within its first bytes",
    args: ["sweep", "sweep.json", "--out", "r.jsonl"],
    files: { "sweep.json": cfg({ base: { workload: "cut.amt.gz", baselines: false } }) },
    setup: cutGzip("cut.amt.gz", () => 40),
    message: new RegExp(`^ampom: sweep\\.json: base\\.workload: cut\\.amt\\.gz: cannot read trace: unexpected end of file${cutAt(40)}$`, "m"),
  },
  {
    name: "trace info of a gzip'd amt trace cut inside its header",
    args: ["trace", "info", "cut.amt.gz"],
    setup: cutGzip("cut.amt.gz", inHeader),
    message: new RegExp(`^ampom: cut\\.amt\\.gz: cannot unpack the gzip'd amt trace: unexpected end of file${cutAt(gzInHeader)}$`, "m"),
  },
  {
    name: "evaluate with a corpus manifest naming a gzip'd amt trace cut inside its header",
    args: ["evaluate", "--corpus", "m.json", "--kernels", "none", "-o", "OUT.json"],
    files: { "m.json": cfg({ programs: [{ name: "a", kind: "x", half: "test", file: "cut.amt.gz" }] }) },
    setup: cutGzip("cut.amt.gz", inHeader),
    message: new RegExp(`^ampom: m\\.json: programs\\[0\\]\\.file: cut\\.amt\\.gz: cannot unpack the gzip'd amt trace: unexpected end of file${cutAt(gzInHeader)} \\(program a\\)$`, "m"),
  },
  {
    name: "sweep config with a value of the wrong type (what the field takes, in words)",
    args: ["sweep", "sweep.json", "--out", "r.jsonl"],
    files: { "sweep.json": cfg({ base: { memory: true } }) },
    message: /^ampom: sweep\.json: base\.memory: expected a size such as "64MiB" or a number of bytes, got true$/m,
  },
  {
    name: "sweep config with a background load above 100%",
    args: ["sweep", "sweep.json", "--out", "r.jsonl"],
    files: { "sweep.json": cfg({ grid: { background: ["80%", "120%"] } }) },
    message: /^ampom: sweep\.json: grid\.background\[1\]: expected a fraction of at least 0 and below 1, such as 0\.8 or "80%", got "120%"$/m,
  },
  {
    name: "sweep config with a working set of 0%",
    args: ["sweep", "sweep.json", "--out", "r.jsonl"],
    files: { "sweep.json": cfg({ base: { workload: "stream" }, grid: { workingSet: ["25%", "0%"] } }) },
    message: /^ampom: sweep\.json: grid\.workingSet\[1\]: expected a fraction above 0 and at most 1, such as 0\.25 or "25%", got "0%"$/m,
  },
  { name: "missing sweep config", args: ["sweep", "nowhere.json", "--out", "r.jsonl"], message: "ampom: nowhere.json: no such file (the sweep config)" },
  {
    name: "sweep config that is not JSON",
    args: ["sweep", "sweep.json", "--out", "r.jsonl"],
    files: { "sweep.json": '{ "base": { "workload": "random" },\n  "grid": { "seed": [1, 2,] } }' },
    message: "ampom: sweep.json:2:27: not valid JSON (expected a value)",
  },
  {
    name: "sweep config with a grid option given twice (JSON.parse would keep only the last)",
    args: ["sweep", "sweep.json", "--out", "r.jsonl"],
    files: { "sweep.json": '{ "base": { "workload": "random" },\n  "grid": { "policy": ["none", "ampom"], "policy": ["leap"] } }' },
    message: 'ampom: sweep.json:2:42: member "policy" given twice in one object (first at line 2, column 13): JSON would keep only the last',
  },
  {
    name: "sweep config with a __proto__ member",
    args: ["sweep", "sweep.json", "--out", "r.jsonl"],
    files: { "sweep.json": '{ "base": { "workload": "random", "__proto__": { "policy": "leap" } }, "grid": {} }' },
    message: 'ampom: sweep.json:1:35: member name "__proto__" is not allowed',
  },
  // a scenario is a file the user writes, named as a sweep config is: the path, then the
  // place in it (before, "scenario s.json:2:14: ..." for the file, "s.json: nodes: ..." for a field)
  {
    name: "cluster scenario that is not JSON",
    args: ["cluster", "s.json"],
    files: { "s.json": '{\n  "nodes": 2,,\n  "processes": [] }' },
    message: "ampom: s.json:2:14: not valid JSON (expected a double-quoted member name)",
  },
  {
    name: "cluster scenario with a field out of range",
    args: ["cluster", "s.json"],
    files: { "s.json": cfg({ nodes: [{ name: "a", cpus: 1.5 }], processes: [{ name: "p", node: 0, workload: "random" }] }) },
    message: "ampom: s.json: nodes[0].cpus: must be a whole number of at least 1, got 1.5",
  },
  {
    name: "cluster scenario with a member given twice",
    args: ["cluster", "s.json"],
    files: { "s.json": '{ "nodes": 2, "nodes": 3, "processes": [] }' },
    message: 'ampom: s.json:1:15: member "nodes" given twice in one object (first at line 1, column 3): JSON would keep only the last',
  },
  {
    // JSON.parse reads 9007199254740993 as 9007199254740992 before any check: the run
    // would not be the one written (a bandwidth ran so; a seed was refused as ...992)
    name: "sweep config with a whole number past 2^53-1 (its token, not the rounded value)",
    args: ["sweep", "sweep.json", "--out", "r.jsonl"],
    files: { "sweep.json": '{ "base": { "workload": "random", "memory": "1MiB" },\n  "grid": { "seed": [1, 2, 9007199254740993] } }' },
    message:
      "ampom: sweep.json:2:28: grid.seed[2]: got 9007199254740993, a whole number past 2^53-1, where a JSON number is not exact (it would be read as 9007199254740992)",
  },
  {
    name: "sweep config with a bandwidth past 2^53-1 bits per second (it ran, as another)",
    args: ["sweep", "sweep.json", "--out", "r.jsonl"],
    files: { "sweep.json": '{ "base": { "workload": "random", "memory": "1MiB", "bandwidth": 9007199254740993 } }' },
    message:
      "ampom: sweep.json:1:66: base.bandwidth: got 9007199254740993, a whole number past 2^53-1, where a JSON number is not exact (it would be read as 9007199254740992)",
  },
  {
    name: "cluster scenario with a flow rate past 2^53-1 (it ran, as another)",
    args: ["cluster", "s.json"],
    files: {
      "s.json": cfg({ nodes: 2, processes: [{ name: "p", node: 0, workload: "random", memory: "1MiB" }], flows: [{ from: 0, to: 1, duration: "1ms", rate: 1 }] }).replace(
        '"rate":1',
        '"rate":9007199254740993',
      ),
    },
    message:
      "ampom: s.json:1:134: flows[0].rate: got 9007199254740993, a whole number past 2^53-1, where a JSON number is not exact (it would be read as 9007199254740992)",
  },
  {
    // a key holds the path as spelt: before, two runs of one trace, and of one module
    name: "sweep config naming one trace file two ways in the grid",
    args: ["sweep", "sweep.json", "--out", "r.jsonl"],
    files: { "sweep.json": cfg({ grid: { workload: ["t.txt", "./t.txt"] } }), "t.txt": "R 1 1\nR 2 1\n" },
    message: 'ampom: sweep.json: grid.workload[1]: "./t.txt" gives the same runs as grid.workload[0] ("t.txt"); list each value once',
  },
  {
    name: "sweep config naming one policy module two ways in the grid",
    args: ["sweep", "sweep.json", "--out", "r.jsonl"],
    files: { "sweep.json": cfg({ base: { workload: "random", memory: "1MiB" }, grid: { policy: ["./p/mine.ts", "p/../p/mine.ts"] } }) },
    setup: (dir) => {
      mkdirSync(join(dir, "p"));
      writeFileSync(join(dir, "p", "mine.ts"), readFileSync("examples/swap-readahead-policy.ts"));
    },
    message: 'ampom: sweep.json: grid.policy[1]: "p/../p/mine.ts" gives the same runs as grid.policy[0] ("./p/mine.ts"); list each value once',
  },
  {
    name: "sweep config with an unknown policy in the grid",
    args: ["sweep", "sweep.json", "--out", "r.jsonl"],
    files: { "sweep.json": cfg({ grid: { policy: ["none", "ampom", "foo"] } }) },
    message: 'ampom: sweep.json: grid.policy[2]: unknown policy "foo" (known: ',
  },
  {
    name: "sweep config with a migration point out of range in the grid",
    args: ["sweep", "sweep.json", "--out", "r.jsonl"],
    files: { "sweep.json": cfg({ base: { workload: "random" }, grid: { migrateAt: [0.5, 1.5] } }) },
    message: "ampom: sweep.json: grid.migrateAt[1]: must be below 1 (at 1 the process has finished, and nothing would migrate), got 1.5",
  },
  {
    name: "sweep config with zero bandwidth in the base",
    args: ["sweep", "sweep.json", "--out", "r.jsonl"],
    files: { "sweep.json": cfg({ base: { bandwidth: 0 }, grid: { seed: [1, 2] } }) },
    message: "ampom: sweep.json: base.bandwidth: must be positive, got 0",
  },
  {
    name: "sweep config with memory beyond 4 GiB of WebAssembly memory",
    args: ["sweep", "sweep.json", "--out", "r.jsonl"],
    files: { "sweep.json": cfg({ grid: { memory: ["1MiB", "8TiB"] } }) },
    message: "ampom: sweep.json: grid.memory[1]: 8TiB is 2147483648 pages of 4096 bytes, more than the 4 GiB WebAssembly memory can hold",
  },
  {
    name: "sweep config with an unknown option",
    args: ["sweep", "sweep.json", "--out", "r.jsonl"],
    files: { "sweep.json": cfg({ grid: { "migrate-at": [0.5] } }) },
    message: 'ampom: sweep.json: grid.migrate-at: unknown option "migrate-at" (did you mean "migrateAt"?)',
  },
  {
    name: "sweep config with an empty value list",
    args: ["sweep", "sweep.json", "--out", "r.jsonl"],
    files: { "sweep.json": cfg({ grid: { policy: [] } }) },
    message: "ampom: sweep.json: grid.policy: must list at least one value",
  },
  {
    name: "sweep config with an unknown top-level field",
    args: ["sweep", "sweep.json", "--out", "r.jsonl"],
    files: { "sweep.json": cfg({ base: {}, grdi: {} }) },
    message: 'ampom: sweep.json: grdi: unknown field (a sweep config has only "base" and "grid")',
  },
  {
    name: "sweep config giving an option in both the base and the grid (the grid's value would replace the base's whole, unchecked)",
    args: ["sweep", "sweep.json", "--out", "r.jsonl"],
    files: { "sweep.json": cfg({ base: { workload: "random", policy: "ampom", policyParams: { gian: 3 } }, grid: { policyParams: [{ zoneRadius: 3 }, { zoneRadius: 4 }] } }) },
    message: "ampom: sweep.json: base.policyParams: also in grid, whose values replace it whole; give policyParams in one place (in each grid value, for parameters held with others that vary)",
  },
  {
    name: "sweep config with an unknown workload",
    args: ["sweep", "sweep.json", "--out", "r.jsonl"],
    files: { "sweep.json": cfg({ grid: { workload: ["random", "nope"] } }) },
    message: 'ampom: sweep.json: grid.workload[1]: unknown workload "nope"',
  },
  {
    name: "sweep config whose grid repeats a run",
    args: ["sweep", "sweep.json", "--out", "r.jsonl"],
    files: { "sweep.json": cfg({ grid: { memory: ["1MiB", 1048576] } }) },
    message: 'ampom: sweep.json: grid.memory[1]: 1048576 gives the same runs as grid.memory[0] ("1MiB"); list each value once',
  },
  {
    name: "sweep config naming a missing policy module (refused before any run)",
    args: ["sweep", "sweep.json", "--out", "r.jsonl"],
    files: { "sweep.json": cfg({ base: { workload: "random", memory: "1MiB" }, grid: { policy: ["none", "./nopolicy.ts"] } }) },
    message: "ampom: sweep.json: grid.policy[1]: policy module ./nopolicy.ts: no such file",
  },
  {
    name: "sweep config with a parameter the built-in policy does not have (refused before any run)",
    args: ["sweep", "sweep.json", "--out", "r.jsonl"],
    files: { "sweep.json": cfg({ base: { workload: "random", memory: "1MiB" }, grid: { policyParams: [{ gain: 4 }, { bogus: 1 }] } }) },
    message: 'ampom: sweep.json: grid.policyParams[1]: policy ampom has no parameter "bogus" (it has: zoneRadius,',
  },
  {
    name: "sweep config with a parameter the policy module does not declare (refused before any run)",
    args: ["sweep", "sweep.json", "--out", "r.jsonl"],
    files: {
      "sweep.json": cfg({ base: { workload: "random", memory: "1MiB", policy: "./ahead.mjs" }, grid: { policyParams: [{ ahead: 2 }, { bogus: 1 }] } }),
      "ahead.mjs": aheadPolicy(4),
    },
    message: 'ampom: sweep.json: grid.policyParams[1]: policy module ./ahead.mjs has no parameter "bogus" (it has: ahead)',
  },
  {
    name: "sweep --dry-run of a policy module that does not load",
    args: ["sweep", "sweep.json", "--out", "r.jsonl", "--dry-run"],
    files: { "sweep.json": cfg({ base: { workload: "random", memory: "1MiB", policy: "./broken.mjs" } }), "broken.mjs": "export function reset( {" },
    message: /^ampom: sweep\.json: base\.policy: policy module \.\/broken\.mjs: cannot load it: /m,
  },
  {
    name: "sweep shard out of range",
    args: ["sweep", "sweep.json", "--out", "r.jsonl", "--shard", "3/3"],
    files: { "sweep.json": cfg({}) },
    message: "ampom: option --shard: the shard index: expected a whole number from 0 to 2, got 3",
  },
  { name: "sweep with zero workers", args: ["sweep", "sweep.json", "--out", "r.jsonl", "--workers", "0"], files: { "sweep.json": cfg({}) }, message: /^ampom: option '-j, --workers <k>' argument '0' is invalid/m },
  { name: "sweep with workers that are no number", args: ["sweep", "sweep.json", "--out", "r.jsonl", "--workers", "many"], files: { "sweep.json": cfg({}) }, message: /^ampom: option '-j, --workers <k>' argument 'many' is invalid\. expected a whole number\.$/m, code: 2 },
  {
    name: "trace import into an existing folder (named as given, not by a temporary)",
    args: ["trace", "import", "pages.txt", "-o", "adir"],
    files: { "pages.txt": "# page-level\nR 1000 10\n", "adir/keep": "" },
    message: /^ampom: adir: is a directory, expected a file to write$/m,
  },
  {
    // refused before the input is read: an import of a large trace is not lost at its end
    name: "trace import into a missing folder (named as given, not by a temporary)",
    args: ["trace", "import", "pages.txt", "-o", "nodir/out.amt"],
    files: { "pages.txt": "# page-level\nR 1000 10\n" },
    message: "ampom: nodir/out.amt: cannot write it: folder nodir does not exist",
  },
  {
    name: "evaluate writing to an existing folder (refused before any run or runs folder)",
    args: ["evaluate", "--traces", "none", "--kernels", "stream", "-m", "1MiB", "-o", "adir"],
    files: { "adir/keep": "" },
    message: /^ampom: adir: is a directory, expected a file to write$/m,
  },
  {
    name: "evaluate with an unknown network in --conditions (no runs folder left)",
    args: ["evaluate", "--traces", "none", "--kernels", "stream", "-m", "1MiB", "--conditions", "gige-2008,foo", "-o", "OUT.json"],
    message: 'ampom: option conditions (--conditions): unknown network "foo" (known: gige-2008, rdma-100g)',
  },
  {
    name: "evaluate with an empty --conditions list (refused as it is read, naming the option)",
    args: ["evaluate", "--traces", "none", "--kernels", "stream", "-m", "1MiB", "--conditions", ",", "-o", "OUT.json"],
    message: "ampom: option '--conditions <list>' argument ',' is invalid. an empty list (give one or more, comma-separated)",
    code: 2,
  },
  {
    name: "evaluate with --out in the --report folder under the report page's name (the page would replace the results)",
    args: ["evaluate", "--traces", "none", "--kernels", "stream", "-m", "1MiB", "-o", "rep/report.html", "--report", "rep"],
    files: { "rep/keep": "" },
    message: "ampom: --report rep: rep/report.html: is the results file (--out), which the report would overwrite; give another folder",
  },
  {
    name: "evaluate with --runs-dir naming --out's file (before any run makes it a folder)",
    args: ["evaluate", "--traces", "none", "--kernels", "stream", "-m", "1MiB", "-o", "x.json", "--runs-dir", "x.json"],
    message: "ampom: --runs-dir x.json: is the results file (--out), which would then be a folder; give another folder",
  },
  {
    name: "compare with an empty --policies list",
    args: ["compare", "--workload", "random", "--memory", "1MiB", "--policies", " , "],
    message: "ampom: option '--policies <list>' argument ' , ' is invalid. an empty list (give one or more, comma-separated)",
    code: 2,
  },
  {
    name: "evaluate with a migration point above 1 (no runs folder left)",
    args: ["evaluate", "--traces", "none", "--kernels", "stream", "-m", "1MiB", "--migrate-at", "0.5,2", "-o", "OUT.json"],
    message: /^ampom: option points \(--migrate-at\): points\[1\] \(2\): must be below 1 \(at 1 the process has finished, and nothing would migrate\)$/m,
    code: 1,
  },
  {
    name: "evaluate with a missing --policy module (no runs folder left)",
    args: ["evaluate", "--traces", "none", "--kernels", "stream", "-m", "1MiB", "--policy", "./nopolicy.ts", "-o", "OUT.json"],
    message: "ampom: option policy (--policy): policy module ./nopolicy.ts: no such file",
  },
  {
    name: "evaluate with a corpus manifest naming two programs alike (their rows would merge)",
    args: ["evaluate", "--corpus", "m.json", "--kernels", "none", "-o", "OUT.json"],
    files: {
      "m.json": cfg({ programs: [{ name: "a", kind: "x", half: "test", file: "a.amt" }, { name: "a", kind: "x", half: "test", file: "b.amt" }] }),
      "a.amt": "",
      "b.amt": "",
    },
    message: 'ampom: m.json: programs[1].name: "a" is also the name of programs[0]',
  },
  {
    name: "evaluate with a corpus manifest holding a whole number past 2^53-1",
    args: ["evaluate", "--corpus", "m.json", "--kernels", "none", "-o", "OUT.json"],
    files: { "m.json": '{ "programs": [\n  { "name": "a", "kind": "x", "file": "a.amt", "records": 12345678901234567 }\n] }\n' },
    message:
      "ampom: m.json:2:59: programs[0].records: got 12345678901234567, a whole number past 2^53-1, where a JSON number is not exact (it would be read as 12345678901234568)",
  },
  {
    name: "evaluate with a corpus manifest naming a missing trace",
    args: ["evaluate", "--corpus", "m.json", "--kernels", "none", "-o", "OUT.json"],
    files: { "m.json": cfg({ programs: [{ name: "a", kind: "x", half: "test", file: "nope.amt.gz" }] }) },
    message: "ampom: m.json: programs[0].file: nope.amt.gz: no such file (program a)",
  },
  {
    name: "evaluate with a corpus manifest that is not valid JSON (its line and column)",
    args: ["evaluate", "--corpus", "m.json", "--kernels", "none", "-o", "OUT.json"],
    files: { "m.json": '{ "programs": [\n  { "name": "a", "kind": "x", "file": "a.amt" },\n] }\n' },
    message: "ampom: m.json:3:1: not valid JSON (expected a value)",
  },
  {
    name: "evaluate with a corpus manifest naming one trace file twice",
    args: ["evaluate", "--corpus", "m.json", "--kernels", "none", "-o", "OUT.json"],
    files: {
      "m.json": cfg({ programs: [{ name: "a", kind: "x", half: "test", file: "a.amt" }, { name: "b", kind: "x", half: "tuning", file: "./a.amt" }] }),
      "a.amt": "",
    },
    message: 'ampom: m.json: programs[1].file: "./a.amt" is the same trace file as programs[0].file ("a.amt"): list each trace once (programs a and b)',
  },
  {
    name: "evaluate with a corpus manifest naming a file that is not a trace (no runs folder left)",
    args: ["evaluate", "--corpus", "m.json", "--kernels", "none", "-o", "OUT.json"],
    files: { "m.json": cfg({ programs: [{ name: "a", kind: "x", half: "test", file: "a.amt" }] }), "a.amt": "garbage line here\n" },
    message: 'ampom: m.json: programs[0].file: a.amt: not an amt trace: it does not begin with the magic "AMPOMTRC" (damaged at its start, or not an amt) (program a)',
  },
  {
    name: "evaluate with a corpus manifest naming a text file that is not a trace",
    args: ["evaluate", "--corpus", "m.json", "--kernels", "none", "-o", "OUT.json"],
    files: { "m.json": cfg({ programs: [{ name: "a", kind: "x", half: "test", file: "a.txt" }] }), "a.txt": "garbage line here\n" },
    message: 'ampom: m.json: programs[0].file: a.txt:1: expected a record `K PAGE GAP` with K one of I, R, W (line: "garbage line here") (program a)',
  },
  {
    // amt is the only format written: a text name would mislabel it
    name: "trace import to a name of another format",
    args: ["trace", "import", "pages.txt", "-o", "pages.txt.gz"],
    files: { "pages.txt": "# page-level\nR 1000 10\n" },
    message: "ampom: pages.txt.gz: the output is an amt trace: name it NAME.amt, or NAME.amt.gz to have it gzip'd",
  },
  {
    // before: "adir: cannot read (EISDIR)"
    name: "sweep with a folder as its results file",
    args: ["sweep", "sweep.json", "--out", "adir"],
    files: { "sweep.json": cfg({ base: { workload: "random", memory: "1MiB" } }) },
    setup: (dir) => mkdirSync(join(dir, "adir")),
    message: "ampom: adir: is a directory, not a sweep's results file",
  },
  {
    name: "sweep-merge of a folder",
    args: ["sweep-merge", "sweep.json", "--out", "merged.jsonl", "adir"],
    files: { "sweep.json": cfg({ base: { workload: "random", memory: "1MiB" } }) },
    setup: (dir) => mkdirSync(join(dir, "adir")),
    message: "ampom: adir: is a directory, not a sweep's results file",
  },
  {
    name: "sweep-merge of a missing input",
    args: ["sweep-merge", "sweep.json", "--out", "merged.jsonl", "shard-0.jsonl"],
    files: { "sweep.json": cfg({}) },
    message: "ampom: shard-0.jsonl: no such file",
  },
  // the JSON files a user writes are read alike (readJsonFile): what is missing, what is a folder
  { name: "missing cluster scenario", args: ["cluster", "none.json"], message: "ampom: none.json: no such file (the cluster scenario)" },
  { name: "cluster scenario that is a folder", args: ["cluster", "adir"], setup: (dir) => mkdirSync(join(dir, "adir")), message: "ampom: adir: is a directory, not a cluster scenario" },
  { name: "sweep config that is a folder", args: ["sweep", "adir", "--out", "r.jsonl"], setup: (dir) => mkdirSync(join(dir, "adir")), message: "ampom: adir: is a directory, not a sweep config" },
  { name: "corpus manifest that is a folder", args: ["evaluate", "--corpus", "adir", "--kernels", "none", "-o", "OUT.json"], setup: (dir) => mkdirSync(join(dir, "adir")), message: "ampom: adir: is a directory, not a corpus manifest" },
  // a trace at a page size no run takes was written, then refused by every command
  ...[["trace", "import", "pages.txt", "-o", "p.amt"], ["trace", "info", "pages.txt"], ["trace", "capture", "-o", "p.amt", "--", "true"]].map((args) => ({
    name: `${args.slice(0, 2).join(" ")} at a page size no run takes`,
    args: [...args.slice(0, 2), "--page-size", "1", ...args.slice(2)],
    files: { "pages.txt": "# page-level\nR 1000 10\n" },
    message: "ampom: option '--page-size <size>' argument '1' is invalid. expected a power of two from 512 to 2097152 bytes, e.g. 4096 or 4KiB.",
  })),
  // an empty path named the working folder, or nothing: evaluate ran everything, then
  // failed renaming '' (a runs folder left behind), reproduce wrote into the working folder
  ...[
    ["evaluate", "--traces", "none", "--kernels", "stream", "-o", ""],
    ["evaluate", "--traces", "none", "--kernels", "stream", "--runs-dir", ""],
    ["reproduce", "-o", ""],
    ["sweep", "sweep.json", "-o", ""],
    ["sweep-merge", "sweep.json", "-o", "", "shard.jsonl"],
    ["trace", "import", "pages.txt", "-o", ""],
  ].map((args) => ({
    name: `${args[0] === "trace" ? "trace import" : args[0]} with an empty ${args.find((a) => a.startsWith("-") && args[args.indexOf(a) + 1] === "")}`,
    args,
    files: { "pages.txt": "# page-level\nR 1000 10\n", "sweep.json": cfg({}) },
    message: /^ampom: option '(?:-o, )?--(?:out|runs-dir) <(?:file|dir)>' argument '' is invalid\. expected a path, got an empty one\.$/m,
  })),
  {
    // the tables go by name: both workloads' runs were mixed (demand paging "closed" 98%
    // of its own gap)
    name: "evaluate with a corpus trace named as a kernel it also runs",
    args: ["evaluate", "--corpus", "m.json", "--kernels", "stream", "-m", "1MiB", "-o", "OUT.json"],
    files: { "m.json": cfg({ programs: [{ name: "stream", kind: "x", half: "test", file: "a.txt" }] }), "a.txt": "# page-level\nR 1000 10\n" },
    message: 'ampom: two workloads are named "stream" (the trace a.txt and the kernel stream): rename the trace in its manifest, or leave the kernel out (--kernels)',
  },
  {
    // its fsync failed, "EINVAL: invalid argument, fsync", naming no file
    name: "sweep into a named pipe",
    args: ["sweep", "sweep.json", "-o", "f"],
    files: { "sweep.json": cfg({ base: { workload: "random", memory: "256KiB", baselines: false } }) },
    setup: (dir) => mkfifo(join(dir, "f")),
    message: "ampom: results file f: is a device, a pipe or a socket; a sweep reads its results back to resume, so give a file",
  },
  ...clusterCases(),
];

/** Scenario files refused before any run: each names the file, the field, what it must be
 * and what it is. */
function clusterCases(): Case[] {
  const p = { name: "p", node: 0, workload: "random", memory: "256KiB" };
  const scenario = (over: Record<string, unknown>) => ({ "s.json": cfg({ nodes: 2, processes: [p], ...over }) });
  const flow = { from: 0, to: 1, bytes: 1000 };
  const list: Array<[string, Record<string, unknown>, string]> = [
    ["a node's CPUs not whole", { nodes: [{ name: "a", cpus: 1.5 }, { name: "b" }] }, "s.json: nodes[0].cpus: must be a whole number of at least 1, got 1.5"],
    ["a node's CPUs as a string", { nodes: [{ name: "a", cpus: "2" }] }, 's.json: nodes[0].cpus: must be a whole number of at least 1, got "2"'],
    ["a node without a name", { nodes: [{ cpus: 2 }] }, "s.json: nodes[0].name: missing; it must be a non-empty string"],
    ["a fractional node count", { nodes: 2.5 }, "s.json: nodes: must be a count of nodes (a whole number from 1 to 1024) or a list of nodes, got 2.5"],
    ["a fractional node index", { processes: [{ ...p, node: 0.5 }] }, "s.json: processes[0].node: must be a node's name, or its index (a whole number from 0), got 0.5"],
    ["a flow's bytes not a size", { flows: [{ ...flow, bytes: true }] }, 's.json: flows[0].bytes: must be a size (a number of bytes, or a string such as "64KiB"), got true'],
    ["two flows of one name", { flows: [{ ...flow, name: "f" }, { ...flow, name: "f" }] }, 's.json: flows[1].name: "f" is used twice (flows[0].name too)'],
    ["an unnamed flow whose default name is given to another", { flows: [{ ...flow, name: "flow1" }, flow] }, 's.json: flows[1]: unnamed, so called "flow1", which is flows[0].name too; give it a name'],
    ["a balancer's pick unknown", { triggers: [{ kind: "balancer", pick: "largest" }] }, 's.json: triggers[0].pick: must be "listed" or "smallest", got "largest"'],
    ["two balancers", { triggers: [{ kind: "balancer" }, { kind: "balancer", interval: "2ms" }] }, "s.json: triggers[1]: a second balancer (triggers[0] is one); a cluster has one balancer"],
    ["a rate flow given both bytes and a duration", { flows: [{ ...flow, rate: "1Gbps", duration: "1ms" }] }, "s.json: flows[0]: a rate flow ends after bytes or after duration; give one, not both"],
    ["an unknown field", { extra: 1 }, 's.json: unknown field "extra"'],
    // a name every object inherits: before, a preset of undefined bandwidth
    ["a network named as an inherited name", { network: "constructor" }, 's.json: network: unknown network "constructor" (known: gige-2008, rdma-100g)'],
    ["a time per access with a unit", { processes: [{ ...p, cpuNsPerAccess: "2ns" }] }, 's.json: processes[0].cpuNsPerAccess: must be a positive number of nanoseconds, such as 0.5, got "2ns"'],
    ["a flow's rate in bytes per second", { flows: [{ from: 0, to: 1, rate: "100MBps", duration: "1ms" }] }, 's.json: flows[0].rate: rates are bits per second, and the B of "100MBps" is bytes: 100MBps is 800Mbps'],
    // these ran for minutes to hours with no output, one event a segment
    ["a flow larger than any size", { flows: [{ ...flow, bytes: 1e20 }] }, "s.json: flows[0].bytes: 100000000000000000000 is too large: a size is at most 2^53-1 bytes (8 PiB)"],
    [
      "a flow that would end past the clock's 2^53 ns",
      { flows: [{ ...flow, bytes: 4e15 }] },
      "s.json: flows[0].bytes: 4000000000000000 bytes take 370 days to send at n0's uplink, 1Gbps, so the flow ends 370 days in, past 2^53 ns (about 104 days)",
    ],
    [
      "a rate flow that would end past the clock's 2^53 ns",
      { flows: [{ from: 0, to: 1, start: 4.5e15, rate: "1bps", duration: "5000000s" }] },
      's.json: flows[0].duration: "5000000s" ends the flow 110 days in, past 2^53 ns',
    ],
    [
      "a rate flow of more segments than a flow sends",
      { flows: [{ from: 0, to: 1, rate: "1Gbps", duration: "1000000s" }] },
      's.json: flows[0].duration: "1000000s" is 1907348633 segments of 64KiB, more than a flow sends (16777216, 2^24: each is an event to simulate); give a larger segment or a shorter duration',
    ],
    ["a transfer of more segments than a flow sends", { flows: [{ ...flow, bytes: "2TiB" }] }, 's.json: flows[0].bytes: "2TiB" is 33554432 segments of 64KiB, more than a flow sends'],
    ["a flow of 0 bytes", { flows: [{ ...flow, bytes: 0 }] }, "s.json: flows[0].bytes: must be at least 1 byte, got 0"],
  ];
  return list.map(([name, over, message]) => ({ name: `cluster scenario: ${name}`, args: ["cluster", "s.json"], files: scenario(over), message: `ampom: ${message}` }));
}

describe("bad input: a clear message, a non-zero exit, no stack, no output file", () => {
  for (const c of cases) {
    it(c.name, () => {
      const dir = scratchDir("bad");
      for (const [name, text] of Object.entries(c.files ?? {})) {
        mkdirSync(join(dir, name, ".."), { recursive: true });
        writeFileSync(join(dir, name), text);
      }
      c.setup?.(dir);
      const before = filesIn(dir);
      const r = ampom(c.args, {}, dir);
      if (typeof c.message === "string") expect(r.stderr).toContain(c.message);
      else expect(r.stderr).toMatch(c.message);
      expect(r.code).toBe(c.code ?? 1);
      expect(hasStack(r.stderr)).toBe(false);
      expect(r.stdout).toBe("");
      expect(filesIn(dir)).toEqual(before);
    });
  }

  it("prints the stack only when AMPOM_DEBUG=1", () => {
    const dir = scratchDir("bad-debug");
    const quiet = ampom(["run", "--policy", "psychic"], {}, dir);
    const debug = ampom(["run", "--policy", "psychic"], { AMPOM_DEBUG: "1" }, dir);
    expect(hasStack(quiet.stderr)).toBe(false);
    expect(debug.stderr).toContain('ampom: option policy (--policy): unknown policy "psychic"');
    expect(hasStack(debug.stderr)).toBe(true);
  });
});
