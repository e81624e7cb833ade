// Progress bars for long commands: on stderr, so stdout stays clean for --json and
// pipes; shown only on a terminal and never with --quiet.
import cliProgress from "cli-progress";

export interface Progress {
  /** `total` may change as the work turns out smaller or larger */
  update(done: number, total: number, label: string): void;
  stop(): void;
}

const silent: Progress = { update() {}, stop() {} };

/** `eta`: the time left, after the count (a sweep's runs take long and alike). */
export function progressBar(title: string, { quiet = false, eta = false }: { quiet?: boolean; eta?: boolean } = {}): Progress {
  if (quiet || !process.stderr.isTTY) return silent;
  const bar = new cliProgress.SingleBar(
    {
      format: `${title} [{bar}] {percentage}% | {value}/{total}${eta ? " | ETA {eta_formatted}" : ""} | {label}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 20,
      // before the first piece of work ends the rate is 0 and the ETA infinite: show "--", not "NFs"
      formatTime: (t: number, options: cliProgress.Options, round: number) => (Number.isFinite(t) ? cliProgress.Format.TimeFormat(t, options, round) : "--"),
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, label) {
      if (!started) {
        bar.start(total, done, { label });
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done, { label });
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

export interface Status {
  update(label: string): void;
  stop(): void;
}

/** A one-line status for work whose total is unknown (a capture runs until its program
 * ends): on stderr, on a terminal only, never with --quiet. */
export function statusLine(title: string, { quiet = false }: { quiet?: boolean } = {}): Status {
  if (quiet || !process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: `${title} | {label} | {duration_formatted}`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(label) {
      if (!started) {
        bar.start(1, 0, { label });
        started = true;
      } else bar.update(0, { label });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
