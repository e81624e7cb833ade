// Writes a built-in workload's records as a trace file: page-level text (`K PAGE GAP`),
// for timing `ampom trace import` on a large text input, or amt v2, for runs over a
// trace file of any length (the 10^9-record run of the Scaling section):
//
//   npx tsx bench/make-trace.ts OUT [--format text|amt] [--workload stream] [--memory 4GiB]
//                               [--iterations 12 | --records N]
//   /usr/bin/time -v node bin/ampom.js trace import OUT.txt -o OUT.amt
import { closeSync, openSync, writeSync } from "node:fs";
import { scriptArgs, scriptFail } from "../src/util/script-args.js";
import { REC_CODE, REC_WRITE } from "../src/core/abi.js";
import { resolveOptions } from "../src/sim/options.js";
import { scenarioWorkload } from "../src/sim/simulate.js";
import { workloadWithRecords, writeAmtV2 } from "./native.js";

const { values, positionals } = scriptArgs("make-trace", {
  allowPositionals: true,
  options: {
    workload: { type: "string", default: "stream" },
    memory: { type: "string", default: "4GiB" },
    iterations: { type: "string", default: "12" },
    records: { type: "string" },
    format: { type: "string", default: "text" },
  },
});
if (positionals.length !== 1 || (values.format !== "text" && values.format !== "amt")) {
  scriptFail("make-trace", "usage: npx tsx bench/make-trace.ts OUT [--format text|amt] [--workload W] [--memory M] [--iterations N | --records N]");
}
const { w, iterations } = values.records
  ? await workloadWithRecords(values.workload, values.memory, Number(values.records))
  : { w: await scenarioWorkload(resolveOptions({ workload: values.workload, memory: values.memory, iterations: Number(values.iterations) })), iterations: Number(values.iterations) };
if (values.format === "amt") {
  writeAmtV2(w, positionals[0], Math.min(w.records, Number(values.records ?? w.records)));
  console.error(`${positionals[0]}: ${Math.min(w.records, Number(values.records ?? w.records))} records of ${values.workload} (${values.memory}, ${iterations} iterations), amt v2`);
  process.exit(0);
}
// a region's dense pages back to virtual pages: regions 1 GiB of address space apart
const vpnOf = new Float64Array(w.pageCount);
w.regions.forEach((r, i) => {
  const base = 0x10000 + i * 0x40000;
  for (let p = 0; p < r.pages; p++) vpnOf[r.start + p] = base + p;
});
const B = 1 << 16;
const pages = new Uint32Array(B), gaps = new Uint32Array(B), flags = new Uint8Array(B);
const fd = openSync(positionals[0], "w");
const s = w.open();
let records = 0;
for (let n; (n = s.fill(pages, gaps, flags, B)) > 0; records += n) {
  let text = "";
  for (let i = 0; i < n; i++) {
    const k = flags[i] & REC_CODE ? "I" : flags[i] & REC_WRITE ? "W" : "R";
    text += `${k} ${vpnOf[pages[i]].toString(16)} ${gaps[i]}\n`;
  }
  writeSync(fd, text);
}
closeSync(fd);
console.error(`${positionals[0]}: ${records} records of ${values.workload} (${values.memory}, ${iterations} iterations)`);
