// Running the `ampom` command line from the sources as a child process, as users do.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, onTestFinished } from "vitest";

const repo = fileURLToPath(new URL("../../", import.meta.url));
// absolute paths, so that the command can run in any folder
export const CLI = ["--import", pathToFileURL(join(repo, "node_modules/tsx/dist/loader.mjs")).href, join(repo, "src/cli/main.ts")];

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function ampom(args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): CliResult {
  const r = spawnSync(process.execPath, [...CLI, ...args], {
    encoding: "utf8",
    cwd: cwd ?? process.cwd(),
    env: { ...process.env, AMPOM_DEBUG: "", ...env },
    timeout: 240_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function ampomAsync(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [...CLI, ...args], { env: { ...process.env, AMPOM_DEBUG: "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
}

/** A fresh folder under the system's temporary one, removed when the test that made it
 * ends (or, made while the file's tests are collected, when they have all run). */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ampom-${prefix}-`));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    onTestFinished(remove);
  } catch {
    afterAll(remove);
  }
  return dir;
}

/** Files in `dir`, hidden temporaries included. */
export function filesIn(dir: string): string[] {
  return readdirSync(dir).sort();
}

/** True when the output has a JavaScript stack trace in it. */
export function hasStack(text: string): boolean {
  return /^\s+at .+\(?.*:\d+:\d+\)?$/m.test(text);
}

/** A policy module (JavaScript) that asks for the pages after each faulting one: its
 * parameter `ahead` of them, `ahead` by default. */
export function aheadPolicy(ahead: number): string {
  return [
    `export const params = { ahead: { default: ${ahead} } };`,
    "export function reset() {}",
    "export function onFault(ctx, page) { for (let q = page + 1; q <= page + ctx.params.ahead && q < ctx.pageCount; q++) ctx.request(q); }",
    "export function onUse() {}",
    "export function onArrival() {}",
    "export function onServed() {}",
  ].join("\n");
}
