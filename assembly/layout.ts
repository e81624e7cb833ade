// Names shared by the whole WebAssembly core: the arena layout, page-state bits,
// counter and parameter slots. src/core/abi.ts holds the same numbers for the host;
// test/abi.test.ts checks the two files agree.

// ---- page state: one byte a page -------------------------------------------
export const ST_MASK: u8 = 3;
export const ST_NONE: u8 = 0; // never touched at home: first touch is a local zero-fill
export const ST_HOME: u8 = 1; // exists only at the home node
export const ST_FLIGHT: u8 = 2; // requested or pushed, not arrived (arrival fixed unless F_UNFIXED)
export const ST_LOCAL: u8 = 3; // present where the process runs
export const F_DIRTY: u8 = 4; // written since the flag was last cleared
export const F_PREFETCHED: u8 = 8; // arrived by prefetch, not used yet
export const F_TRIGGER: u8 = 16; // first use of this page asks the policy for the next batch
export const F_PUSHED: u8 = 32; // arrived by a background push, not used yet
export const F_UNFIXED: u8 = 64; // in flight, but its arrival is not fixed yet (queued behind other traffic)
export const F_UNSEEN: u8 = 128; // pushed and not landed, unasked: the destination does not know it is coming

// ---- record flags ------------------------------------------------------------
export const REC_WRITE: u8 = 1;
export const REC_CODE: u8 = 2;

// ---- why run() returned ------------------------------------------------------
export const STOP_CHUNK_END: i32 = 0; // every record of the chunk is done
export const STOP_FAULT: i32 = 1; // blocked on a remote fault: answer the requests
export const STOP_REQUESTS: i32 = 2; // not blocked, but the policy asks for pages now
export const STOP_LIMIT: i32 = 3; // the clock reached the host's limit
export const STOP_WAIT: i32 = 4; // touched a page in flight whose arrival is not fixed: advance the link
export const STOP_POLICY: i32 = 5; // an external policy's hook is due (C_HOOK*): call it, then run again

// ---- delivery kinds (deliver()) ---------------------------------------------
export const KIND_EAGER: i32 = 0; // sent during the freeze by the mechanism
export const KIND_PUSH: i32 = 1; // background push: the destination learns of a page at its landing
export const KIND_REPLY: i32 = 2; // pages already requested: their arrival is fixed now
export const KIND_PUSH_ANNOUNCED: i32 = 3; // background push the destination expects (the oracle)

// ---- counters: f64 slots -----------------------------------------------------
export const C_NOW: i32 = 0; // process clock, ns
export const C_RECORDS: i32 = 1;
export const C_ACCESSES: i32 = 2;
export const C_REMOTE_FAULTS: i32 = 3;
export const C_ZERO_FILLS: i32 = 4;
export const C_LATE_PREFETCHES: i32 = 5;
export const C_FAULT_STALL_NS: i32 = 6;
export const C_LATE_STALL_NS: i32 = 7;
export const C_PREFETCHED: i32 = 8;
export const C_USEFUL_PREFETCHES: i32 = 9;
export const C_PUSHED: i32 = 10;
export const C_USEFUL_PUSHES: i32 = 11;
export const C_REQUESTS: i32 = 12; // pages in the request list now
export const C_FAULT_SENT_AT: i32 = 13; // when the pending fault's request left
export const C_SERVICE_NS: i32 = 14; // last observed fault service time
export const C_CURSOR: i32 = 15; // next record of the chunk
export const C_CHUNK_LEN: i32 = 16;
export const C_PENDING: i32 = 17; // 1 while the record at the cursor has consumed its gap
export const C_FAULT_PAGE: i32 = 18; // page of the pending remote fault, or -1
export const C_DEMAND_EVENTS: i32 = 19; // events written to the history ring so far
export const C_REMOTE: i32 = 20; // 0 at home, 1 after migration
export const C_PREFETCH_ISSUES: i32 = 21; // policy calls that issued at least one page
export const C_MRU_LEN: i32 = 22; // valid entries of the most-recently-used list
export const C_POLICY_SCORE: i32 = 23; // the policy's last locality score (ampom's S), for tests and reports
export const C_POLICY_WINDOW: i32 = 24; // the policy's last window (pages it meant to ask for)
export const C_FAULT_PREFETCHES: i32 = 25; // prefetch pages sent with remote-fault requests
export const C_ARRIVAL_HEAD: i32 = 26; // arrival queue: next entry not yet delivered to the policy
export const C_ARRIVAL_TAIL: i32 = 27; // arrival queue: entries written
export const C_FAULT_OPEN: i32 = 28; // 1 from a remote fault until its page arrives (onServed then)
export const C_HOOK: i32 = 29; // STOP_POLICY: which hook (HOOK_*)
export const C_HOOK_PAGE: i32 = 30; // STOP_POLICY: its page
export const C_HOOK_TIME: i32 = 31; // STOP_POLICY: its time (an arrival's time; else the clock)
export const C_HOOK_ARG: i32 = 32; // STOP_POLICY: onUse's trigger flag, onServed's service ns
export const C_SCAN_EPOCH: i32 = 33; // the current accessed-bit scan window, from 1 (at the freeze: the last)
export const C_VIOLATION: i32 = 34; // a policy broke the online-only rule (VIOLATION_*), before the core trapped
export const C_VIOLATION_PAGE: i32 = 35;
export const C_ANSWERING_FAULT: i32 = 36; // 1 between a remote fault and answerRequests()
export const C_SCAN_END: i32 = 37; // at home: when the current accessed-bit scan window ends, ns
export const C_RESIDENT: i32 = 38; // at home: pages touched so far (what a scan walks)
export const C_PUSH_MET_FAULTS: i32 = 39; // remote faults whose page the push brought (home answered nothing)
export const C_FAULT_CPU_NS: i32 = 40; // the parts of fault stalls charged to the process's CPU clock (P_TRAP_CPU_NS, P_FIRST_USE_CPU_NS)
export const C_PUSH_OLD_LAST: i32 = 41; // 1 when the push holds back the pages no kept scan saw until the rest have gone (set by the host when the push starts)
export const C_WAITING_SINCE: i32 = 42; // when the pending access began to wait for its page (a remote fault: when its request left), else -1
export const C_WAITED_NS: i32 = 43; // ns the process stood waiting for pages off its CPU, from each wait's start to the page's landing (what the balancer's load leaves out)
export const COUNTERS: i32 = 48;

