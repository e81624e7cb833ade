// A program named on a command line: found as a shell would find it, and shown in
// messages as a user would type it.
import { accessSync, constants, realpathSync, statSync } from "node:fs";
import { delimiter, isAbsolute, join, resolve } from "node:path";

/** The command as a user would type it, for messages. */
export function describeCommand(command: string[]): string {
  return command.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");
}

/** The program as an absolute, symlink-free path, found on PATH like a shell would;
 * refused, naming it, unless it is an executable regular file. */
export function findProgram(program: string): string {
  let found: string | undefined;
  if (program.includes("/")) found = resolve(program);
  else {
    for (const dir of (process.env.PATH ?? "").split(delimiter)) {
      const candidate = join(dir || ".", program);
      try {
        accessSync(candidate, constants.X_OK);
        if (statSync(candidate).isFile()) {
          found = isAbsolute(candidate) ? candidate : resolve(candidate);
          break;
        }
      } catch {
        // not here
      }
    }
  }
  if (!found) throw new Error(`program "${program}": not found on PATH`);
  let real: string;
  try {
    real = realpathSync(found);
    accessSync(real, constants.X_OK);
  } catch {
    throw new Error(`program "${program}": ${found} is missing or not executable`);
  }
  // a directory passes the check above (X_OK is search) and opens; reading it was EISDIR
  const st = statSync(real);
  if (!st.isFile()) throw new Error(`program "${program}": ${real} is ${st.isDirectory() ? "a directory" : "not a regular file"}, not an executable program`);
  return real;
}
