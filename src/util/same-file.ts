// An output must not replace a file the same command reads (its config, a trace, a
// policy module): refused before any work. Kept apart from atomic-file.ts, whose
// declarations need Node's types, because CommandInput is part of the library's types.
import { statSync } from "node:fs";
import { resolve } from "node:path";

/** True when `a` and `b` name one file: the same path, or one file reached by two. */
function sameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  const sa = statSync(a, { throwIfNoEntry: false });
  const sb = statSync(b, { throwIfNoEntry: false });
  return sa !== undefined && sb !== undefined && sa.dev === sb.dev && sa.ino === sb.ino;
}

/** A file a command reads: what it is to the command, and its path. */
export type CommandInput = [what: string, path: string];

/** Refuses an output `path` that is one of the command's `inputs`, which `writer` (the
 * events, the results) would replace; `head` names the output in the message, and the
 * user is asked for another `instead` (the output, or the folder it is in). */
export function refuseInputs(head: string, path: string, inputs: readonly CommandInput[], writer: string, instead = "file"): void {
  for (const [what, input] of inputs) {
    if (sameFile(path, input)) throw new Error(`${head}: is ${what}, which ${writer} would overwrite; give another ${instead}`);
  }
}
