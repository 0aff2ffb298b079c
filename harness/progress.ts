/** The live progress line of a run: phase, elapsed/remaining, req/s, p99, errors. Pure formatting. */
import type { LoadStatus } from "./loadgen-client.ts";

const mmss = (s: number): string => {
  const t = Math.max(0, Math.round(s));
  return `${String(Math.floor(t / 60)).padStart(2, "0")}:${String(t % 60).padStart(2, "0")}`;
};

/** One line such as `entry  step-4   00:42 / 01:30 (00:48 left)  412 req/s  p99 38 ms  errors 0.0%  dropped 0`. */
export function progressLine(label: string, s: LoadStatus): string {
  const ls = s.lastSecond;
  const errPct = ls.requests > 0 ? (100 * ls.errors) / ls.requests : 0;
  const p99 = ls.p99Ms === null ? "–" : `${Math.round(ls.p99Ms)} ms`;
  return [
    label.padEnd(9),
    (s.stage || "-").padEnd(12),
    `${mmss(s.elapsed)} / ${mmss(s.duration)} (${mmss(s.duration - s.elapsed)} left)`,
    `${String(ls.requests).padStart(5)} req/s`,
    `p99 ${p99}`.padEnd(11),
    `errors ${errPct.toFixed(1)}%`,
    `dropped ${ls.dropped}`,
  ].join("  ");
}

/**
 * Prints progress: redraws one line on a terminal, otherwise a line every `everySeconds` of a load.
 * Without a terminal every load starts its own count: the first update after a log line (the
 * harness logs between loads) or with an elapsed time below the last printed one (a new load's
 * clock starts at 0) is printed at once, so the entry's load shows progress after the reference's.
 */
export function createProgressPrinter(
  out: (line: string) => void,
  tty: boolean,
  everySeconds = 5,
  write: (text: string) => void = (text) => process.stdout.write(text),
): { update(line: string, elapsed: number): void; done(): void } {
  let lastPrinted = -Infinity;
  let pending = false;
  return {
    update(line, elapsed) {
      if (tty) {
        write(`\r\u001b[2K${line}`);
        pending = true;
      } else if (elapsed < lastPrinted || elapsed - lastPrinted >= everySeconds) {
        lastPrinted = elapsed;
        out(line);
      }
    },
    done() {
      if (pending) write("\n");
      pending = false;
      lastPrinted = -Infinity;
    },
  };
}
