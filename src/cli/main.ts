// The `ampom` command line. Each command lives in commands/NAME.ts and is registered
// here with one line. Errors a user can cause print one line and exit non-zero.
import { Command, CommanderError } from "commander";
import { registerRun } from "./commands/run.js";
import { registerCompare } from "./commands/compare.js";
import { registerReproduce } from "./commands/reproduce.js";
import { registerSweep } from "./commands/sweep.js";
import { registerSweepMerge } from "./commands/sweep-merge.js";
import { registerTrace } from "./commands/trace.js";
import { registerCluster } from "./commands/cluster.js";
import { registerEvaluate } from "./commands/evaluate.js";
import { registerValidate } from "./commands/validate.js";
import { registerList } from "./commands/list.js";
import { registerCheckPolicy } from "./commands/check-policy.js";
import { removeTemporaries } from "../util/atomic-file.js";
import { buildIsStale, versionLine } from "../util/provenance.js";
import { errorMessage, isInstance } from "../util/errors.js";
import { thrownAt } from "../policies/module.js";
import { resultsOnlyOnStdout, writeResult } from "../util/stdout.js";
import { hasEnded, markEnded } from "./ending.js";
import { OUT_OF_RANGE_EXIT } from "./run-options.js";

export function buildProgram(): Command {
  const program = new Command("ampom")
    .description("simulate process migration with remote paging and adaptive prefetching (AMPoM and its peers)")
    .showHelpAfterError("(run with --help for usage)")
    // help is a result (standard output holds nothing else once resultsOnlyOnStdout()
    // has run); commander's own errors read like ours: "ampom: <what was wrong>"
    .configureOutput({ writeOut: writeResult, outputError: (text, write) => write(text.replace(/^error: /, "ampom: ")) })
    .addHelpText(
      "after",
      `
Sizes take units (4096, 4KiB, 256MiB, 1GiB), times too (500ns, 50us, 2ms), and rates
(1Gbps, 100Gbps). Run "ampom <command> --help" for a command's options and examples.

Examples:
  ampom reproduce                                  the paper's evaluation, with report.html
  ampom run --workload stream --policy ampom       one scenario, with its baselines
  ampom compare --workload hpl --background 0.8    every mechanism and policy side by side
  ampom sweep sweep.json --out results.jsonl       a grid of runs, in parallel, resumable`,
    )
    .exitOverride();
  // the version line names the commit, which costs a git call: worked out only when asked
  program.option("-V, --version", "print the version, the git commit it runs from and the Node version").on("option:version", () => {
    writeResult(`${versionLine()}\n`);
    throw new CommanderError(0, "ampom.version", versionLine());
  });
  registerRun(program);
  registerCompare(program);
  registerList(program);
  registerCheckPolicy(program);
  registerReproduce(program);
  registerSweep(program);
  registerSweepMerge(program);
  registerTrace(program);
  registerCluster(program);
  registerEvaluate(program);
  registerValidate(program);
  return program;
}

const SYSTEM_ERRORS: Record<string, string> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "is a directory, expected a file",
  ENOTDIR: "a part of the path is not a directory",
  ENOSPC: "no space left on the device",
  EROFS: "read-only file system",
  EEXIST: "already exists",
};

/** One line for the user. A file-system error Node raised unwrapped reads as
 * "PATH: what went wrong" rather than "ENOENT: no such file or directory, open 'PATH'". */
export function describeError(err: unknown): string {
  if (!isInstance(err, Error)) return errorMessage(err);
  const sys = err as NodeJS.ErrnoException;
  if (sys.code && sys.path && SYSTEM_ERRORS[sys.code] && sys.message.startsWith(`${sys.code}:`)) {
    return `${sys.path}: ${SYSTEM_ERRORS[sys.code]}`;
  }
  return sys.message;
}

export async function main(argv: string[]): Promise<number> {
  if (buildIsStale()) {
    process.stderr.write("ampom: warning: this build was made from other sources than the ones beside it, or carries no stamp of them (run npm run build); its results say stale\n");
  }
  try {
    await buildProgram().parseAsync(argv, { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander has printed the message (or the help) already; a value it could read
      // but that is out of range exits 1 (outOfRange), anything else it refused 2 (an
      // unknown option, a value not one of the choices, one that cannot be read)
      if (err.exitCode === 0) return 0;
      return err.exitCode === OUT_OF_RANGE_EXIT ? 1 : 2;
    }
    process.stderr.write(`ampom: ${describeError(err)}\n`);
    debugStack(err);
    return 1;
  }
}

// run when executed directly (bin/ampom.js, tsx src/cli/main.ts), not when imported by tests
const invoked = process.argv[1] ?? "";
if (/(?:^|[\\/])(main\.(?:ts|js)|ampom(?:\.js)?)$/.test(invoked)) {
  guardProcess();
  resultsOnlyOnStdout();
  main(process.argv.slice(2)).then((code) => {
    markEnded();
    process.exitCode = code;
  });
}

/** What escapes main() still ends in one line, never a stack (unless AMPOM_DEBUG):
 * a reader that closes the pipe (`ampom ... | head`) ends the command quietly. */
function guardProcess(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE") {
        markEnded();
        process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
      }
      if (stream === process.stdout) {
        // a full disk or a file that cannot take more: named as the output it is (Node's
        // message names the write() call, not what was written to)
        markEnded();
        process.stderr.write(`ampom: standard output: ${(err.code && SYSTEM_ERRORS[err.code]) || err.message}\n`);
        process.exit(1);
      }
      throw err;
    });
  }
  const fatal = (err: unknown) => {
    markEnded();
    try {
      // thrown where no hook was running, by code a user wrote: a timer or a promise a
      // policy module left behind, which may fire after the results were printed
      const where = thrownAt(err);
      const outside = where ? `${where.slice(0, -1)}, outside the policy hooks: a timer or a promise a policy module left behind?)` : "";
      process.stderr.write(`ampom: ${errorMessage(err)}${outside}\n`);
      debugStack(err);
    } finally {
      process.exit(1);
    }
  };
  process.on("uncaughtException", fatal);
  process.on("unhandledRejection", fatal);
  // an exit before the command ended (a policy module that calls process.exit, with
  // any code) leaves no temporary of an output behind, says so and exits 1; a signal's
  // temporary is removed by the next command that writes that output
  // (removeStaleTemporaries): a listener here would hold Ctrl-C back until the
  // simulation yields
  process.on("exit", (code) => {
    removeTemporaries();
    if (!hasEnded()) {
      process.stderr.write("ampom: the command was ended before it finished (process.exit() called from within, by a policy module?)\n");
      process.exitCode = 1;
    }
  });
}

/** With AMPOM_DEBUG set, the error's stack and those of its causes (a policy module's
 * own error, under the message that names the module and the hook). */
function debugStack(err: unknown): void {
  if (!process.env.AMPOM_DEBUG) return;
  const seen = new Set<unknown>();
  try {
    // a cause may be anything a policy module threw (a Proxy whose traps throw)
    for (let e = err; isInstance(e, Error) && !seen.has(e); e = e.cause) {
      process.stderr.write(`${seen.size ? "caused by: " : ""}${e.stack}\n`);
      seen.add(e);
    }
  } catch {
    // what is left of the chain cannot be read
  }
}
