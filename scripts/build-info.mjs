// Stamps dist/build-info.json after the TypeScript build: the commit and the sources'
// digest the build was made from (src/util/provenance.ts reads it; see src/util/sources.ts).
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildStamp } from "../dist/util/provenance.js";

const root = fileURLToPath(new URL("../", import.meta.url));
writeFileSync(new URL("../dist/build-info.json", import.meta.url), JSON.stringify(buildStamp(root)) + "\n");
