// Pre-copy (live migration, as in Clark et al., NSDI 2005, and Xen): the process keeps
// running at home while its pages are copied in rounds. Round 1 sends every page that
// exists; each later round sends the pages written since they were sent (the core's
// F_DIRTY bit, cleared as a page leaves) and pages that came into existence. When the
// set left is small, after a round limit, or after sending too much (stock Xen's three
// rules), the process freezes and the rest goes with the context. A fourth rule, off
// unless asked for, freezes once a round sent more pages than the round before: Xen's
// xc_domain_save has it only when built with its adaptive rate limit (ADAPTIVE_SAVE),
// and then only at full rate, as this model always sends. A page is sent again only if
// it was written after it was last sent (`resentPages` counts those). If the process
// ends at home before the freeze, the host calls the migration off at that moment.
import { DELIVERY_CAP, F_DIRTY, KIND_EAGER, ST_HOME, ST_LOCAL, ST_MASK } from "../core/abi.js";
import { EVENT_COPY, EVENT_EAGER, type EventKind } from "../sim/event-log.js";
import { LastArrival, sendContext } from "./send.js";
import { streamPages } from "./stream.js";
import type { Mechanism, MigrationContext } from "./types.js";

export const preCopy: Mechanism = {
  name: "pre-copy",
  description: "copy while running in rounds of dirtied pages, then freeze for the rest",
  remotePaging: false,
  params: [
    { name: "maxRounds", default: 29, min: 1, integer: true, description: "live rounds before the freeze at most (Xen's 29: its loop goes round 30 times, the last the stop-and-copy)" },
    { name: "stopPages", default: 50, integer: true, description: "freeze once fewer pages than this wait to be sent (Xen's threshold of 50 dirty pages)" },
    { name: "maxFactor", default: 3, description: "freeze once pages sent reach this many times the pages that exist (Xen gives up at 3x memory)" },
    { name: "stopOnGrowth", default: 0, max: 1, integer: true, description: "1: freeze once a round sent more pages than the round before (Xen's no-progress rule, built in only with its adaptive rate limit); 0: keep going, as stock Xen does" },
    { name: "burstPages", default: 16, min: 1, max: DELIVERY_CAP, integer: true, description: "pages handed to the link at a time (64 KiB): how long other traffic may wait behind a round" },
  ],
  start(ctx) {
    new PreCopy(ctx).round(ctx.decisionAt);
  },
};

class PreCopy {
  private readonly states: Uint8Array;
  private readonly pages: number;
  /** pages sent at least once */
  private readonly sent: Uint8Array;
  private rounds = 0;
  private sentPages = 0;
  /** pages sent by the last finished round and the one before it */
  private sentLastRound = 0;
  private sentRoundBefore = 0;
  private resentPages = 0;

  constructor(private readonly ctx: MigrationContext) {
    this.states = ctx.proc.views.states;
    this.pages = ctx.proc.workload.pageCount;
    this.sent = new Uint8Array(this.pages);
    // writes are tracked from the decision on
    for (let p = 0; p < this.pages; p++) this.states[p] &= ~F_DIRTY;
  }

  private needsSending(p: number): boolean {
    const st = this.states[p];
    return (st & ST_MASK) === ST_LOCAL && (this.sent[p] === 0 || (st & F_DIRTY) !== 0);
  }

  /** A pass over the address space sending what needs sending when the pass reaches it. */
  private pass(startAt: number, event: EventKind, done: (lastArrival: number, now: number) => void): void {
    let cursor = 0;
    const { proc } = this.ctx;
    streamPages(
      this.ctx,
      {
        burst: this.ctx.params.burstPages,
        deliverKind: null,
        fixed: proc.phase === "frozen",
        bytesKind: "eager",
        event,
        next: (out, max) => {
          if (proc.phase === "done") return 0;
          let n = 0;
          while (n < max && cursor < this.pages) {
            const p = cursor++;
            if (this.needsSending(p)) out[n++] = p;
          }
          return n;
        },
        // counted, and its dirty bit cleared, as it leaves: under the priority link a
        // page waits turns between being chosen and leaving, and a write meanwhile goes
        // with it
        sent: (p) => {
          if (this.sent[p]) this.resentPages++;
          this.sent[p] = 1;
          this.states[p] &= ~F_DIRTY;
          this.sentPages++;
        },
        done,
        // the host called the migration off when the process ended: nothing more leaves
        over: () => proc.phase === "done",
      },
      startAt,
    );
  }

