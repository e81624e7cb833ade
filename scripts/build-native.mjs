#!/usr/bin/env node
// Builds the native parts of `ampom validate` (native/validate: the LD_PRELOAD library,
// the home server, the userfaultfd probe and the validation programs) with the system C
// compiler into build/native/ (git-ignored). They are Linux-only and optional: when they
// cannot be built (no compiler, not Linux, a header missing) this says why in one line,
// records the reason in build/native/STATUS for `ampom validate` to repeat, and exits 0
// so that the rest of the build goes on.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "native", "validate");
const out = join(root, "build", "native");
const cc = process.env.CC || "cc";
const common = ["-O2", "-std=gnu11", "-Wall", "-Wextra", "-Werror"];

const targets = [
  {
    // no stack protector: its canary lives in thread-local storage, which the migration
    // moves; the handler thread must never touch the process's migrated memory.
    // -z now: no lazy binding (the dynamic loader's lookups would touch it too).
    out: "libampom-validate.so",
    args: [...common, "-fPIC", "-shared", "-pthread", "-fno-stack-protector", "-fvisibility=hidden", "-Wl,-z,now",
      join(src, "preload.c"), join(src, "policy.c"), "-ldl", "-lm"],
  },
  { out: "ampom-home", args: [...common, join(src, "home.c"), "-lm"] },
  { out: "ampom-uffd-probe", args: [...common, "-pthread", join(src, "probe.c")] },
  // the handler's policies on a script, for the test that holds them against the cores
  { out: "ampom-policy-check", args: [...common, join(src, "policy-check.c"), join(src, "policy.c"), "-lm"] },
  ...readdirSync(join(src, "programs"))
    .filter((f) => f.endsWith(".c"))
    .sort()
    .map((f) => ({ out: join("programs", f.slice(0, -2)), args: [...common, join(src, "programs", f)] })),
];

function fail(reason) {
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "STATUS"), reason + "\n");
  process.stderr.write(`build-native: not built: ${reason} (ampom validate will not run; the rest of the build is unaffected)\n`);
  process.exit(0);
}

if (process.platform !== "linux") fail(`userfaultfd validation needs Linux, this is ${process.platform}`);
try {
  execFileSync(cc, ["--version"], { stdio: "ignore" });
} catch {
  fail(`no C compiler: "${cc}" did not run (install gcc, or set CC)`);
}
mkdirSync(join(out, "programs"), { recursive: true });
for (const t of targets) {
  // built beside and renamed over: a run using the old file keeps it whole
  const tmp = join(out, `${t.out}.tmp-${process.pid}`);
  try {
    execFileSync(cc, [...t.args, "-o", tmp], { stdio: ["ignore", "ignore", "pipe"] });
    renameSync(tmp, join(out, t.out));
  } catch (err) {
    rmSync(tmp, { force: true });
    const first = String(err.stderr ?? err.message).split("\n").find((l) => /error|fatal/.test(l)) ?? String(err.message);
    fail(`${cc} failed on ${t.out}: ${first.trim()}`);
  }
}
writeFileSync(join(out, "STATUS"), "ok\n");
