// The scenario options shared by `run`, `compare` and `sweep`: declared once, turned
// into library RunOptions once.
import { Command, InvalidArgumentError, Option } from "commander";
import { DEFAULT_SCAN_INTERVAL, DEFAULT_WORKLOAD, type RunOptions } from "../sim/options.js";
import { LINK_DISCIPLINES, type LinkDiscipline } from "../network/network.js";
import { parseDuration, parseRate, parseSize, readFraction, TooLargeError, UnknownUnitError } from "../util/units.js";
import { pushOrders } from "../migration/push-orders/index.js";
import { seededWorkloads } from "../workloads/registry.js";
import { isPageSize, MAX_PAGE_SIZE, MIN_PAGE_SIZE } from "../trace/amt.js";
import { inexactWhole, wholeProblem } from "../util/params.js";

/** `withPair: false` leaves out --mechanism and --policy (compare runs them all). */
export function addRunOptions(cmd: Command, { withPair = true }: { withPair?: boolean } = {}): Command {
  cmd
    .option("-w, --workload <name|file>", "built-in workload or trace file", DEFAULT_WORKLOAD)
    .option("-m, --memory <size>", "memory a generated workload's data occupies (e.g. 256MiB, 1GiB; a trace has its own)", sizeOption, "64MiB");
  if (withPair) {
    cmd
      .option("--mechanism <name>", "migration mechanism", "lightweight")
      .addOption(
        new Option("-p, --policy <name>", "prefetch policy: a built-in name, or the path of your own policy module (./my-policy.ts)").default(
          "ampom",
          "ampom; none with full-copy and pre-copy",
        ),
      );
  }
  return cmd
    .option("-n, --network <preset>", "network preset", "gige-2008")
    .option("--bandwidth <rate>", "link bandwidth override (e.g. 1Gbps, 100Gbps)", rateOption)
    .option("--latency <time>", "one-way link latency override (e.g. 50us)", timeOption)
    .option("--background <u>", "background link utilisation, 0 to below 1 (e.g. 0.8 or 80%)", fractionOption, 0)
    .addOption(
      new Option("--link <discipline>", "how the link orders pages: fifo (one stream, openMosix's TCP) or priority (demand replies ahead of queued prefetch and push pages)")
        .choices(LINK_DISCIPLINES)
        .default("fifo"),
    )
    .option("--migrate-at <f>", "migrate after this fraction of the records, 0 to below 1 (e.g. 0.5 or 50%)", fractionOption, 0.5)
    .option("--seed <n>", `seed of a generated workload that draws at random (${seededWorkloads().join(", ")}; the others run alike under every seed); not for traces`, parseNumber, 1)
    .addOption(new Option("--core <kind>", "simulation core").choices(["wasm", "reference"]).default("wasm"))
    .option("--page-size <size>", "page size (e.g. 4KiB, 2MiB)", parsePageSize, 4096)
    .addOption(new Option("--cpu <model>", "CPU of the HPCC kernels' calibrated time per access: host (this machine) or 2008 (a 2008 cluster core); not for traces").choices(["host", "2008"]).default("2008"))
    .option("--cpu-ns <time>", "work per memory access, ns, overriding --cpu (e.g. 1, 0.5ns, 2ns; traces default to 1)", parseCpuTime)
    .option("--eager-pages <n>", "pages lightweight migration sends with the context, the most recently used (0 to 8)", parseNumber, 3)
    .option("--working-set <f>", "fraction of a generated workload's data touched after migration (e.g. 0.25 or 25%)", fractionOption, 1)
    .option("--iterations <n>", "passes over the data, for generated workloads that repeat", parseNumber)
    .option("--scan-interval <time>", "interval of the accessed-bit scans before migration, all a policy knows of that time: auto (each window 1us per page touched so far: the scanner takes ~1% of a CPU) or a fixed time", quantityOption(parseDuration, "50us", "auto"), DEFAULT_SCAN_INTERVAL)
    .option("--param <name=value>", "policy parameter, e.g. zoneRadius=16 for ampom (repeatable)", collectParam)
    .option("--migrate-at-time <time>", "migrate at this simulated time instead (e.g. 20ms)", timeOption)
    .option("--migrate-at-record <n>", "migrate just before record n (0-based) instead", parseNumber)
    .option("--fault-trap <time>", "local cost of a remote fault before its request leaves, overriding the preset (e.g. 2us)", timeOption)
    .option("--zero-fill <time>", "local cost of a first touch of a page that never existed, overriding the preset's (which grows with the page size); as given, at any page size (e.g. 1us)", timeOption)
    .option("--first-use <time>", "local cost of the first use of a prefetched page (a minor fault), overriding the preset's 0 (e.g. 1us)", timeOption)
    .option("--fault-trap-cpu <time>", "the part of the fault trap charged to the process's CPU clock, which ampom's paging rate counts as execution (default 0)", timeOption)
    .option("--first-use-cpu <time>", "the part of a first use's cost charged to the process's CPU clock, likewise (default 0)", timeOption)
    .option("--push-order <order>", `post-copy's background push order: ${Object.keys(pushOrders).join(", ")}`)
    .option("--mech-param <name=value>", "mechanism parameter, e.g. maxRounds=10 for pre-copy (repeatable)", collectParam);
}

