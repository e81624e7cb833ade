// Named numeric parameters of policies and mechanisms, with the values each may take.
// The ranges are checked before a run: the WebAssembly core reads an integer parameter
// into a 32-bit integer, so a value it cannot hold, or a fraction the reference core
// would keep and the WebAssembly core would cut, would make the two cores disagree.

export interface NumericParam {
  name: string;
  default: number;
  description: string;
  /** the smallest value allowed (default 0; -Infinity: no limit) */
  min?: number;
  /** the largest value allowed (default: no limit) */
  max?: number;
  /** whole numbers only */
  integer?: boolean;
}

/** Whole numbers from `min` (to `max`) in words: "a whole number of at least 1", "a whole
 * number from 0 to 8"; a `max` of 2^53-1, the largest a number holds exactly, is written so. */
export function wholeRange(min: number, max?: number): string {
  if (max === undefined) return `a whole number of at least ${min}`;
  return `a whole number from ${min} to ${max === Number.MAX_SAFE_INTEGER ? "2^53-1" : max}`;
}

/** What is wrong with `value` as a count, a whole number from `min` (to `max`), or
 * undefined: the one check of counts, whose callers name the input and the value given
 * their own way. Past 2^53-1 a number is not exact (2^53 + 1 reads as 2^53), so a whole
 * number there is refused with that bound, not with "of at least 1", which it is. */
export function wholeProblem(value: unknown, min: number, max?: number): string | undefined {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= min && (max === undefined || value <= max)) return undefined;
  const tooLarge = max === undefined && typeof value === "number" && Number.isInteger(value) && value > Number.MAX_SAFE_INTEGER;
  return `expected ${wholeRange(min, tooLarge ? Number.MAX_SAFE_INTEGER : max)}`;
}

/** The values `p` may take, in the words of every other range check (wholeRange): "a
 * whole number from 1 to 64", "a number of at least 0". A whole number `given` past
 * 2^53-1 (not exact: 2^53 + 1 reads as 2^53) gets the bound it passed, not "of at least
 * 1", which it is. */
export function paramRange(p: NumericParam, given?: number): string {
  const min = p.min ?? 0;
  const max = p.max ?? (p.integer && given !== undefined && Number.isInteger(given) && given > Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : undefined);
  if (p.integer && min !== -Infinity) return wholeRange(min, max);
  const kind = p.integer ? "a whole number" : "a number";
  const top = max === Number.MAX_SAFE_INTEGER ? "2^53-1" : max;
  if (max === undefined) return min === -Infinity ? kind : `${kind} of at least ${min}`;
  return min === -Infinity ? `${kind} of at most ${top}` : `${kind} from ${min} to ${top}`;
}

/** Whether `p` may take `value`; a whole number only up to 2^53-1, past which it is not exact. */
export function inRange(p: NumericParam, value: number): boolean {
  return Number.isFinite(value) && value >= (p.min ?? 0) && (p.max === undefined || value <= p.max) && (!p.integer || Number.isSafeInteger(value));
}

/** The parameters' values: defaults, overridden by name; unknown names and values out
 * of range are refused, naming `owner` ("policy ampom", "mechanism pre-copy"). */
export function resolveParams(owner: string, specs: readonly NumericParam[], overrides: Record<string, number> = {}): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of specs) out[p.name] = p.default;
  for (const [key, value] of Object.entries(overrides)) {
    const p = specs.find((s) => s.name === key);
    if (!p) {
      const known = specs.map((s) => s.name).join(", ") || "none";
      throw new Error(`${owner} has no parameter "${key}" (it has: ${known})`);
    }
    if (!inRange(p, value)) throw new Error(`${owner} parameter ${key}: must be ${paramRange(p, value)}, got ${value}`);
    out[key] = value;
  }
  return out;
}

/** `overrides` without the values that equal their parameter's default: what a run's
 * identity keeps, so that giving a default explicitly is the same run as leaving it out. */
export function nonDefaultParams(specs: readonly NumericParam[], overrides: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(overrides).filter(([key, value]) => specs.find((s) => s.name === key)?.default !== value));
}

/** What is wrong with `whole`, a whole number in decimal digits (a sign allowed), when a
 * double cannot hold it exactly (past 2^53-1: 9007199254740993 reads as
 * 9007199254740992); undefined when it can. The text shows it, not the value read.
 * `written`: the number as given; `reader`: what reads it ("a JSON number"). */
export function inexactWhole(whole: string, written: string, reader: string): string | undefined {
  // 2^53-1 has 16 digits
  if (whole.replace(/^-/, "").length < 16) return undefined;
  const read = Number(whole);
  if (Number.isFinite(read) && BigInt(read) === BigInt(whole)) return undefined;
  // no bound is named: the field's own range may be narrower (a seed's is 0 to 2^32-1)
  const bound = whole.startsWith("-") ? "-(2^53-1)" : "2^53-1";
  return `got ${written}, a whole number past ${bound}, where ${reader} is not exact (it would be read as ${read})`;
}
