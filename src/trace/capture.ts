// Capturing a real program's memory trace: the program runs under valgrind's lackey
// (`--tool=lackey --trace-mem=yes`), which writes one line per memory access to a pipe
// of its own (--log-fd=3), never to the program's stdout or stderr; this process reads
// that pipe and feeds it straight to the importer, so the raw text (gigabytes for a
// second of native run time) is never stored. The program's standard input, output and
// error are its own (its output goes to standard error when `--json` keeps standard
// output for the summary). A program that fails (non-zero exit, killed by a signal)
// fails the capture and leaves no output: the importer writes the amt only when it is
// complete.
import { spawn, spawnSync } from "node:child_process";
import { errorMessage } from "../util/errors.js";
import type { Readable } from "node:stream";
import { describeCommand, findProgram } from "../util/program.js";
import { checkAmtOutput, StreamingImport, type ImportOptions, type ImportResult } from "./import.js";

export interface CaptureOptions extends Pick<ImportOptions, "pageSize" | "skipRecords" | "maxRecords"> {
  /** the valgrind executable (default: `valgrind` on the PATH) */
  valgrind?: string;
  /** called at most every `progressMs` with what has been read so far */
  onProgress?: (p: CaptureProgress) => void;
  progressMs?: number;
  /** Notified once the program is running: `stop()` kills it and makes the capture
   * fail with `reason` (Ctrl-C), leaving no output. */
  onStart?: (stop: (reason: string) => void) => void;
  /** the program's standard output goes to this process's standard error */
  outputToStderr?: boolean;
}

export interface CaptureProgress {
  records: number;
  /** bytes of lackey output read */
  bytes: number;
  seconds: number;
}

export interface CaptureResult extends ImportResult {
  /** wall-clock seconds from the program's start to the trace written */
  seconds: number;
  /** bytes of lackey output read */
  lackeyBytes: number;
  /** true when --max-records ended the program early (its exit is then not checked) */
  truncated: boolean;
}

// a child the program forks writes nothing (its accesses would interleave with the
// program's); an exec'd one is not traced at all (no --trace-children). The log's pipe
// is the program's descriptor 3 too: valgrind keeps it open for the program (its own copy
// sits beyond the program's reach), and --log-file leaves its descriptor open likewise
const LACKEY_ARGS = ["--tool=lackey", "--trace-mem=yes", "--child-silent-after-fork=yes", "--log-fd=3"];

/** Checks that valgrind runs; the message says how to get it. */
function checkValgrind(valgrind: string): void {
  const r = spawnSync(valgrind, ["--version"], { encoding: "utf8" });
  if (r.error || r.status !== 0) {
    throw new Error(`capture: cannot run ${valgrind} (${r.error ? (r.error as NodeJS.ErrnoException).code ?? r.error.message : `exit status ${r.status}`}); install valgrind (Debian: apt-get install valgrind)`);
  }
}

/** `setarch -R` when it works here: with address-space randomisation off, capturing a
 * program twice gives the same pages (otherwise its stack and mappings move a little
 * between runs, and so do a few hundred records). */
function norandomize(): string[] {
  const r = spawnSync("setarch", ["-R", "true"]);
  return r.error || r.status !== 0 ? [] : ["setarch", "-R"];
}

/** Runs `command` under lackey and imports its trace into `output` (NAME.amt, or
 * NAME.amt.gz gzip'd). */
export async function captureTrace(command: string[], output: string, o: CaptureOptions = {}): Promise<CaptureResult> {
  if (command.length === 0) throw new Error("capture: no command given (ampom trace capture -o OUT -- COMMAND [ARGS...])");
  // valgrind's own lookup would fail later, and the capture then blame the command's
  // exit status (127: `the command exited with status 127`)
  try {
    findProgram(command[0]);
  } catch (err) {
    throw new Error(`capture: ${errorMessage(err)}`);
  }
  const valgrind = o.valgrind ?? "valgrind";
  checkValgrind(valgrind);
  checkAmtOutput(output);
  const shown = describeCommand(command);
  const imp = new StreamingImport(`lackey output of ${command[0]}`, { pageSize: o.pageSize, skipRecords: o.skipRecords, maxRecords: o.maxRecords });
  const start = performance.now();
  const [exe, ...args] = [...norandomize(), valgrind, ...LACKEY_ARGS, ...command];
  const child = spawn(exe, args, { stdio: ["inherit", o.outputToStderr ? process.stderr : "inherit", "inherit", "pipe"] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal }));
  });
  let stopReason: string | undefined;
  let truncated = false;
  let bytes = 0;
  let lastReport = 0;
  const every = o.progressMs ?? 250;
  // a stop while the trace is written (NAME.amt.gz is compressed last) ends that too
  const stopping = new AbortController();
  try {
    o.onStart?.((reason) => {
      stopReason ??= reason;
      child.kill("SIGKILL");
      stopping.abort();
    });
    for await (const chunk of child.stdio[3] as Readable) {
      imp.feed(chunk as Buffer);
      bytes += (chunk as Buffer).length;
      const now = performance.now();
      if (o.onProgress && now - lastReport >= every) {
        lastReport = now;
        o.onProgress({ records: imp.records, bytes, seconds: (now - start) / 1000 });
      }
      if (imp.full) {
        // --max-records reached: the rest of the run is not wanted
        truncated = true;
        child.kill("SIGKILL");
        break;
      }
    }
    const { code, signal } = await exited;
    if (stopReason !== undefined) throw new Error(`capture: ${stopReason}; no trace written`);
    if (!truncated && (code !== 0 || signal !== null)) {
      const how = signal !== null ? `was killed by signal ${signal}` : `exited with status ${code}`;
      throw new Error(`capture: the command ${how} (${shown}); no trace written`);
    }
    const r = await imp.finish(output, stopping.signal);
    return { ...r, seconds: (performance.now() - start) / 1000, lackeyBytes: bytes, truncated };
  } catch (err) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited.catch(() => undefined);
    imp.abort();
    if (stopReason !== undefined) throw new Error(`capture: ${stopReason}; no trace written`);
    if ((err as NodeJS.ErrnoException).syscall?.startsWith("spawn")) {
      throw new Error(`capture: cannot start ${valgrind}: ${(err as NodeJS.ErrnoException).code}`);
    }
    throw err;
  }
}
