// Standard output carries a command's results and nothing else: `--json` promises a
// reader JSON alone there, and a table piped on must not be interleaved with debugging.
import { Console } from "node:console";

/** Sends what code printed through `console` (a policy module's `console.log` while its
 * author debugs it) to standard error, in this thread. The command line and the sweep
 * worker threads call it; a library user's own console is left alone. */
export function consoleToStderr(): void {
  const err = new Console({ stdout: process.stderr, stderr: process.stderr });
  for (const name of ["log", "info", "debug", "dir", "dirxml", "table", "group", "groupCollapsed", "groupEnd", "count", "countReset", "time", "timeLog", "timeEnd"] as const) {
    (console as unknown as Record<string, unknown>)[name] = (err[name] as (...a: unknown[]) => void).bind(err);
  }
}
