// Which sources a build was made from: a digest over the package's TypeScript and
// AssemblyScript sources and package.json. `npm run build` stamps it into
// dist/build-info.json with the commit; at run time the same digest of the files as
// they stand says whether the code that runs is what the sources now say (a checkout
// pulled or edited without rebuilding runs the old code under the new commit).
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const FOLDERS = ["src", "assembly"];

/** SHA-256 over every .ts file under src/ and assembly/ and package.json, by path
 * relative to `root`; null when the sources are not there (a package without them). */
export function sourcesDigest(root: string): string | null {
  if (!FOLDERS.every((f) => existsSync(join(root, f)))) return null;
  const files: string[] = ["package.json"];
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith(".ts")) files.push(path);
    }
  };
  for (const f of FOLDERS) walk(f);
  files.sort();
  const hash = createHash("sha256");
  for (const f of files) hash.update(`${f}\0`).update(readFileSync(join(root, f))).update("\0");
  return hash.digest("hex");
}
