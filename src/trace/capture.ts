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

/** Lackey's log: a pipe valgrind writes and this process reads. It ends when valgrind
 * does, not at the pipe's end of file, which waits for every command the program left
 * running (they hold the descriptor they inherited): valgrind's writes are all in the
 * pipe when it exits, so this process then writes a mark of its own behind them, and
 * reads up to it. A named pipe (removed once open), because only it gives this process
 * a writing end of its own. */
export class LackeyLog {
  /** the writing end, for the program's valgrind (close it once that has it) */
  readonly writer: number;
  private readonly reader: Socket;
  private readonly marker: number;
  // shorter than PIPE_BUF, so written whole or not at all (EAGAIN while the pipe is full)
  private readonly mark = Buffer.from(`\n==ampom: end of lackey's log ${randomBytes(16).toString("hex")}==\n`);
  private ended = false;
  private marked = false;

  constructor() {
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
    } catch (err) {
      for (const fd of opened) closeSync(fd);
      throw err;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    this.reader = new Socket({ fd: opened[0], readable: true, writable: false });
    [, this.writer, this.marker] = opened;
  }

  /** Valgrind has exited: what it wrote ends the log. */
  end(): void {
    this.ended = true;
    this.writeMark();
  }

  private writeMark(): void {
    if (this.marked) return;
    try {
      writeSync(this.marker, this.mark);
      this.marked = true;
    } catch (err) {
      // a full pipe: tried again after the next read (any other failure: no reader left)
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN") this.marked = true;
    }
  }

  /** What valgrind wrote, as it comes, up to the mark. */
  async *chunks(): AsyncGenerator<Buffer> {
    // the last bytes read, which may begin the mark
    let held: Buffer = Buffer.alloc(0);
    for await (const chunk of this.reader) {
      if (!this.ended) {
        yield chunk as Buffer;
        continue;
      }
      this.writeMark();
      const data: Buffer = held.length > 0 ? Buffer.concat([held, chunk as Buffer]) : (chunk as Buffer);
      const at = data.indexOf(this.mark);
      if (at >= 0) {
        if (at > 0) yield data.subarray(0, at);
        return;
      }
      const keep = Math.min(data.length, this.mark.length - 1);
      held = data.subarray(data.length - keep);
      if (data.length > keep) yield data.subarray(0, data.length - keep);
    }
  }

  close(): void {
    this.reader.destroy();
    closeSync(this.marker);
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
  const logFd = logDescriptor();
  const log = new LackeyLog();
  const [exe, ...args] = ["perl", "-e", MOVE_LOG, String(logFd), ...norandomize(), valgrind, ...LACKEY_ARGS, `--log-fd=${logFd}`, ...command];
  let imp: StreamingImport | undefined;
  let child: ChildProcess | undefined;
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  let stopReason: string | undefined;
  let truncated = false;
  let bytes = 0;
  let lastReport = 0;
  const every = o.progressMs ?? 250;
  // a stop while the trace is written (NAME.amt.gz is compressed last) ends that too
  const stopping = new AbortController();
  const start = performance.now();
  try {
    imp = new StreamingImport(`lackey output of ${command[0]}`, { pageSize: o.pageSize, skipRecords: o.skipRecords, maxRecords: o.maxRecords });
    try {
      child = spawn(exe, args, { stdio: ["inherit", o.outputToStderr ? process.stderr : "inherit", "inherit", log.writer] });
    } finally {
      closeSync(log.writer);
    }
    const running = child;
    exited = new Promise((resolve, reject) => {
      running.once("error", (err) => {
        log.end();
        reject(err);
      });
      running.once("exit", (code, signal) => {
        log.end();
        resolve({ code, signal });
      });
    });
    // (awaited once the log has been read: a failed start must not count as unhandled before)
    exited.catch(() => undefined);
    o.onStart?.((reason) => {
      stopReason ??= reason;
      running.kill("SIGKILL");
      stopping.abort();
    });
    for await (const chunk of log.chunks()) {
      imp.feed(chunk);
      bytes += chunk.length;
      const now = performance.now();
      if (o.onProgress && now - lastReport >= every) {
        lastReport = now;
        o.onProgress({ records: imp.records, bytes, seconds: (now - start) / 1000 });
      }
      if (imp.full) {
        // --max-records reached: the rest of the run is not wanted
        truncated = true;
        running.kill("SIGKILL");
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
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited?.catch(() => undefined);
    imp?.abort();
    if (stopReason !== undefined) throw new Error(`capture: ${stopReason}; no trace written`);
    if ((err as NodeJS.ErrnoException).syscall?.startsWith("spawn")) {
      // perl is the program started (valgrind ran already)
      throw new Error(`capture: cannot start ${exe} (${(err as NodeJS.ErrnoException).code}), which gives lackey's log to valgrind out of the program's reach; install perl (Debian: perl-base)`);
    }
    throw err;
  } finally {
    log.close();
  }
}
