// What a migration mechanism gets to work with, and what it must do: take the
// process from its home node to `dest`, and resume it there.
import type { Network, NodeId } from "../network/network.js";
import type { NetworkPreset } from "../network/presets.js";
import type { ProcessRun } from "../sim/process.js";

export interface MigrationContext {
  proc: ProcessRun;
  net: Network;
  dest: NodeId;
  costs: NetworkPreset;
  pageSize: number;
  /** distinct most-recently-used pages lightweight migration sends eagerly */
  eagerPages: number;
  /** when the migration decision is taken */
  decisionAt: number;
  /** runs `fire` at `time` in the simulation's event order */
  at(time: number, fire: () => void): void;
  /** the process is frozen from now on (mechanisms that copy while it runs call this late) */
  freeze(): void;
  /** the process runs again on `dest` at `time` */
  resume(time: number): void;
}

export interface Mechanism {
  name: string;
  description: string;
  /** Called at the decision; the process is still running at home. */
  start(ctx: MigrationContext): void;
}
