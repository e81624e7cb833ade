// What a migration mechanism gets to work with, and what it must do: take the
// process from its home node to `dest`, and resume it there.
import type { UplinkArbiter } from "../network/arbiter.js";
import type { Network, NodeId } from "../network/network.js";
import type { NetworkPreset } from "../network/presets.js";
import type { ProcessRun } from "../sim/process.js";
import type { PushOrderName } from "./push-orders/index.js";
import type { NumericParam } from "../util/params.js";

export interface MigrationContext {
  proc: ProcessRun;
  net: Network;
  /** turns on the uplinks for streams: a stream sends a burst per turn */
  arbiter: UplinkArbiter;
  dest: NodeId;
  costs: NetworkPreset;
  pageSize: number;
  /** distinct most-recently-used pages lightweight migration sends eagerly */
  eagerPages: number;
  /** when the migration decision is taken */
  decisionAt: number;
  /** the mechanism's parameters, defaults filled in (see Mechanism.params) */
  params: Record<string, number>;
  /** background push order after the freeze: post-copy's order, or the one a push
   * policy (bubbling, oracle) adds to lightweight; undefined: no push (lightweight) or
   * the mechanism's default (post-copy) */
  push?: PushOrderName;
  /** runs `fire` at `time` in the simulation's event order */
  at(time: number, fire: () => void): void;
  /** the process is frozen from now on (mechanisms that copy while it runs call this late) */
  freeze(): void;
  /** the process runs again on `dest` at `time` */
  resume(time: number): void;
  /** mechanism-specific figures for the report (pre-copy rounds, pages re-sent) */
  stats: Record<string, number>;
}

export type MechanismParam = NumericParam;

export interface Mechanism {
  name: string;
  description: string;
  /** true when the process resumes before all its pages have moved, so remote
   * faults, prefetch policies and background pushes follow (lightweight, post-copy) */
  remotePaging: boolean;
  /** numeric parameters with their defaults and reasons (--mech-param name=value) */
  params: MechanismParam[];
  /** Called at the decision; the process is still running at home. */
  start(ctx: MigrationContext): void;
}
