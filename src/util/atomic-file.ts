// Writing an output file so that an interrupted command never leaves a partial one:
// write a temporary file beside it, flush it to disk, rename it over the target, and
// flush the directory so the rename itself survives a crash. Errors name the path the
// user gave, never the temporary. An output named through a symbolic link is written
// where the link points (the link stays, as a shell's > keeps it); one that is a device,
// a pipe or a socket (/dev/null, /dev/stdout, a named pipe) cannot be replaced, so its
// temporary is kept under the system's temporary folder and copied into it once whole.
import { closeSync, createWriteStream, fsyncSync, linkSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, readSync, realpathSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import type { Writable } from "node:stream";

export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
}

/** Where an output named `path` lands: a symbolic link's target (followed to the end,
 * or as far as it exists), and whether that is a special file (a device, a pipe, a
 * socket), which can only be written into. */
export interface OutputTarget {
  path: string;
  special: boolean;
}

export function outputTarget(path: string): OutputTarget {
  // a special file is opened by the name given (the kernel follows /dev/stdout to a
  // pipe that has no path)
  const st = statSync(path, { throwIfNoEntry: false });
  if (st !== undefined && !st.isFile() && !st.isDirectory()) return { path, special: true };
  let target = path;
  // a dangling link: where it points, one step at a time (a loop ends at the limit)
  for (let hops = 0; hops < 40 && lstatSync(target, { throwIfNoEntry: false })?.isSymbolicLink(); hops++) {
    try {
      target = realpathSync(target);
      break;
    } catch {
      target = resolve(dirname(target), readlinkSync(target));
    }
  }
  return { path: target, special: false };
}

let specialTemporaries = 0;

/** The temporary an output is written to before it lands at `target` (`section`: the
 * n-th of several joined at the end): beside it, or for a special file under the system's
 * temporary folder, leftovers of commands no longer running removed first. */
export function temporaryFor(target: OutputTarget, section = 0): string {
  const suffix = section === 0 ? "" : `-${section}`;
  if (!target.special) return `${tempPathFor(target.path)}${suffix}`;
  if (specialTemporaries === 0) removeLeftovers(tmpdir(), /^ampom-output-(\d+)-\d+(?:-\d+)?$/);
  return join(tmpdir(), `ampom-output-${process.pid}-${++specialTemporaries}${suffix}`);
}

/** Gives the whole temporary `tmp` its place: renamed over a file (the folder flushed so
 * that the rename survives a crash), or copied into a special file and removed. */
export function landTemporary(tmp: string, target: OutputTarget): void {
  if (target.special) {
    try {
      copyInto(tmp, target.path);
    } finally {
      rmSync(tmp, { force: true });
    }
    return;
  }
  renameSync(tmp, target.path);
  fsyncDir(dirname(target.path));
}

/** Writes the contents of file `from` into `to` (opened for writing, not replaced). */
export function copyInto(from: string, to: string): void {
  const dst = openSync(to, "w");
  try {
    appendFileTo(dst, from);
  } finally {
    closeSync(dst);
  }
}

/** Writes the whole of file `from` at the descriptor `fd`'s position. */
export function appendFileTo(fd: number, from: string): void {
  const src = openSync(from, "r");
  try {
    const chunk = Buffer.allocUnsafe(1 << 18);
    for (let n; (n = readSync(src, chunk, 0, chunk.length, null)) > 0; ) writeAll(fd, chunk.subarray(0, n));
  } finally {
    closeSync(src);
  }
}

