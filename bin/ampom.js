#!/usr/bin/env node
// The `ampom` command: runs the compiled command line (npm run build makes dist/).
import { existsSync } from "node:fs";
const main = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(main)) {
  console.error("ampom: not built yet; run `npm run build` in the package folder");
  process.exit(1);
}
await import(main.href);
