// Running the program under libampom-validate.so, in one of its modes, and reading what
// it reports (one JSON object written at exit; see native/validate/preload.c).
import { spawn } from "node:child_process";
import { closeSync, fstatSync, openSync, readFileSync, readSync, rmSync } from "node:fs";
import type { NetworkPreset } from "../network/presets.js";
import type { NativeParts } from "./native.js";
import { describeCommand, findProgram } from "../util/program.js";

/** What the library writes at exit (the fields a mode does not produce are absent). */
export interface LibraryReport {
  mode: "native" | "capture" | "migrate";
  error: string | null;
  /** from the library's start (after its own set-up) to the program's exit */
  window: { wallNs: number; cpuNs: number };
  /** the CPU the run was pinned to (-1: none), and how many CPUs the program's thread may use */
  scheduling: { cpu: number; cpusAllowed: number };
  /** threads the program started (the library's own not counted) */
  threadsStarted: number;
  /** fork() calls after the migration point (the library's children run without it) */
  forksAfterPoint: number;
  calls: Record<string, number>;
  /** the migration point: when it came (wall ns since the start) and the thread's CPU
   * time by then */
  trigger?: { function: string; index: number; fired: boolean; atNs: number; cpuNs: number };
  marker?: string;
  /** capture: the ranges a migration would move, as hexadecimal [start, end) */
  ranges?: Array<[string, string]>;
  /** native: [call index, ns since the start] samples of each counted function */
  logs?: Record<string, Array<[number, number]>>;
  calibration?: {
    pages: number;
    faultOverheadNs: number;
    zeroFillNs: number;
    firstUseNs: number;
    touchNs: number;
    delayNs: number;
    /** the program thread's CPU time per userfault of each kind (the kernel's share) */
    faultCpuNs: number;
    firstUseCpuNs: number;
    zeroFillCpuNs: number;
    /** a kernel minor fault (a write to a fresh anonymous page no userfaultfd watches),
     * wall and CPU ns a touch: what a native run pays for each page it allocates, and the
     * host-state probe before the run */
    minorFaultNs: number;
    minorFaultCpuNs: number;
    interruptions: Interruptions;
  };
  /** migrate: the same minor-fault probe taken again after the program's work (0 if its
   * memory could not be had) */
  afterRun?: { minorFaultNs: number; minorFaultCpuNs: number };
  migration?: { atNs: number; harnessNs: number; freezeNs: number; ranges: number; registeredPages: number; homePages: number };
  real?: {
    remoteFaults: number;
    zeroFills: number;
    latePrefetches: number;
    prefetchedPages: number;
    usefulPrefetches: number;
    /** first uses of prefetched pages (a local fault each in the real run) */
    firstUseFaults: number;
    refaults: number;
    /** pages whose reply reached the handler after the link model's arrival time */
    lateLandings: number;
    requests: number;
    faultStallNs: number;
    lateStallNs: number;
    firstUseStallNs: number;
    zeroFillStallNs: number;
    modelDelayNs: number;
    serviceNs: number;
    remoteWallNs: number;
    remoteCpuNs: number;
    /** time off the CPU after the freeze (the part of the stall the thread slept) */
    offCpuNs: number;
    /** the execution clock after the freeze: the program thread's CPU time less the
     * kernel's share of its userfaults, plus its zero-fills (what ampom's R is measured on;
     * the simulation's is the native CPU time over the span, native.postMigrationCpuNs) */
    execNs: number;
    demandEvents: number;
    /** spans between userfaults the spike cut left out of execNs (0 without --spike-cut) */
    spikesCut: number;
    /** the program thread's CPU time from the handler's activation (or its last
     * userfault) to its return to the program, the harness's, left out of the clock */
    resumeCpuNs: number;
    /** remote faults taken before the program was back (in the freeze): none, as the
     * thread's control block is not moved */
    freezeFaults: number;
    /** times the program moved migrated memory with mremap after the migration (a
     * realloc of a large block): the handler followed it; the simulation sees the moved
     * memory as local, so its faults there are not simulated */
    remaps: number;
  };
}

