// Child process of events.test.ts: one large run whose events go to a file (argv[2]:
// "file PATH"), are kept in memory ("memory": what constant memory rules out), or are
// not logged ("none"); then the process's peak resident memory and the lines logged.
import { EventFile } from "../../src/sim/event-file.js";
import type { EventSink } from "../../src/sim/event-log.js";
import { simulate } from "../../src/sim/simulate.js";

const [mode, path] = process.argv.slice(2);
const file = mode === "file" ? new EventFile(path) : undefined;
const kept: string[] = [];
const inMemory: EventSink = { record: (t, kind, page) => void kept.push(`${t} ${kind} ${page}`) };
await simulate(
  { workload: "sequential", memory: "2GiB", mechanism: "post-copy", policy: "none", baselines: false },
  { events: file?.sink({ process: "big" }) ?? (mode === "memory" ? inMemory : undefined) },
);
file?.commit();
process.stdout.write(JSON.stringify({ rssMiB: process.resourceUsage().maxRSS / 1024, lines: file?.lines ?? kept.length }) + "\n");