/** `--events FILE`, on the commands that can log events (run, compare, cluster). */
export const EVENTS_OPTION = [
  "--events <file>",
  "write every event (faults, prefetches, pushes, eager pages, arrivals, migration steps, the end) to FILE as JSON Lines; the file appears only if the command succeeds",
] as const;

/** The exit code an option's parser gives a value out of range, so that main() can tell
 * it from the rest commander refuses (exit 2): commander passes only the code and the
 * exit code of the parser's error on, with the option's name put in its message. */
export const OUT_OF_RANGE_EXIT = 101;

/** A value the command line cannot read (not a number, not name=value): exits 2.
 * commander names the option in the message: option '--seed <n>' argument 'x' is invalid. ... */
export function notParsed(message: string): InvalidArgumentError {
  const err = new InvalidArgumentError(message);
  err.exitCode = 2;
  return err;
}

/** A comma-separated list option: each name once, in the order first given (a name
 * given twice would be the same runs, or the same rows, twice); an empty list is
 * refused, as it would leave nothing to run. */
export function commaList(value: string): string[] {
  const names = [...new Set(value.split(",").map((s) => s.trim()).filter((s) => s !== ""))];
  if (names.length === 0) throw notParsed("an empty list (give one or more, comma-separated)");
  return names;
}

/** A value of the right form that is wrong (out of range, an unknown unit): exits 1, as
 * a value out of range found after parsing does (docs/cli.md, Errors). */
export function outOfRange(message: string): InvalidArgumentError {
  const err = new InvalidArgumentError(message);
  err.exitCode = OUT_OF_RANGE_EXIT;
  return err;
}

/** A file or folder option's value: an empty one (`-o ''`, a variable left unset) would
 * name the working folder, or nothing, and is refused. */
export function parsePath(value: string): string {
  if (value.trim() === "") throw outOfRange("expected a path, got an empty one.");
  return value;
}

type QuantityParser = (what: string, input: string) => number;

/** A quantity read as the library reads it (parseSize, parseDuration, parseRate): a value
 * that is no number with a unit exits 2 with `expected`, one in a unit the quantity does
 * not take, or too large for it, exits 1 (with the parser's message, which names the
 * units it takes or its largest). */
export function parseQuantityArg(parse: QuantityParser, value: string, expected: string): number {
  try {
    return parse("value", value);
  } catch (err) {
    if (err instanceof UnknownUnitError || err instanceof TooLargeError) throw outOfRange(err.message.replace("value: ", "") + ".");
    throw notParsed(expected);
  }
}

export const parseSizeArg = (value: string, expected: string): number => parseQuantityArg(parseSize, value, expected);

/** An option's parser for a quantity the library reads itself: checked as the command
 * line is read (so its exit code is the command line's) and passed on as written, which
 * the results' provenance records. `word`: a value that is not a quantity but accepted
 * (auto). */
function quantityOption(parse: QuantityParser, example: string, word?: string): (value: string) => string {
  return (value) => {
    if (value !== word) parseQuantityArg(parse, value, `expected a number with an optional unit, e.g. ${example}.`);
    return value;
  };
}

export const sizeOption = quantityOption(parseSize, "256MiB");
export const timeOption = quantityOption(parseDuration, "50us");
export const rateOption = quantityOption(parseRate, "1Gbps");

/** A whole number of at least `least`: "two" cannot be read (exit 2); 0 where 1 is the
 * least, -3 or 1.5 are numbers out of range (exit 1). `example`: what the message suggests. */
function parseWhole(value: string, least: 0 | 1, example: string): number {
  const n = readDecimal(value);
  const eg = example ? `, e.g. ${example}` : "";
  if (!Number.isFinite(n)) throw notParsed(`expected a whole number${eg}.`);
  const problem = wholeProblem(n, least);
  if (problem !== undefined) throw outOfRange(`${problem}${eg}.`);
  return n;
}

export const parseCount = (value: string, example = ""): number => parseWhole(value, 0, example);
export const parsePositiveCount = (value: string, example = ""): number => parseWhole(value, 1, example);

export function parseNumber(value: string): number {
  const n = readDecimal(value);
  if (!Number.isFinite(n)) throw notParsed("expected a number, e.g. 0.5 or 42.");
  // a whole number a double cannot hold: refused as written, not checked later as the
  // number it rounds to (--seed 9007199254740993 was refused as 9007199254740992)
  const whole = /^\s*\+?(-?[0-9]+)\s*$/.exec(value);
  const inexact = whole ? inexactWhole(whole[1], value.trim(), "a number") : undefined;
  if (inexact !== undefined) throw outOfRange(`${inexact}.`);
  return n;
}

