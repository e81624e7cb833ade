// Parsing of sizes, durations and rates as users write them: "256MiB", "50us", "1Gbps".
import { inexactWhole } from "./params.js";

const SIZE: Record<string, number> = {
  b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12,
  kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40,
};
const TIME: Record<string, number> = { ns: 1, us: 1e3, "µs": 1e3, ms: 1e6, s: 1e9 };
const RATE: Record<string, number> = { bps: 1, kbps: 1e3, mbps: 1e6, gbps: 1e9, tbps: 1e12 };

/** A number with a unit this quantity does not take ("64XB"): the value has the right
 * form, so the command line exits 1 for it, not 2 as for one it cannot read. */
export class UnknownUnitError extends Error {}

/** A number too large for the quantity ("1e400us"): of the right form too, so exit 1. */
export class TooLargeError extends Error {}

/** The most of each quantity: sizes and times are exact integers in a double below
 * 2^53 (the simulator's clock stops there too); a rate need only be finite. */
const LARGEST = new Map<Record<string, number>, [number, string]>([
  [SIZE, [Number.MAX_SAFE_INTEGER, "a size is at most 2^53-1 bytes (8 PiB)"]],
  [TIME, [Number.MAX_SAFE_INTEGER, "a time is at most 2^53-1 ns (about 104 days)"]],
  [RATE, [Number.MAX_VALUE, "a rate must be a finite number"]],
]);
const UNIT_NAME = new Map<Record<string, number>, string>([[SIZE, "bytes"], [TIME, "ns"], [RATE, "bps"]]);

function parseWithUnit(what: string, input: string | number, units: Record<string, number>, bare: number): number {
  const value = readWithUnit(what, input, units, bare);
  // an overflow to Infinity ("1e400") or past what the quantity holds exactly would
  // otherwise surface far from its cause ("process 0 is frozen with nothing left to
  // resume it" for --latency 1e400)
  const [largest, rule] = LARGEST.get(units)!;
  if (!(value <= largest)) {
    const given = typeof input === "number" ? input : JSON.stringify(input);
    const got = Number.isFinite(value) ? `${value} ${UNIT_NAME.get(units)}` : value;
    throw new TooLargeError(`${what}: ${given} is too large: ${rule}, got ${got}`);
  }
  return value;
}

function readWithUnit(what: string, input: string | number, units: Record<string, number>, bare: number): number {
  if (typeof input === "number") {
    if (Number.isNaN(input)) throw new Error(`${what}: ${input} is not a finite number`);
    // as a string it cannot be: the format has no sign
    if (input < 0) throw new Error(`${what}: must not be negative, got ${input}`);
    return input;
  }
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([a-zµ]*)\s*$/i.exec(input);
  if (!m) throw new Error(`${what}: cannot read "${input}" (expected a number with an optional unit, e.g. ${example(units)})`);
  const unit = m[2].toLowerCase();
  if (units === RATE && m[2].includes("B") && units[unit] !== undefined) {
    // units are read in any case, but a capital B means bytes, 8 bits: "1GBps" read as
    // 1Gbps would run a link 8 times slower than meant, with nothing to show it
    const bits = `${Number((Number(m[1]) * 8).toPrecision(12))}${m[2].slice(0, -3)}bps`;
    throw new UnknownUnitError(`${what}: rates are bits per second, and the B of "${input.trim()}" is bytes: ${m[1]}${m[2]} is ${bits}`);
  }
  if (units === SIZE && /^[KMGT]i?b$/.test(m[2])) {
    // a capital prefix before a small b is how bits are written (1Mb, 1Gib): read as
    // bytes it would make a size 8 times what was meant
    const prefix = m[2][0];
    throw new UnknownUnitError(`${what}: sizes are bytes, and the b of "${input.trim()}" is bits: write ${m[1]}${prefix}B or ${m[1]}${prefix}iB`);
  }
  // "9007199254740993" would be read as ...992 (one with a fraction or an exponent is
  // written as approximate)
  const inexact = /^\d+$/.test(m[1]) ? inexactWhole(m[1], m[1], "a number") : undefined;
  if (inexact !== undefined) throw new TooLargeError(`${what}: ${inexact}`);
  const scale = unit === "" ? bare : units[unit];
  if (scale === undefined) {
    throw new UnknownUnitError(`${what}: unknown unit "${m[2]}" in "${input}" (accepted: ${Object.keys(units).join(", ")})`);
  }
  return Number(m[1]) * scale;
}

function example(units: Record<string, number>): string {
  return units === SIZE ? "256MiB" : units === TIME ? "50us" : "1Gbps";
}

/** Bytes; a bare number is bytes. */
export function parseSize(what: string, input: string | number): number {
  return Math.round(parseWithUnit(what, input, SIZE, 1));
}
/** Nanoseconds; a bare number is nanoseconds. */
export function parseDuration(what: string, input: string | number): number {
  return Math.round(parseWithUnit(what, input, TIME, 1));
}
/** Bits per second; a bare number is bits per second. */
export function parseRate(what: string, input: string | number): number {
  return parseWithUnit(what, input, RATE, 1);
}

/** A fraction as written on the command line or in a config: "0.8", or a percent,
 * "80%" (0.8); NaN when it is neither. The range is each option's own. */
export function readFraction(input: string): number {
  const m = /^\s*(-?[0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*(%?)\s*$/i.exec(input);
  return m ? (m[2] ? Number(m[1]) / 100 : Number(m[1])) : NaN;
}

export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${Number.isInteger(n) ? n : n.toFixed(1)}${units[i]}`;
}

/** Bits per second to 3 significant digits, in the largest unit that leaves at least 1:
 * "300Mbps", "1Gbps" (for 999,999,999 too, not "1000Mbps"). */
export function formatRate(bps: number): string {
  const shown = (scale: number) => Number((bps / scale).toPrecision(3));
  const units: Array<[number, string]> = [[1e12, "Tbps"], [1e9, "Gbps"], [1e6, "Mbps"], [1e3, "kbps"]];
  const [scale, unit] = units.find(([s]) => shown(s) >= 1) ?? [1, "bps"];
  return `${shown(scale)}${unit}`;
}

/** 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, ... */
export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}

export function formatNs(ns: number): string {
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(3)}s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)}ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(1)}us`;
  return `${ns}ns`;
}
