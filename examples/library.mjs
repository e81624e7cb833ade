// The library, as a project that installed ampom uses it (node examples/library.mjs).
import { compare, simulate } from "ampom";

// one scenario: the options of `ampom run`, the metrics object of `ampom run --json`
const m = await simulate({ workload: "random", memory: "4MiB", policy: "ampom" });
console.log(`ampom on random: ${m.remoteFaults} remote faults, ${(m.faultsPrevented * 100).toFixed(1)}% prevented, runtime ${(m.runtimeNs / 1e6).toFixed(2)} ms`);

// a small sweep in code: ampom on a link ever more loaded by other traffic
for (const background of [0, 0.4, 0.8]) {
  const r = await simulate({ workload: "hpl", memory: "4MiB", policy: "ampom", background });
  console.log(`hpl, background ${background}: ${r.remoteFaults} remote faults, ${r.prefetchPerFault.toFixed(1)} pages per fault, runtime ${(r.runtimeNs / 1e6).toFixed(2)} ms`);
}

// every policy with lightweight migration, the baselines shared rather than rerun
const rows = await compare({ workload: "fft", memory: "4MiB", mechanisms: ["lightweight"] });
for (const r of rows) console.log(`${r.policy.padEnd(13)} ${r.remoteFaults.toString().padStart(5)} faults  ${r.oracleGapClosed === undefined ? "n/a" : `${(r.oracleGapClosed * 100).toFixed(1)}%`} of the gap to the oracle`);
