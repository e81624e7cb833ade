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

/** The values `p` may take, in words: "a whole number from 1 to 64". */
export function paramRange(p: NumericParam): string {
  const kind = p.integer ? "a whole number" : "a number";
  const min = p.min ?? 0;
  if (p.max === undefined) return min === -Infinity ? kind : `${kind} >= ${min}`;
  return min === -Infinity ? `${kind} <= ${p.max}` : `${kind} from ${min} to ${p.max}`;
}

/** Whether `p` may take `value`. */
export function inRange(p: NumericParam, value: number): boolean {
  return Number.isFinite(value) && value >= (p.min ?? 0) && (p.max === undefined || value <= p.max) && (!p.integer || Number.isInteger(value));
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
    if (!inRange(p, value)) throw new Error(`${owner} parameter ${key}: must be ${paramRange(p)}, got ${value}`);
    out[key] = value;
  }
  return out;
}

/** `overrides` without the values that equal their parameter's default: what a run's
 * identity keeps, so that giving a default explicitly is the same run as leaving it out. */
export function nonDefaultParams(specs: readonly NumericParam[], overrides: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(overrides).filter(([key, value]) => specs.find((s) => s.name === key)?.default !== value));
}