/** The CPU's interruptions, measured before a real run: `count` gaps over `gapNs`,
 * `totalNs` in all, in a spin of `spinNs` that only read the clock; the thread's CPU
 * clock counted `spinCpuNs` of it (the whole spin: the gaps were charged to the thread). */
export interface Interruptions {
  gapNs: number;
  spinNs: number;
  spinCpuNs: number;
  count: number;
  totalNs: number;
  longestNs: number;
}

/** The share of the spin the CPU was away. */
export function awayShare(i: Interruptions): number {
  return i.totalNs / i.spinNs;
}

export type LibraryMode = "native" | "capture" | "migrate";

/** How the library is told what to do: the variables preload.c reads. */
export interface LibrarySettings {
  mode: LibraryMode;
  /** the N-th call of `call` is the migration point */
  call?: string;
  index?: number;
  /** migrate mode */
  network?: NetworkPreset & { background: number };
  policy?: string;
  policyParams?: number[];
  historyLength?: number;
  cpu?: number;
  /** migrate mode: the execution clock's spike cut, ns (ValidateOptions.spikeCutNs) */
  spikeCutNs?: number;
}

export function libraryEnv(parts: NativeParts, exe: string, out: string, s: LibrarySettings): Record<string, string> {
  const env: Record<string, string> = {
    LD_PRELOAD: parts.library,
    // Every run binds its calls at load. A lazy lookup walks the link map of each loaded
    // object, which sit in the loader's anonymous (moved) memory, and under valgrind one
    // more object is loaded (its core preload library), whose map pushed the others onto
    // a page the native run's lookups never touch: one remote fault more in the simulation.
    LD_BIND_NOW: "1",
    AMPOM_VALIDATE_MODE: s.mode,
    AMPOM_VALIDATE_EXE: exe,
    AMPOM_VALIDATE_OUT: out,
  };
  if (s.call !== undefined) env.AMPOM_VALIDATE_CALL = s.call;
  if (s.index !== undefined) env.AMPOM_VALIDATE_INDEX = String(s.index);
  if (s.cpu !== undefined) env.AMPOM_VALIDATE_CPU = String(s.cpu);
  if (s.mode === "migrate") {
    const n = s.network!;
    env.AMPOM_VALIDATE_HOME = parts.home;
    env.AMPOM_VALIDATE_NET = [
      n.bandwidthBps, n.latencyNs, n.pageHeaderBytes, n.requestHeaderBytes, n.requestBytesPerPage,
      n.serviceNs, n.contextBytes, n.background, n.backgroundPacketBytes,
    ].map(String).join(" ");
    env.AMPOM_VALIDATE_POLICY = s.policy ?? "none";
    if (s.policyParams?.length) env.AMPOM_VALIDATE_PARAMS = s.policyParams.join(" ");
    if (s.historyLength !== undefined) env.AMPOM_VALIDATE_HISTORY = String(s.historyLength);
    if (s.spikeCutNs) env.AMPOM_VALIDATE_SPIKE_CUT = String(Math.round(s.spikeCutNs));
  }
  return env;
}

/** The program as an absolute, symlink-free path (what /proc/self/exe shows), found on
 * PATH like a shell would; refused unless it is an executable ELF file (LD_PRELOAD acts
 * on dynamically linked ELF programs only; give a script's interpreter as PROGRAM). */
export function resolveProgram(program: string): string {
  const real = findProgram(program);
  const fd = openSync(real, "r");
  const head = Buffer.alloc(4);
  try {
    readSync(fd, head, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString("latin1") !== "\x7fELF") {
    throw new Error(`program "${program}": ${real} is not an ELF executable (for a script, give its interpreter as PROGRAM)`);
  }
  return real;
}

export interface RunOutcome {
  report: LibraryReport;
  stdout: string;
  stderr: string;
}

const TAIL = 4096;

function tail(s: string): string {
  const t = s.length > TAIL ? s.slice(-TAIL) : s;
  return t.trim().split("\n").slice(-3).join(" | ");
}

/** The last `bytes` of a file, as text. */
function fileTail(path: string, bytes: number): string {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const b = Buffer.alloc(Math.min(bytes, size));
    readSync(fd, b, 0, b.length, size - b.length);
    return b.toString();
  } finally {
    closeSync(fd);
  }
}