  round(at: number): void {
    const sentBefore = this.sentPages;
    this.pass(at, EVENT_COPY, (_last, now) => {
      this.rounds++;
      this.sentRoundBefore = this.sentLastRound;
      this.sentLastRound = this.sentPages - sentBefore;
      const { ctx } = this;
      if (ctx.proc.phase === "done") {
        // it ended at home during the round: the host called the migration off then
        this.report(NaN);
        return;
      }
      let waiting = 0;
      let existing = 0;
      for (let p = 0; p < this.pages; p++) {
        if ((this.states[p] & ST_MASK) === ST_LOCAL) existing++;
        if (this.needsSending(p)) waiting++;
      }
      const { maxRounds, stopPages, maxFactor, stopOnGrowth } = ctx.params;
      const noProgress = stopOnGrowth !== 0 && this.rounds >= 2 && this.sentLastRound > this.sentRoundBefore;
      // which rules stopped it, reported: a freeze at a limit is one whose copy had not
      // converged (a copy that converged as it reached a limit, or with nothing to send
      // at all, as at --migrate-at 0, reports converged alone)
      const converged = waiting < stopPages;
      const rules = {
        converged,
        stoppedByMaxRounds: !converged && this.rounds >= maxRounds,
        stoppedByMaxFactor: !converged && this.sentPages >= maxFactor * existing,
        stoppedByNoProgress: !converged && noProgress,
      };
      if (Object.values(rules).some(Boolean)) {
        for (const [rule, held] of Object.entries(rules)) ctx.stats[rule] = held ? 1 : 0;
        // the process may have run past the round's end in a record's work (it stops
        // after the work, its access left for the destination): it freezes then
        this.stopAndCopy(Math.max(now, ctx.proc.clock), waiting);
      } else {
        this.round(now);
      }
    });
  }

  private stopAndCopy(now: number, waiting: number): void {
    const { ctx } = this;
    ctx.freeze();
    const context = new LastArrival();
    sendContext(ctx, now, context);
    // the context went first on the same links: its arrival is fixed when the pass ends
    const resume = (lastArrival: number, end: number) => context.whenFixed(end, (contextIn) => this.resume(Math.max(contextIn, lastArrival), waiting));
    // With nothing left to send (a decision at 0, before any page exists), no pass: it
    // would learn so only at its first turn on the uplink, which another stream from the
    // node can hold past the context's arrival, and the resume fell in the past ("internal:
    // an event scheduled at 90536 ns while the one at 131072 ns fires")
    if (waiting === 0) resume(-Infinity, now);
    else this.pass(now, EVENT_EAGER, resume);
  }

  /** The process runs on at the destination at `resumeAt`, when the context and every
   * page sent have landed. */
  private resume(resumeAt: number, waitingAtFreeze: number): void {
    const { ctx } = this;
    // every page that exists is at the destination by resumeAt; untouched pages stay
    // nonexistent (a first touch is a zero-fill, as after any migration)
    const { core, views } = ctx.proc;
    ctx.proc.migrate(false);
    let n = 0;
    let delivered = 0;
    const flush = () => {
      delivered += core.deliver(n, KIND_EAGER);
      n = 0;
    };
    for (let p = 0; p < this.pages; p++) {
      if ((views.states[p] & ST_MASK) !== ST_HOME) continue;
      views.deliverPages[n] = p;
      views.deliverTimes[n] = resumeAt;
      if (++n === DELIVERY_CAP) flush();
    }
    flush();
    this.report(waitingAtFreeze);
    ctx.stats.pagesAtDestination = delivered;
    ctx.resume(resumeAt);
  }

  private report(waitingAtFreeze: number): void {
    const s = this.ctx.stats;
    s.rounds = this.rounds;
    s.sentPages = this.sentPages;
    s.resentPages = this.resentPages;
    if (!Number.isNaN(waitingAtFreeze)) s.pagesAtFreeze = waitingAtFreeze;
  }
}
