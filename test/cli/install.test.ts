// The package as a user outside the clone gets it: `npm pack` makes the tarball that
// docs/library.md tells users to install, a fresh project installs it, imports the
// library, runs the `ampom` command it brings, and loads a policy module through it.
// The install reads the dependencies from npm's cache (`npm ci` has just filled it) and
// goes to the registry only for what the cache lacks.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { simulate } from "../../src/sim/simulate.js";

const ROOT = resolve(import.meta.dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "ampom-install-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (cmd: string, args: string[], cwd: string): string => {
  try {
    return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, npm_config_loglevel: "error" } });
  } catch (err) {
    // what the command said (tsc's errors are on its standard output), not only that it failed
    const e = err as { message: string; stdout?: string; stderr?: string };
    throw new Error(`${e.message}\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
};

describe("the packed package, installed in a project of its own", () => {
  it("installs from the tarball, and its library, command and policy modules work there", () => {
    // the build is there already (npm test builds first): pack it as it is
    run("npm", ["pack", "--ignore-scripts", "--pack-destination", dir], ROOT);
    const tarball = readdirSync(dir).find((f) => /^ampom-.*\.tgz$/.test(f));
    expect(tarball, "npm pack wrote no tarball").toBeDefined();

    const project = join(dir, "project");
    mkdirSync(project);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "uses-ampom", private: true, type: "module" }));
    run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", join(dir, tarball!)], project);

    // the library, as docs/library.md shows it
    writeFileSync(
      join(project, "main.js"),
      `import { simulate, policies } from "ampom";\n` +
        `const m = await simulate({ workload: "random", memory: "1MiB", policy: "ampom", baselines: false });\n` +
        `console.log(JSON.stringify({ faults: m.remoteFaults, runtimeNs: m.runtimeNs, policies: Object.keys(policies).length }));\n`,
    );
    const got = JSON.parse(run("node", ["main.js"], project));
    return simulate({ workload: "random", memory: "1MiB", policy: "ampom", baselines: false }).then((here) => {
      expect(got).toEqual({ faults: here.remoteFaults, runtimeNs: here.runtimeNs, policies: got.policies });
      expect(got.policies).toBeGreaterThan(5);

      // the command it installs names the commit its build was made from, not stale
      const version = run(join(project, "node_modules", ".bin", "ampom"), ["--version"], project);
      const built = JSON.parse(readFileSync("dist/build-info.json", "utf8")).commit as string;
      expect(version).toMatch(new RegExp(`^ampom \\d+\\.\\d+\\.\\d+ \\(commit ${built.slice(0, 12)}( with uncommitted changes)?, Node v\\d+`));

      // the types are the built declarations, so a user's stricter compiler settings
      // check the user's code, not the package's source; and they check as they are, in
      // a project without Node's types (@types/node is only the package's own dev
      // dependency)
      writeFileSync(
        join(project, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, skipLibCheck: false, noEmit: true, types: [] },
          include: ["check.ts"],
        }),
      );
      writeFileSync(
        join(project, "check.ts"),
        `import { simulate, type Metrics, type PolicyContext } from "ampom";\n` +
          `const m: Metrics = await simulate({ workload: "random", memory: "1MiB", baselines: false });\n` +
          `export const faults: number = m.remoteFaults;\n` +
          `export const home = (ctx: PolicyContext, page: number): boolean => ctx.isHome(page);\n`,
      );
      run(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", project], project);

      // a user's policy module (it imports its types from "ampom"), run by the installed command
      copyFileSync(join(ROOT, "examples", "swap-readahead-policy.ts"), join(project, "policy.ts"));
      const out = JSON.parse(
        run(join(project, "node_modules", ".bin", "ampom"), ["run", "--workload", "random", "--memory", "1MiB", "--policy", "./policy.ts", "--no-baselines", "--json"], project),
      );
      expect(out.policy).toBe("./policy.ts");
      expect(out.provenance).toMatchObject({ tool: "ampom", commit: built });
      expect(out.provenance.stale).toBeUndefined();
    });
  });
});
