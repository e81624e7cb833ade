// Capturing a real program's memory trace: the program runs under valgrind's lackey
// (`--tool=lackey --trace-mem=yes`), which writes one line per memory access to a pipe
// of its own (--log-fd), never to the program's stdout or stderr; this process reads
// that pipe and feeds it straight to the importer, so the raw text (gigabytes for a
// second of native run time) is never stored. The program's standard input, output and
// error are its own (its output goes to standard error when `--json` keeps standard
// output for the summary). A program that fails (non-zero exit, killed by a signal)
// fails the capture and leaves no output: the importer writes the amt only when it is
// complete.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, constants, openSync, rmSync, writeSync } from "node:fs";
import { Socket } from "node:net";
import { join } from "node:path";
import { scratchFolder } from "../util/atomic-file.js";
import { errorMessage } from "../util/errors.js";
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
// program's); an exec'd one is not traced at all (no --trace-children)
const LACKEY_ARGS = ["--tool=lackey", "--trace-mem=yes", "--child-silent-after-fork=yes"];

// Where lackey's log is out of the program's reach. Valgrind 3.19 copies the descriptor
// it is given (--log-fd=N) into a range it keeps for itself (the top 12 below the hard
// open-files limit: close-on-exec, and the program's system calls on them refused), but
// leaves N itself open to the program; the descriptor it opens for --log-file or
// --log-socket stays open likewise (as 3, in the program and in the commands it runs:
// /proc/PID/fd). Given as descriptor 3, the log took what the program wrote there as
// records (`echo ' S 7000000000,8' >&3` added a page), and a command it left running in
// the background held the capture until it ended. So N is the last descriptor the
// open-files limit allows, inside valgrind's range (Node raises the soft limit to the
// hard one as it starts, and so valgrind's range ends there): the program's system calls
// on it are refused, and only a program naming that number (dup2 is not checked)
// reaches it. Perl moves the pipe there from 3 without touching the environment, whose
// every byte moves the program's stack (a shell reorders it and drops `_`).
const MOVE_LOG = `use POSIX (); my $fd = shift; defined(POSIX::dup2(3, $fd)) or die "ampom capture: cannot move lackey's log to descriptor $fd: $!\\n"; POSIX::close(3); exec { $ARGV[0] } @ARGV or die "ampom capture: cannot run $ARGV[0]: $!\\n";`;

/** The last descriptor the traced program's open-files limit allows. */
function logDescriptor(): number {
  const r = spawnSync("sh", ["-c", "ulimit -Sn"], { encoding: "utf8" });
  const limit = Number(r.stdout?.trim());
  if (r.error || r.status !== 0 || !Number.isSafeInteger(limit) || limit < 16) {
    throw new Error(`capture: cannot read the open-files limit (sh -c 'ulimit -Sn' gave ${JSON.stringify(r.stdout?.trim() ?? "")}${r.error ? `: ${r.error.message}` : ""})`);
  }
  return limit - 1;
}

/** A pipe for lackey's log: the end the traced program gets, ours to read, and one to
 * write the end mark. A named pipe (mkfifo, removed once open) because only it gives
 * this process a writing end of its own. */
function logPipe(): { writer: number; reader: Socket; marker: number } {
  const dir = scratchFolder("lackey-log");
  const opened: number[] = [];
  try {
    const fifo = join(dir, "log");
    const r = spawnSync("mkfifo", ["-m", "600", fifo], { encoding: "utf8" });
    if (r.error || r.status !== 0) throw new Error(`capture: cannot make a pipe for lackey's log (mkfifo: ${r.error?.message ?? r.stderr.trim()})`);
    // the reader first: a writer's open waits for one
    opened.push(openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK));
    opened.push(openSync(fifo, constants.O_WRONLY));
    opened.push(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    const [read, writer, marker] = opened;
    return { writer, reader: new Socket({ fd: read, readable: true, writable: false }), marker };
  } catch (err) {
    for (const fd of opened) closeSync(fd);
    throw err;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

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
  const logFd = logDescriptor();
  const log = logPipe();
  const start = performance.now();
  const [exe, ...args] = ["perl", "-e", MOVE_LOG, String(logFd), ...norandomize(), valgrind, ...LACKEY_ARGS, `--log-fd=${logFd}`, ...command];
  let child: ChildProcess;
  try {
    child = spawn(exe, args, { stdio: ["inherit", o.outputToStderr ? process.stderr : "inherit", "inherit", log.writer] });
  } finally {
    closeSync(log.writer);
  }
  // The log ends when valgrind does, not at the pipe's end of file, which waits for every
  // command the program left running (they hold the descriptor they inherited): valgrind's
  // writes are all in the pipe when it exits, so this process then writes a mark of its
  // own behind them, and reads up to it. The mark is shorter than PIPE_BUF, so written
  // whole or not at all (while the pipe is full: tried again after each read).
  const endMark = Buffer.from(`\n==ampom: end of lackey's log ${randomBytes(16).toString("hex")}==\n`);
  let ended = false;
  let marked = false;
  const mark = () => {
    if (marked) return;
    try {
      writeSync(log.marker, endMark);
      marked = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN") marked = true; // no reader left
    }
  };
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once("error", (err) => {
      ended = true;
      mark();
      reject(err);
    });
    child.once("exit", (code, signal) => {
      ended = true;
      mark();
      resolve({ code, signal });
    });
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
    // the last bytes read, which may begin the end mark
    let held: Buffer = Buffer.alloc(0);
    for await (const chunk of log.reader) {
      let data = chunk as Buffer;
      let last = false;
      if (ended) {
        mark();
        data = held.length > 0 ? Buffer.concat([held, data]) : data;
        const at = data.indexOf(endMark);
        if (at >= 0) {
          data = data.subarray(0, at);
          last = true;
        } else {
          const keep = Math.min(data.length, endMark.length - 1);
          held = data.subarray(data.length - keep);
          data = data.subarray(0, data.length - keep);
        }
      }
      imp.feed(data);
      bytes += data.length;
      const now = performance.now();
      if (o.onProgress && now - lastReport >= every) {
        lastReport = now;
        o.onProgress({ records: imp.records, bytes, seconds: (now - start) / 1000 });
      }
      if (last) break;
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
      throw new Error(`capture: cannot start ${exe}: ${(err as NodeJS.ErrnoException).code}`);
    }
    throw err;
  } finally {
    log.reader.destroy();
    closeSync(log.marker);
  }
}