// ---- parameters: f64 slots, written by the host before reset() ----------------
export const P_CPU_NS: i32 = 0; // ns of work per memory access
export const P_TRAP_NS: i32 = 1; // local overhead of a remote fault before the request leaves
export const P_ZERO_FILL_NS: i32 = 2; // cost of a first touch of a page that never existed
export const P_POLICY: i32 = 3; // policy id
export const P_HISTORY: i32 = 4; // history ring length actually used (<= HISTORY_CAP)
export const P_REGIONS: i32 = 5; // number of regions
export const P_PAGES: i32 = 6; // number of pages
export const P_SCAN_NS: i32 = 7; // shortest accessed-bit scan window before migration, ns (the window when P_SCAN_NS_PER_PAGE is 0)
export const P_FIRST_USE_NS: i32 = 8; // local cost of the first use of a prefetched page (a minor fault)
export const P_SCAN_NS_PER_PAGE: i32 = 9; // scan window = max(P_SCAN_NS, resident pages x this), ns; 0: fixed
export const P_TRAP_CPU_NS: i32 = 10; // the part of P_TRAP_NS on the process's CPU clock: execution to ampom's paging rate
export const P_FIRST_USE_CPU_NS: i32 = 11; // the part of P_FIRST_USE_NS on the process's CPU clock
export const P_KERNEL_STRETCH: i32 = 12; // wall ns beyond each ns of a fault's kernel work (trap, zero-fill, first use) while the process has less than a whole CPU: 1/share - 1; 0 otherwise
export const P_POLICY_BASE: i32 = 16; // policy parameters start here
export const PARAMS: i32 = 48;

// ---- fixed capacities ----------------------------------------------------------
export const REGION_CAP: i32 = 1024;
export const HISTORY_CAP: i32 = 256;
export const REQUEST_CAP: i32 = 8192;
export const DELIVERY_CAP: i32 = 8192;
export const SCRATCH_BYTES: i32 = 1 << 20; // policy state, 1 MiB

// ---- layout slot ids returned by layoutOffset() ---------------------------------
export const L_COUNTERS: i32 = 0;
export const L_PARAMS: i32 = 1;
export const L_REGIONS: i32 = 2; // u32 pairs: first page, end page (exclusive)
export const L_HIST_PAGES: i32 = 3;
export const L_HIST_TIMES: i32 = 4;
export const L_REQUESTS: i32 = 5;
export const L_DELIVER_PAGES: i32 = 6;
export const L_DELIVER_TIMES: i32 = 7;
export const L_SCRATCH: i32 = 8;
export const L_CHUNK_PAGES: i32 = 9;
export const L_CHUNK_GAPS: i32 = 10;
export const L_CHUNK_FLAGS: i32 = 11;
export const L_STATES: i32 = 12;
export const L_ARRIVALS: i32 = 13;
export const L_MRU: i32 = 14;
export const L_HIST_EXEC: i32 = 15; // f64 ring beside L_HIST_TIMES: execution time (stalls excluded)
export const L_ARRIVAL_QUEUE: i32 = 16; // u32 a page: pages in order of arrival (each arrives once)
export const L_SCAN_EPOCHS: i32 = 17; // u32 a page: the scan window of its last access at home (0: none)
export const L_SCAN_MASKS: i32 = 18; // u16 a page: referenced in each of the SCAN_KEEP windows up to that one
export const L_END: i32 = 19;
export const L_TRACE_IN: i32 = 20; // encoded trace block bytes the host reads in (tracedec.ts)
export const L_SLOTS: i32 = 21;

export const MRU_CAP: i32 = 8;

/** Bytes a page costs in a core's tables: its arrival (f64), its place in the arrival
 * queue and its last scan window (u32 each), its scan bits (u16), its state (u8), as
 * assembly/arena.ts lays them out. The capacity checks of both cores and of preflight
 * count this. */
export const CORE_BYTES_PER_PAGE: i32 = 8 + 4 + 4 + 2 + 1;

// ---- accessed-bit scans before migration ------------------------------------------
/** scans a policy sees: bit k of scanBits() = referenced in the k-th newest scan window */
export const SCAN_KEEP: i32 = 16;
/** the bits of SCAN_KEEP windows (scan masks are 16 bits a page) */
export const SCAN_ALL: u32 = (1 << SCAN_KEEP) - 1;

// ---- policy hooks (STOP_POLICY, C_HOOK) ------------------------------------------------
export const HOOK_USE: i32 = 1; // first use of a prefetched page (C_HOOK_ARG: 1 if it opened a batch)
export const HOOK_ARRIVAL: i32 = 2; // a page arrived at C_HOOK_TIME
export const HOOK_SERVED: i32 = 3; // the faulting page arrived, C_HOOK_ARG ns after its request left
/** P_POLICY of a policy that runs in the host (a user's module): every hook is a stop */
export const POLICY_EXTERNAL: i32 = 255;

// ---- what a policy may not do (C_VIOLATION) -------------------------------------------
export const VIOLATION_ARRIVAL: i32 = 1; // read when an in-flight page will arrive

