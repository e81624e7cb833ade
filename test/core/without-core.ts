// Results of the two cores, compared: the same JSON but for the `core` label each run
// carries (the one field in which they may differ).
export function withoutCore(x: object): string {
  return JSON.stringify(x, (k, v) => (k === "core" ? undefined : v));
}
