// The build's stamp, dist/build-info.json: the commit and the sources' digest the build
// was made from (src/util/provenance.ts reads it; src/util/sources.ts digests).
// `npm run build` writes it last; `--clear` removes it before a partial build (the
// WebAssembly or TypeScript build alone), so a build half remade carries no stamp.
import { rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const stamp = new URL("../dist/build-info.json", import.meta.url);
if (process.argv.includes("--clear")) {
  rmSync(stamp, { force: true });
} else {
  const { buildStamp } = await import("../dist/util/provenance.js");
  writeFileSync(stamp, JSON.stringify(buildStamp(fileURLToPath(new URL("../", import.meta.url)))) + "\n");
}
