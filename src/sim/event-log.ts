// What happened to a process and its pages, event by event. The host reports events to
// an EventSink; this file holds the interface and the in-memory log (the report's fault
// timeline, tests); event-file.ts streams them to a JSON Lines file. Off unless a caller
// hands a sink over: the host then checks for one once per request batch, page burst or
// migration step, so runs without one pay nothing per record. Sinks receive each
// process's events in time order (event-order.ts holds them until no earlier one can
// come).

/** A remote fault's request leaves the destination (page: the faulting page). */
export const EVENT_FAULT = 0;
/** A page a prefetch policy asked for, at the moment it asked. */
export const EVENT_PREFETCH = 1;
/** A page a background push (post-copy, bubbling, oracle) hands to the link. */
export const EVENT_PUSH = 2;
/** A page sent at the freeze: lightweight's eager pages, full copy's pages, pre-copy's last pass. */
export const EVENT_EAGER = 3;
/** A page pre-copy sends while the process still runs at home (its live rounds). */
export const EVENT_COPY = 4;
/** A page lands at the destination (arg: the kind of event that sent it). */
export const EVENT_ARRIVAL = 5;
/** A step of the migration (arg: MIGRATE_*; node: where the process is then). */
export const EVENT_MIGRATE = 6;
/** The process ends (node: where). */
export const EVENT_DONE = 7;
export type EventKind = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;
/** Names of the kinds, as event files spell them. */
export const EVENT_NAMES = ["fault", "prefetch", "push", "eager", "copy", "arrival", "migrate", "done"] as const;

export const MIGRATE_DECISION = 0;
export const MIGRATE_FREEZE = 1;
export const MIGRATE_RESUME = 2;
/** pre-copy: the process ended at home before the freeze */
export const MIGRATE_CALLED_OFF = 3;
export const MIGRATE_STEPS = ["decision", "freeze", "resume", "called-off"] as const;

/** Where the host reports one process's events, in time order (ties in the order they
 * happened). */
export interface EventSink {
  /**
   * @param t     simulated time, ns
   * @param page  the page, or -1 for events of the process (migrate, done)
   * @param arg   arrival: the kind that sent the page; migrate: the step; else 0
   * @param node  the node the process is on when the event is recorded
   */
  record(t: number, kind: EventKind, page: number, arg: number, node: number): void;
}

/** Events kept in memory as columns, up to a limit. `kinds` keeps only those kinds
 * (default: all). */
export class EventLog implements EventSink {
  readonly times: number[] = [];
  readonly pages: number[] = [];
  readonly kinds: EventKind[] = [];
  readonly args: number[] = [];
  /** the node the process was on at each event */
  readonly nodes: number[] = [];
  /** events past the limit are counted here, not kept */
  dropped = 0;
  private readonly keep: number;

  constructor(
    readonly limit = 1_000_000,
    kinds?: readonly EventKind[],
  ) {
    this.keep = kinds ? kinds.reduce<number>((m, k) => m | (1 << k), 0) : 0xff;
  }

  record(t: number, kind: EventKind, page: number, arg: number, node: number): void {
    if (!(this.keep & (1 << kind))) return;
    if (this.times.length >= this.limit) {
      this.dropped++;
      return;
    }
    this.times.push(t);
    this.pages.push(page);
    this.kinds.push(kind);
    this.args.push(arg);
    this.nodes.push(node);
  }

  get length(): number {
    return this.times.length;
  }

  /** Events of `kind` kept. */
  count(kind: EventKind): number {
    let n = 0;
    for (const k of this.kinds) if (k === kind) n++;
    return n;
  }
}