/** `text` as a regular expression matches it. */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Removes the temporaries of `path` that a command killed while writing it left
 * behind (tempPathFor's names, with or without a section number), those of processes
 * no longer running: another one may be writing its own now. */
export function removeStaleTemporaries(path: string): void {
  removeLeftovers(dirname(path), new RegExp(`^\\.${literal(basename(path))}\\.tmp-(\\d+)(?:-\\d+)?$`));
}

/** Removes the entries of `dir` that commands cut short left: those whose name `left`
 * matches, its first group the id of a process no longer running (`settle`, given, is
 * called with each first). Only this user's: in a shared folder another user's (or
 * root's) is not ours to judge, nor to remove; an entry that cannot be removed stays,
 * and the command goes on. */
function removeLeftovers(dir: string, left: RegExp, settle?: (path: string) => void): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    // an unreadable folder: the command's own write there says so, or works
    return;
  }
  const uid = process.getuid?.();
  for (const name of names) {
    const pid = left.exec(name)?.[1];
    if (pid === undefined || isRunning(Number(pid))) continue;
    const path = join(dir, name);
    try {
      if (uid !== undefined && statSync(path).uid !== uid) continue;
      settle?.(path);
      rmSync(path, { recursive: true, force: true });
    } catch {
      // as above
    }
  }
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The locks this process holds now: a command that exits while it holds one (Ctrl-C,
 * a kill it catches) takes it along, and the folders made for it while empty, since one
 * left behind is taken over only on this host, and a batch job killed at its time limit
 * may run again on another node. */
const heldLocks = new Map<string, () => void>();
let listeningForExit = false;
function holdLock(lock: string, release: () => void): void {
  if (!listeningForExit) {
    listeningForExit = true;
    process.on("exit", () => {
      for (const release of [...heldLocks.values()]) release();
    });
  }
  heldLocks.set(lock, release);
}

/** Removes the folder `dir` and its parents up to `made` (the first folder that
 * `mkdirSync(dir, { recursive: true })` made, or undefined: none), each while empty:
 * a command that made folders for its output and wrote nothing there leaves none. */
export function removeMadeFolders(dir: string, made: string | undefined): void {
  if (made === undefined) return;
  for (let d = dir; ; d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return; // not empty: the command (or another) wrote there
    }
    if (resolve(d) === resolve(made)) return;
  }
}

/** Takes the lock of a file that one process at a time may write (`${path}.lock`, made
 * exclusively, holding this host and process id) and returns what releases it. A lock
 * whose process no longer runs on this host is taken over; any other refuses, naming
 * `what` (a sweep's results: two sweeps appending to one file and each rewriting it at
 * its end lost one's runs, and both exited 0). */
