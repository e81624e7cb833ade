// Shards: n independent jobs split one grid. Run i of the grid belongs to shard
// i mod n — interleaved rather than contiguous, so that shards get a similar mix of
// cheap and expensive runs when the grid's slow key varies slowly.
import { wholeProblem } from "../util/params.js";

export interface Shard {
  index: number;
  count: number;
}

/** Parses "i/n" (0 <= i < n) or "slurm" (from a Slurm job array), for the library: a
 * library caller passed a value, not `--shard`, so its messages begin `shard:`. */
export function parseShard(spec: string, env: Record<string, string | undefined> = process.env): Shard {
  return readShard(spec, env, "shard");
}

/** Parses a shard spec; `what` begins its messages: "option --shard" on the command line. */
export function readShard(spec: string, env: Record<string, string | undefined>, what: string): Shard {
  if (spec === "slurm") return slurmShard(env, `${what} slurm`);
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(spec);
  if (!m) throw new Error(`${what}: expected i/n (e.g. 0/4) or "slurm", got "${spec}"`);
  return checkShard(Number(m[1]), Number(m[2]), what);
}

/** The shard i of n, refused unless n >= 1 and i is one of 0..n-1 (whole numbers). */
export function checkShard(index: number, count: number, what: string): Shard {
  const countProblem = wholeProblem(count, 1);
  if (countProblem !== undefined) throw new Error(`${what}: the shard count: ${countProblem}, got ${count}`);
  const indexProblem = wholeProblem(index, 0, count - 1);
  if (indexProblem !== undefined) throw new Error(`${what}: the shard index: ${indexProblem}, got ${index}`);
  return { index, count };
}

/** Shard from a Slurm job array: SLURM_ARRAY_TASK_ID counted from SLURM_ARRAY_TASK_MIN
 * in steps of SLURM_ARRAY_TASK_STEP, out of SLURM_ARRAY_TASK_COUNT. So --array=0-7,
 * 1-8 and 0-14:2 all make shards 0..7 of 8; a list such as 1,5,9 is refused. */
export function slurmShard(env: Record<string, string | undefined>, what = "shard slurm"): Shard {
  const id = env.SLURM_ARRAY_TASK_ID;
  const count = env.SLURM_ARRAY_TASK_COUNT;
  if (!id || !count) {
    throw new Error(`${what}: SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT are not set (submit with sbatch --array)`);
  }
  const min = env.SLURM_ARRAY_TASK_MIN || "0";
  const step = env.SLURM_ARRAY_TASK_STEP || "1";
  const where = `${what} (SLURM_ARRAY_TASK_ID=${id}, SLURM_ARRAY_TASK_MIN=${min}, SLURM_ARRAY_TASK_STEP=${step}, SLURM_ARRAY_TASK_COUNT=${count})`;
  const [i, n, lo, by] = [id, count, min, step].map(Number);
  if (![i, n, lo, by].every(Number.isSafeInteger) || by < 1) throw new Error(`${where}: cannot read these numbers`);
  const max = env.SLURM_ARRAY_TASK_MAX ? Number(env.SLURM_ARRAY_TASK_MAX) : undefined;
  if ((max !== undefined && (max - lo) / by + 1 !== n) || (i - lo) % by !== 0) {
    throw new Error(`${where}: the array is not one evenly spaced range (such as --array=0-7 or 0-14:2), so its tasks cannot be numbered as shards`);
  }
  return checkShard((i - lo) / by, n, where);
}

export function inShard(runIndex: number, shard: Shard | undefined): boolean {
  return shard === undefined || runIndex % shard.count === shard.index;
}

export function describeShard(shard: Shard | undefined): string {
  return shard ? `shard ${shard.index}/${shard.count}` : "all runs";
}

/** The runs of a grid of `size` that a shard has, numbered 0.. in grid order (its
 * positions), found by arithmetic rather than listed. */
export class ShardRuns {
  /** how many runs the shard has */
  readonly count: number;

  constructor(
    size: number,
    readonly shard: Shard | undefined,
  ) {
    this.count = shard === undefined ? size : shard.index >= size ? 0 : Math.ceil((size - shard.index) / shard.count);
  }

  /** the grid index of the shard's run at `position` */
  index(position: number): number {
    return this.shard === undefined ? position : this.shard.index + position * this.shard.count;
  }

  /** the position of grid index `index` in the shard, or undefined when the shard does
   * not have it */
  position(index: number | undefined): number | undefined {
    if (index === undefined || !inShard(index, this.shard)) return undefined;
    return this.shard === undefined ? index : (index - this.shard.index) / this.shard.count;
  }
}
