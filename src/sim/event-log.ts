// An optional record of what happened to pages after migration, for the fault
// timeline figure: (time, page, kind) for every remote fault and every page a
// prefetch policy asked for. Off unless a caller hands one to runScenario(); the
// host checks for it once per request batch, so runs without it pay nothing.

export const EVENT_FAULT = 0;
export const EVENT_PREFETCH = 1;
/** a page lightweight migration sent with the context (recorded at the decision) */
export const EVENT_EAGER = 2;
export type EventKind = typeof EVENT_FAULT | typeof EVENT_PREFETCH | typeof EVENT_EAGER;

export class EventLog {
  readonly times: number[] = [];
  readonly pages: number[] = [];
  readonly kinds: EventKind[] = [];
  /** events past this many are counted in `dropped`, not kept */
  constructor(readonly limit = 1_000_000) {}
  dropped = 0;

  record(time: number, page: number, kind: EventKind): void {
    if (this.times.length >= this.limit) {
      this.dropped++;
      return;
    }
    this.times.push(time);
    this.pages.push(page);
    this.kinds.push(kind);
  }

  get length(): number {
    return this.times.length;
  }

  /** The lightweight freeze, when the process migrated that way: decision and resume, ns. */
  migration?: { decisionNs: number; resumeNs: number };
}
