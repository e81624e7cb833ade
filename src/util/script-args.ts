// Options of the project's own scripts (bench/, scripts/): node's parseArgs, but a bad
// option or value ends the script with one line naming it and exit code 2, as the
// command line does, not with a stack dump.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { errorMessage } from "./errors.js";

/** Ends the script `script` for a bad argument: `script: message` on stderr, exit 2. */
export function scriptFail(script: string, message: string): never {
  console.error(`${script}: ${message}`);
  process.exit(2);
}

/** parseArgs(config); on a bad option, scriptFail with its message (and `usage`, if given). */
export function scriptArgs<T extends ParseArgsConfig>(script: string, config: T, usage?: string): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    return scriptFail(script, usage ? `${errorMessage(err)}\n${usage}` : errorMessage(err));
  }
}
