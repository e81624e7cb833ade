// Paths as outputs print them.
import { isAbsolute, relative } from "node:path";

/** A path relative to the working folder when it is below it (results then read the
 * same in every clone and on every node of a sweep), else absolute. */
export function shortPath(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel.startsWith("..") || isAbsolute(rel) ? abs : rel;
}
