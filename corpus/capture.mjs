// Captures the trace corpus again: `node corpus/capture.mjs [NAME...]` (all when no
// name is given; `--readme` only rewrites README.md's table from manifest.json;
// `--native [NAME...]` only measures the native run times again). It
// generates the inputs (inputs.mjs), compiles the corpus's own C programs, runs each
// command under `ampom trace capture`, one at a time, gzips the amt into
// traces/NAME.amt.gz, and records in manifest.json what was run, on what, with which
// tool versions, and what came out. The whole batch runs under the shared CPU lock
// (/tmp/ampom-cpu.lock). Needs the project built (npm run build), valgrind, gcc and the
// Debian packages the programs come from (it installs the missing ones with apt-get).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { commandOf, ENV, here, native, prepare, PROGRAMS, reset, run } from "./programs.mjs";

const repo = join(here, "..");
const LOCK = "/tmp/ampom-cpu.lock";
/** Records kept per trace: a few MB of gzip, about a minute of lackey. */
const MAX_RECORDS = 2_500_000;

function version(pkg) {
  const r = spawnSync("dpkg-query", ["-W", "-f", "${Version}", pkg], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : "unknown";
}

function ensurePackages(pkgs) {
  const missing = pkgs.filter((p) => version(p) === "unknown");
  if (missing.length === 0) return;
  console.error(`corpus: installing ${missing.join(" ")}`);
  run("apt-get", ["update", "-qq"]);
  run("apt-get", ["install", "-y", "-qq", ...missing], { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
}

const sha256 = (file) => createHash("sha256").update(readFileSync(file)).digest("hex").slice(0, 16);

function writeAtomic(file, text) {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** The manifest as the README's markdown table. */
function manifestTable(manifest) {
  const n = (x) => x.toLocaleString("en-US");
  return [
    "| program | kind | half | records | pages | accesses | gzip'd amt | capture s | native s | what |",
    "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ...manifest.programs.map(
      (e) =>
        `| ${e.name} | ${e.kind} | ${e.half} | ${n(e.records)}${e.truncated ? " (bound)" : ""} | ${n(e.pages)} | ${n(e.accesses)} | ${(e.compressedBytes / 2 ** 20).toFixed(2)} MiB | ${e.captureSeconds} | ${e.nativeSeconds} | ${e.what} |`,
    ),
  ].join("\n");
}

function updateReadme(manifest) {
  const readme = join(here, "README.md");
  if (!existsSync(readme)) return;
  const text = readFileSync(readme, "utf8");
  const a = "<!-- manifest table: corpus/capture.mjs writes it -->";
  const b = "<!-- end of manifest table -->";
  if (!text.includes(a) || !text.includes(b)) return;
  writeAtomic(readme, text.slice(0, text.indexOf(a) + a.length) + "\n" + manifestTable(manifest) + "\n" + text.slice(text.indexOf(b)));
}

function main() {
  if (process.argv[2] === "--readme") {
    // only the README's table, from the manifest as it is
    updateReadme(JSON.parse(readFileSync(join(here, "manifest.json"), "utf8")));
    return;
  }
  const nativeOnly = process.argv[2] === "--native";
  const asked = process.argv.slice(nativeOnly ? 3 : 2);
  for (const a of asked) if (!PROGRAMS.some((p) => p.name === a)) throw new Error(`unknown corpus program "${a}" (known: ${PROGRAMS.map((p) => p.name).join(", ")})`);
  const chosen = asked.length ? PROGRAMS.filter((p) => asked.includes(p.name)) : PROGRAMS;
  if (!existsSync(join(repo, "dist/cli/main.js"))) throw new Error("build the project first (npm run build)");
  ensurePackages(["valgrind", "gcc-12", "libc6-dev", ...new Set(chosen.map((p) => p.package))]);

  const work = mkdtempSync(join(tmpdir(), "ampom-corpus-"));
  const traces = join(here, "traces");
  mkdirSync(traces, { recursive: true });
  const manifestFile = join(here, "manifest.json");
  const manifest = existsSync(manifestFile) ? JSON.parse(readFileSync(manifestFile, "utf8")) : { programs: [] };
  try {
    const cc1 = prepare(work);

    for (const p of chosen) {
      const command = commandOf(p, cc1);
      const amt = join(work, `${p.name}.amt`);
      const nativeSeconds = native(work, command);
      if (nativeOnly) {
        // only the native run time, into the manifest as it is
        const entry = manifest.programs.find((e) => e.name === p.name);
        if (entry) entry.nativeSeconds = Number(nativeSeconds.toFixed(4));
        writeAtomic(manifestFile, JSON.stringify(manifest, null, 2) + "\n");
        updateReadme(manifest);
        continue;
      }
      reset(work);
      const bounds = ["--max-records", String(MAX_RECORDS), ...(p.skip ? ["--skip", String(p.skip)] : [])];
      console.error(`corpus: capturing ${p.name} (${command.join(" ")})`);
      // the program's stdout is discarded (what it is connected to can change its
      // behaviour, so it is always the same)
      const cap = spawnSync(process.execPath, [join(repo, "bin/ampom.js"), "trace", "capture", "-o", amt, ...bounds, "--", ...command], {
        cwd: work,
        env: ENV,
        encoding: "utf8",
        stdio: ["ignore", "ignore", "pipe"],
      });
      if (cap.status !== 0) throw new Error(`capture of ${p.name} failed:\n${cap.stderr}`);
      const seconds = Number(/captured in ([\d.]+) s/.exec(cap.stderr)?.[1]);
      const info = JSON.parse(run(process.execPath, [join(repo, "bin/ampom.js"), "trace", "info", "--json", amt]));
      const file = join(traces, `${p.name}.amt.gz`);
      writeAtomic(file, gzipSync(readFileSync(amt), { level: 9 }));
      const inputs = command
        .slice(1)
        .filter((a) => /^(in|programs)\//.test(a))
        .map((a) => ({ file: a, bytes: statSync(join(work, a)).size, sha256: sha256(join(work, a)) }));
      const entry = {
        name: p.name,
        kind: p.kind,
        half: p.half,
        what: p.what,
        command: p.command,
        inputs,
        tool: { package: p.package, version: version(p.package) },
        skipRecords: p.skip ?? 0,
        maxRecords: MAX_RECORDS,
        // as the capture says (a program that ends at exactly the bound was not cut)
        truncated: /stopped at --max-records/.test(cap.stderr),
        records: info.records,
        pages: info.pages,
        accesses: info.accesses,
        regions: info.regions.length,
        pageCount: info.pageCount,
        file: `traces/${p.name}.amt.gz`,
        compressedBytes: statSync(file).size,
        amtBytes: statSync(amt).size,
        nativeSeconds: Number(nativeSeconds.toFixed(4)),
        captureSeconds: Number(seconds.toFixed(1)),
      };
      manifest.programs = [...manifest.programs.filter((e) => e.name !== p.name), entry].sort(
        (a, b) => PROGRAMS.findIndex((x) => x.name === a.name) - PROGRAMS.findIndex((x) => x.name === b.name),
      );
      manifest.captured = {
        valgrind: version("valgrind"),
        gcc: version("gcc-12"),
        libc: version("libc6"),
        node: process.version,
        pageSize: 4096,
        environment: ENV,
      };
      writeAtomic(manifestFile, JSON.stringify(manifest, null, 2) + "\n");
      updateReadme(manifest);
      rmSync(amt);
      console.error(`corpus: ${p.name}: ${info.records} records, ${info.pages} pages, ${(entry.compressedBytes / 2 ** 20).toFixed(2)} MiB gzip, ${seconds.toFixed(1)} s`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

try {
  if (process.env.AMPOM_CORPUS_LOCKED === "1" || process.argv[2] === "--readme") main();
  else {
    // the whole batch under the shared CPU lock, taken once: the captures run one at a
    // time, and their times are not stretched by other heavy work on the machine
    const r = spawnSync("flock", [LOCK, process.execPath, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
      stdio: "inherit",
      env: { ...process.env, AMPOM_CORPUS_LOCKED: "1" },
    });
    process.exitCode = r.status ?? 1;
  }
} catch (err) {
  console.error(`corpus: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