/** A run that exited non-zero or was killed; `stderr` is the end of what it wrote there. */
export class RunFailed extends Error {
  constructor(message: string, readonly stderr: string) {
    super(message);
  }
}

/** A run stopped because the command was interrupted (ValidateOptions.signal). */
export class RunInterrupted extends Error {
  constructor(readonly what: string, readonly program: string) {
    super(`${what} of ${program} was stopped`);
  }
}

/** Runs `argv` with `env` added, in its own process group (killed whole on timeout), and
 * reads the report the library leaves in `out`. The program writes its output to files
 * beside `out`, not to pipes: a pipe makes it wait whenever this process is slow to read
 * (`ptx`, which writes its index as it goes, waited 14 ms of the 18 ms after its
 * migration point natively), time that is no work of its own and that no model charges. */
export async function runProgram(
  argv: string[],
  env: Record<string, string>,
  out: string,
  what: string,
  timeoutMs: number,
  echo = false,
  abort?: AbortSignal,
): Promise<RunOutcome> {
  if (abort?.aborted) throw new RunInterrupted(what, argv[0]);
  rmSync(out, { force: true });
  const outputs = [`${out}.stdout`, `${out}.stderr`];
  const fds = outputs.map((f) => openSync(f, "w"));
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(argv[0], argv.slice(1), { env: { ...process.env, ...env }, stdio: ["ignore", fds[0], fds[1]], detached: true });
  } finally {
    for (const fd of fds) closeSync(fd);
  }
  let timedOut = false;
  const killGroup = () => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, timeoutMs);
  // the program runs in a process group of its own (so that a timeout ends its home
  // server and valgrind with it), which a Ctrl-C at the terminal does not reach: an
  // interrupted command ended with the program, its home server or valgrind still
  // running, for as long as the program would have run
  abort?.addEventListener("abort", killGroup);
  const { code, signal, spawnError } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError?: Error }>((done) => {
    child.on("error", (e) => done({ code: null, signal: null, spawnError: e }));
    child.on("close", (c, s) => done({ code: c, signal: s }));
  });
  clearTimeout(timer);
  abort?.removeEventListener("abort", killGroup);
  // a home server left behind by a killed run goes with its process group
  try {
    process.kill(-child.pid!, "SIGKILL");
  } catch {
    // the group is empty
  }
  const [stdout, stderr] = outputs.map((f) => fileTail(f, 64 * TAIL));
  if (echo) for (const f of outputs) process.stderr.write(readFileSync(f));
  if (abort?.aborted) throw new RunInterrupted(what, argv[0]);
  if (spawnError) throw new Error(`${what}: cannot start ${argv[0]}: ${spawnError.message}`);
  if (timedOut) throw new Error(`${what}: did not finish within ${timeoutMs / 1000} s (killed; raise --timeout)`);
  if (code !== 0) {
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    throw new RunFailed(`${what}: ${describeCommand(argv)} ${how}${stderr.trim() ? `: ${tail(stderr)}` : ""}`, stderr);
  }
  let text: string;
  try {
    text = readFileSync(out, "utf8");
  } catch {
    throw new Error(`${what}: the program ran but the validation library reported nothing (is ${argv[0]} statically linked, or did it end with _exit?)`);
  }
  let report: LibraryReport;
  try {
    report = JSON.parse(text) as LibraryReport;
  } catch {
    throw new Error(`${what}: the validation library's report ${out} is not valid JSON`);
  }
  if (report.error) throw new Error(`${what}: ${report.error}`);
  return { report, stdout, stderr };
}