/** A number written in decimal (42, -3, 0.5, 1e3), NaN otherwise: Number() alone would
 * also read 0x10, 0b11 and Infinity, and an empty string as 0. */
function readDecimal(value: string): number {
  return /^\s*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?\s*$/i.test(value) ? Number(value) : NaN;
}

/** A fraction, as 0.25 or 25%; the option's own range is checked where the options are. */
export function parseFraction(value: string): number {
  const f = readFraction(value);
  // the range is each option's own, checked with the rest of the options (a value out
  // of range exits 1, as every other; one that is not a fraction at all exits 2)
  if (!Number.isFinite(f)) throw notParsed("expected a fraction, e.g. 0.8 or 80%.");
  return f;
}

/** An option's parser for a fraction the library reads itself (it takes "25%" as well as
 * 0.25): checked as the command line is read, and passed on as written, so that the
 * library's refusal of one out of range names it as the user wrote it ("150%", not the
 * 1.5 it was read as). One written as its number (1.5) is passed as that number, which
 * the library shows as written, where the text would be quoted ("1.5"). */
export function fractionOption(value: string): number | string {
  const f = parseFraction(value);
  return String(f) === value.trim() ? f : value;
}

/** Nanoseconds, fractions allowed (0.5ns of work per access): a bare number or ns/us. */
function parseCpuTime(value: string): number {
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*(ns|us|µs)?\s*$/i.exec(value);
  if (!m) throw notParsed("expected a time per access, e.g. 1, 0.5ns or 2ns.");
  return Number(m[1]) * (m[2] && m[2].toLowerCase() !== "ns" ? 1000 : 1);
}

/** A page size, in bytes or with a unit (4096, 4KiB, 2MiB), that every command takes
 * alike: one a run can use (traces written at another could not be run). */
export function parsePageSize(value: string): number {
  const expected = `expected a power of two from ${MIN_PAGE_SIZE} to ${MAX_PAGE_SIZE} bytes, e.g. 4096 or 4KiB.`;
  const n = parseSizeArg(value, expected);
  if (!isPageSize(n)) throw outOfRange(expected);
  return n;
}

// no commander default ({}), so help does not print "(default: {})"; the options schema defaults it
export function collectParam(value: string, into: Record<string, number> = {}): Record<string, number> {
  const m = /^([A-Za-z][\w-]*)=(.+)$/.exec(value);
  if (!m) throw notParsed("expected name=value, e.g. zoneRadius=16.");
  return { ...into, [m[1]]: parseNumber(m[2]) };
}

/** Options whose command-line default is left to the library when not given: a trace
 * refuses the generator's options only when given (never for their defaults), the
 * default policy follows the mechanism (none for full-copy and pre-copy), the default
 * migration point gives way to --migrate-at-record or --migrate-at-time, and the copies
 * refuse eager pages only when given. */
const LIBRARY_DEFAULTS = ["memory", "workingSet", "iterations", "seed", "cpu", "policy", "migrateAt", "eagerPages"];

/** Commander's option bag to library options; with `cmd`, the options above that were
 * left at their defaults are passed as undefined. */
export function toRunOptions(o: Record<string, unknown>, cmd?: Command): RunOptions {
  const given = (name: string) => (!cmd || !LIBRARY_DEFAULTS.includes(name) || cmd.getOptionValueSource(name) !== "default" ? o[name] : undefined);
  return {
    workload: o.workload as string,
    memory: given("memory") as string | undefined,
    mechanism: o.mechanism as string,
    policy: given("policy") as string | undefined,
    network: o.network as string,
    bandwidth: o.bandwidth as string | undefined,
    latency: o.latency as string | undefined,
    background: o.background as number | string,
    link: o.link as LinkDiscipline,
    migrateAt: given("migrateAt") as number | string | undefined,
    seed: given("seed") as number | undefined,
    core: o.core as "wasm" | "reference",
    pageSize: o.pageSize as number,
    cpu: given("cpu") as "host" | "2008" | undefined,
    cpuNsPerAccess: o.cpuNs as number | undefined,
    eagerPages: given("eagerPages") as number | undefined,
    workingSet: given("workingSet") as number | string | undefined,
    iterations: given("iterations") as number | undefined,
    scanInterval: o.scanInterval as string | undefined,
    baselines: o.baselines as boolean | undefined,
    policyParams: o.param as Record<string, number>,
    pushOrder: o.pushOrder as string | undefined,
    migrateAtTime: o.migrateAtTime as string | undefined,
    migrateAtRecord: o.migrateAtRecord as number | undefined,
    faultTrap: o.faultTrap as string | undefined,
    zeroFill: o.zeroFill as string | undefined,
    firstUse: o.firstUse as string | undefined,
    faultTrapCpu: o.faultTrapCpu as string | undefined,
    firstUseCpu: o.firstUseCpu as string | undefined,
    mechanismParams: o.mechParam as Record<string, number>,
  };
}
