// Whether the command has ended as it means to: main() returned, it reported a fatal
// error, its output's reader went away, or it was interrupted and said so. An exit
// before that (a policy module calling process.exit, with any code) is no success.
let ended = false;

export function markEnded(): void {
  ended = true;
}

export function hasEnded(): boolean {
  return ended;
}
