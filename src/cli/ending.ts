// Whether the command has ended as it means to: main() returned, it reported a fatal
// error, its output's reader went away, or it was interrupted and said so. An exit
// before that (a policy module calling process.exit, with any code) is no success.
import { constants as osConstants } from "node:os";
let ended = false;

export function markEnded(): void {
  ended = true;
}

export function hasEnded(): boolean {
  return ended;
}

/** The signals that stop a long command, which then ends what it runs, removes its
 * scratch files and says what was kept: Ctrl-C, a kill, and a hang-up (the terminal or
 * the ssh connection gone), whose default ended the process alone. */
export const STOP_SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** Ends a command a signal (Ctrl-C, a kill) stopped, saying `message` (what was kept),
 * with 128 + the signal's number, as a shell reports a command a signal ended. */
export function exitInterrupted(signal: NodeJS.Signals, message: string): never {
  process.stderr.write(`ampom: ${message}\n`);
  markEnded();
  process.exit(128 + osConstants.signals[signal]);
}
