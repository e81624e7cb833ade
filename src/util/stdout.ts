// Standard output carries a command's results and nothing else: `--json` promises a
// reader JSON alone there, and a table piped on must not be interleaved with debugging.
import { Console } from "node:console";

/** Standard output's own write, kept once resultsOnlyOnStdout() has turned
 * process.stdout.write to standard error. */
let toStdout: ((text: string, done?: (err?: Error | null) => void) => boolean) | undefined;

/** Writes a command's result (or its help, or its version line) to standard output.
 * False when the stream holds more than it wants buffered (resultsTaken() waits). */
export function writeResult(text: string): boolean {
  return toStdout ? toStdout(text) : process.stdout.write(text);
}

/** Resolves once standard output has taken everything written to it so far. Where it
 * cannot (a reader that has gone), its error ends the command first (src/cli/main.ts):
 * so a result written in parts waits here rather than buffer without bound, and a
 * summary after it is not printed for output nobody took. */
export function resultsTaken(): Promise<void> {
  // nothing queued: taken (a stand-in for write, as the tests' capture, queues nothing)
  if (process.stdout.writableLength === 0) return Promise.resolve();
  return new Promise((done) => {
    const write = toStdout ?? process.stdout.write.bind(process.stdout);
    write("", () => done());
  });
}

/** Sends whatever else would reach standard output to standard error, in this thread: a
 * policy module's `console.log` or `process.stdout.write` while its author debugs it.
 * The command line and the sweep worker threads call it; a library user's own console
 * and streams are left alone. */
export function resultsOnlyOnStdout(): void {
  const err = new Console({ stdout: process.stderr, stderr: process.stderr });
  for (const name of ["log", "info", "debug", "dir", "dirxml", "table", "group", "groupCollapsed", "groupEnd", "count", "countReset", "time", "timeLog", "timeEnd"] as const) {
    (console as unknown as Record<string, unknown>)[name] = (err[name] as (...a: unknown[]) => void).bind(err);
  }
  toStdout ??= process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
}
