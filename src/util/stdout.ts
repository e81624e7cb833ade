// Standard output carries a command's results and nothing else: `--json` promises a
// reader JSON alone there, and a table piped on must not be interleaved with debugging.
import { Console } from "node:console";

/** Standard output's own write, kept once resultsOnlyOnStdout() has turned
 * process.stdout.write to standard error. */
let toStdout: ((text: string) => boolean) | undefined;

/** Writes a command's result (or its help, or its version line) to standard output. */
export function writeResult(text: string): void {
  if (toStdout) toStdout(text);
  else process.stdout.write(text);
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
