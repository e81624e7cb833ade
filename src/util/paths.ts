// Paths as outputs print them.
import { realpathSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";

/** A path relative to the working folder when it is below it (results then read the
 * same in every clone and on every node of a sweep), else absolute. */
export function shortPath(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel.startsWith("..") || isAbsolute(rel) ? abs : rel;
}

/** The file `path` names, however it is spelt (./a.amt, a.amt, through a link): its real
 * path, or its absolute one when it does not exist. */
export function realFile(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}