export function lockFor(path: string, what: string): () => void {
  const lock = `${path}.lock`;
  const me = `${hostname()} ${process.pid}`;
  // the file's folder, made if need be; those made for the lock alone go with it
  let made: string | undefined;
  try {
    made = mkdirSync(dirname(path), { recursive: true });
  } catch (err) {
    throw new Error(`${what}: cannot make its folder (${(err as Error).message})`);
  }
  const release = () => {
    heldLocks.delete(lock);
    rmSync(lock, { force: true });
    removeMadeFolders(dirname(path), made);
  };
  settleTakeOvers(lock);
  for (;;) {
    try {
      writeFileSync(lock, `${me}\n`, { flag: "wx" });
      holdLock(lock, release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw new Error(`${what}: cannot make its lock file ${lock} (${(err as Error).message})`);
    }
    let holder: string;
    try {
      holder = readFileSync(lock, "utf8").trim();
    } catch {
      continue; // released meanwhile
    }
    if (!mayRun(holder)) {
      takeOver(lock, holder);
      continue;
    }
    const [host, pid] = holder.split(" ");
    throw new Error(
      `${what}: another command is writing it (process ${pid ?? "?"} on ${host || "?"}, lock file ${lock}); give each sweep or shard a file of its own, or remove the lock file if that command has ended`,
    );
  }
}

/** The holder a lock file holds ("HOST PID") is a process that may be running: on
 * another host (which cannot be asked), or this host's and running. */
function mayRun(holder: string): boolean {
  const [host, pid] = holder.split(" ");
  return host !== hostname() || !/^\d+$/.test(pid ?? "") || isRunning(Number(pid));
}

/** Settles what a command killed inside takeOver left: `${lock}.PID`, the lock it had
 * moved aside. Most often the stale lock it was taking over, removed; but if what it
 * moved was the lock of a command that may still be writing the file, it is put back
 * first, as takeOver itself would have (unless the name is taken again meanwhile). */
function settleTakeOvers(lock: string): void {
  removeLeftovers(dirname(lock), new RegExp(`^${literal(basename(lock))}\\.(\\d+)$`), (aside) => {
    let holder: string;
    try {
      holder = readFileSync(aside, "utf8").trim();
    } catch {
      return;
    }
    if (!mayRun(holder)) return;
    try {
      linkSync(aside, lock);
    } catch {
      // the name is taken: by the command that holds it now
    }
  });
}

/** Removes the lock `lock` of a process no longer running, read as `holder`: moved aside
 * first, and put back if what was moved is another's (a command that took it over
 * between the read and now, and writes the file): removed by name, it went, and both
 * commands wrote the file. */
function takeOver(lock: string, holder: string): void {
  const aside = `${lock}.${process.pid}`;
  try {
    renameSync(lock, aside);
  } catch {
    return; // gone meanwhile
  }
  let moved: string | undefined;
  try {
    moved = readFileSync(aside, "utf8").trim();
  } catch {
    // unreadable: put back, as another's
  }
  if (moved !== holder) {
    try {
      linkSync(aside, lock);
    } catch {
      // the name was taken again meanwhile: by a command that holds it now
    }
  }
  rmSync(aside, { force: true });
}

/** A fresh folder under the system's temporary one for a command's scratch files (an
 * import's spool, a trace unpacked, a validation's files), named with its kind and this
 * process's id. A command cut short by a signal cannot remove it (no listener holds
 * Ctrl-C back, as for an output's temporary), so each one first removes the folders of
 * its kind that commands no longer running left: an import's spool is as large as the
 * trace, and would otherwise stay until the machine's next boot. */
export function scratchFolder(kind: string): string {
  const dir = tmpdir();
  removeLeftovers(dir, new RegExp(`^ampom-${kind}-(\\d+)-[^-]+$`));
  return mkdtempSync(join(dir, `ampom-${kind}-${process.pid}-`));
}

/** Temporaries being written now, which a command cut short removes (the command line
 * calls removeTemporaries() as the process exits). */
const temporaries = new Set<string>();
export function holdTemporary(path: string): void {
  temporaries.add(path);
}
export function releaseTemporary(path: string): void {
  temporaries.delete(path);
}
/** Removes every temporary still being written. */
export function removeTemporaries(): void {
  for (const t of temporaries) rmSync(t, { force: true });
  temporaries.clear();
}

/** Refuses an output path that cannot be written: an empty one, a folder, or one in a
 * folder that does not exist. Checked before any work, so that a long command does not
 * fail only at its final rename. */
export function checkOutputPath(path: string): void {
  // an empty path would otherwise reach rename() and fail with Node's `rename '' -> ''`
  if (path.trim() === "") throw new Error("output path is empty: expected the path of a file to write");
  const dir = dirname(path);
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st) throw new Error(`${path}: cannot write it: folder ${dir} does not exist`);
  if (!st.isDirectory()) throw new Error(`${path}: cannot write it: ${dir} is not a folder`);
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${path}: is a directory, expected a file to write`);
}

/** Why nothing can be made in the folder `dir` (an error code), or undefined when it
 * can: makes an empty folder there and removes it, since access() tells root yes where
 * nothing can be written (/sys, a read-only mount). */
export function cannotWriteIn(dir: string): string | undefined {
  try {
    rmdirSync(mkdtempSync(join(dir, `.ampom-write-check-${process.pid}-`)));
    return undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? String(err);
  }
}

/** checkOutputPath, and a folder the file can be made in: for a command that checks its
 * outputs before long work, not at each write. */
export function checkOutputWritable(path: string): void {
  checkOutputPath(path);
  const code = cannotWriteIn(dirname(path));
  if (code !== undefined) throw new Error(`${path}: cannot write it: folder ${dirname(path)} is not writable (${code})`);
}

/** A file-system error about the temporary of `path`, made to name `path` (the CLI's
 * describeError words it from the path). */
export function aboutTarget(err: unknown, tmp: string, path: string, target = path): unknown {
  const sys = err as NodeJS.ErrnoException;
  if (sys?.path === tmp || sys?.path === target) {
    sys.message = sys.message.split(sys.path).join(path);
    sys.path = path;
  }
  return err;
}

/** Writes all of `data` with as many write() calls as the kernel needs. */
export function writeAll(fd: number, data: Uint8Array): void {
  let off = 0;
  while (off < data.length) off += writeSync(fd, data, off, data.length - off);
}

export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // some file systems cannot open or sync a directory; the rename is still atomic
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes `path` atomically: `write` fills the temporary's descriptor, which is then
 * flushed and renamed over `path`. */
export function writeAtomicWith(path: string, write: (fd: number) => void): void {
  const t = beginAtomic(path);
  try {
    write(t.fd);
  } catch (err) {
    throw abortAtomic(t, err);
  }
  commitAtomic(t);
}

/** writeAtomicWith for a writer that streams: `write` pipes into `out`, a stream on the
 * temporary's descriptor (left open for the flush), and resolves when it is done. */
export async function writeAtomicStream(path: string, write: (out: Writable) => Promise<void>): Promise<void> {
  const t = beginAtomic(path);
  try {
    await write(createWriteStream("", { fd: t.fd, autoClose: false }));
  } catch (err) {
    throw abortAtomic(t, err);
  }
  commitAtomic(t);
}

interface AtomicWrite {
  /** as the user gave it, for messages */
  path: string;
  target: OutputTarget;
  tmp: string;
  fd: number;
  /** `path` is itself a temporary, written directly */
  inPlace?: boolean;
}

function beginAtomic(path: string): AtomicWrite {
  // a temporary of another output (an amt to be gzip'd) is written in place: it is
  // already what a command cut short leaves, and its owner removes it
  if (temporaries.has(path)) return { path, target: { path, special: false }, tmp: path, fd: openSync(path, "w"), inPlace: true };
  checkOutputPath(path);
  const target = outputTarget(path);
  if (!target.special) removeStaleTemporaries(target.path);
  const tmp = temporaryFor(target);
  let fd: number;
  try {
    fd = openSync(tmp, "w");
  } catch (err) {
    throw aboutTarget(err, tmp, path);
  }
  holdTemporary(tmp);
  return { path, target, tmp, fd };
}

/** Removes the temporary after `err`; returns the error to throw. */
function abortAtomic({ path, tmp, fd, inPlace }: AtomicWrite, err: unknown): unknown {
  closeSync(fd);
  if (inPlace) return err;
  rmSync(tmp, { force: true });
  releaseTemporary(tmp);
  return aboutTarget(err, tmp, path);
}

/** Flushes the temporary and renames it over the target. */
function commitAtomic(t: AtomicWrite): void {
  const { path, target, tmp, fd } = t;
  try {
    fsyncSync(fd);
  } catch (err) {
    throw abortAtomic(t, err);
  }
  closeSync(fd);
  if (t.inPlace) return;
  try {
    landTemporary(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw aboutTarget(err, tmp, path, target.path);
  } finally {
    releaseTemporary(tmp);
  }
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const bytes = typeof data === "string" ? Buffer.from(data) : data;
  writeAtomicWith(path, (fd) => writeAll(fd, bytes));
}

/** Writes several files as one (a report and the files it shows): every temporary is
 * written and flushed before the first is renamed, in the order given, so that a write
 * that fails (a full disk, a folder where a file goes) leaves every file as it was, not
 * new data beside an old page. */
export function writeFilesAtomic(files: Array<[string, string | Uint8Array]>): void {
  const begun: AtomicWrite[] = [];
  try {
    for (const [path, data] of files) {
      const t = beginAtomic(path);
      begun.push(t);
      writeAll(t.fd, typeof data === "string" ? Buffer.from(data) : data);
      fsyncSync(t.fd);
    }
  } catch (err) {
    // each removes its temporary; the one that failed also makes the error name its file
    for (const t of begun) abortAtomic(t, err);
    throw err;
  }
  for (const t of begun) commitAtomic(t);
}
