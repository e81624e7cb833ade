// Grid expansion: every combination of the grid's values over the base options, in a
// fixed order (keys in the order the config lists them, the last key varying fastest),
// so that a combination's index means the same run on every machine.

export type Grid = Record<string, unknown[]>;

export function gridSize(grid: Grid): number {
  return Object.values(grid).reduce((n, values) => n * values.length, 1);
}

/** The value index of each grid key for combination `index`. */
export function comboIndices(grid: Grid, index: number): number[] {
  const lengths = Object.values(grid).map((v) => v.length);
  const at = new Array<number>(lengths.length);
  for (let k = lengths.length - 1; k >= 0; k--) {
    at[k] = index % lengths[k];
    index = Math.floor(index / lengths[k]);
  }
  return at;
}

/** Base options overridden by combination `index` of the grid. */
export function combination(base: Record<string, unknown>, grid: Grid, index: number): Record<string, unknown> {
  const keys = Object.keys(grid);
  const at = comboIndices(grid, index);
  const options = { ...base };
  keys.forEach((k, i) => (options[k] = grid[k][at[i]]));
  return options;
}
