/**
 * Plausibility checks on what the platform measured of one load: each check compares two
 * measurements that must agree whatever the app under test does, so a mismatch means the
 * measurement itself is wrong (written to, cut short, or missing) and the run cannot be scored.
 * Pure: facts in, problem sentences out; the harness gathers the facts (harness/load-measure.ts).
 */
import { RECORD_LIMITS, type Integrity } from "../record/run-record.ts";
import { emptyCounts, OUTCOMES, REQUEST_KINDS, type Outcome } from "../scoring/measurements.ts";
import type { LoadStatus } from "./loadgen-client.ts";
import type { RawSeconds } from "./measure.ts";

/**
 * Seconds without a fresh scrape of the load generator that a load may have: at least `seconds`,
 * or `share` of the load's seconds when that is more. A scrape can miss its second when the
 * machine is busy; more missing seconds than this is data the scores would silently lack.
 */
export const MISSING_SCRAPES_ALLOWED = { seconds: 2, share: 0.05 } as const;

/**
 * CPU the entry may appear to use above its limit × wall time: `relative` of the total plus
 * `seconds` at the limit. Docker's per-second CPU figures are rates over slightly uneven
 * intervals, and a second keeps the larger of two samples that land in it.
 */
export const CPU_TOLERANCE = { relative: 0.1, seconds: 1 } as const;

/** How far below the planned duration a load that ran to its end may report its elapsed time. */
export const SHORT_LOAD_TOLERANCE_SECONDS = 0.5;

/** What one load run measured and how it ended. Field names match `LoadRunResult`. */
export interface LoadFacts {
  /** Which load, for the messages: `entry load`, `reference calibration`. */
  label: string;
  /** The load generator run id the harness started. */
  runId: string;
  /** Seconds the stages add up to. */
  plannedSeconds: number;
  /** The harness stopped the load itself (a failed step search). */
  stoppedEarly: boolean;
  /** The load generator reported done before the harness's deadline. */
  finished: boolean;
  /** Its last /status answer: `totals` are counted once every in-flight request has ended. */
  final: Pick<LoadStatus, "runId" | "done" | "aborted" | "elapsed" | "totals">;
  /** What Prometheus holds of the load generator's series over the load's window. */
  raw: Pick<RawSeconds, "counts" | "dropped" | "loadScraped" | "iterations">;
  /** The measured container's CPU use per second of the window (cores; null: no sample). */
  cpu: readonly (number | null)[];
  /** Its CPU limit (cores). */
  cpuLimit: number;
}

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));

/** Responses (in all and by outcome, over every kind) and dropped iterations the scores would count. */
export function countedInPrometheus(raw: LoadFacts["raw"]): {
  responses: number;
  byOutcome: Record<Outcome, number>;
  dropped: number;
} {
  const byOutcome = emptyCounts();
  for (const second of raw.counts)
    for (const k of REQUEST_KINDS) for (const o of OUTCOMES) byOutcome[o] += second[k][o];
  const responses = OUTCOMES.reduce((s, o) => s + byOutcome[o], 0);
  return { responses, byOutcome, dropped: raw.dropped.reduce((s, d) => s + d, 0) };
}

/** How the load ended: it must be this run, have ended by itself (or by the harness), in full. */
function endProblems(f: LoadFacts): string[] {
  const out: string[] = [];
  if (f.final.runId !== f.runId)
    out.push(
      `${f.label}: the load generator's last status is of another run (${JSON.stringify(String(f.final.runId).slice(0, 60))}), not ${f.runId}`,
    );
  // The harness stops a load that outlives its deadline, so "aborted" would only repeat this.
  if (!f.finished || !f.final.done)
    out.push(`${f.label}: the load did not finish within the planned ${fmt(f.plannedSeconds)} s plus slack`);
  else if (f.final.aborted && !f.stoppedEarly)
    out.push(`${f.label}: the load was aborted, and not by the harness`);
  else if (!f.stoppedEarly && f.final.elapsed < f.plannedSeconds - SHORT_LOAD_TOLERANCE_SECONDS)
    out.push(
      `${f.label}: the load ended after ${fmt(f.final.elapsed)} s of the planned ${fmt(f.plannedSeconds)} s`,
    );
  return out;
}

/**
 * Counts: Prometheus cannot hold more responses than the load generator started iterations
 * (its own counter, same scrape) nor more than it reports in its final totals, in all or of any
 * outcome, nor more dropped iterations. No tolerance is needed: the totals are read after the
 * in-flight tail has drained, and every response in the window was counted by the window's last
 * scrape, which the iteration counter shares.
 */
function countProblems(f: LoadFacts): string[] {
  const out: string[] = [];
  const { responses, byOutcome, dropped } = countedInPrometheus(f.raw);
  if (responses > f.raw.iterations)
    out.push(
      `${f.label}: Prometheus counted ${fmt(responses)} responses, more than the ${fmt(f.raw.iterations)} iterations the load generator started`,
    );
  // Totals only mean something for this run, once it is done (else the end checks already said so).
  if (f.final.runId !== f.runId || !f.final.done) return out;
  const reported = f.final.totals.requests;
  if (typeof reported !== "number" || !Number.isFinite(reported))
    out.push(`${f.label}: the load generator reported no request total`);
  else if (responses > reported)
    out.push(
      `${f.label}: Prometheus counted ${fmt(responses)} responses, more than the ${fmt(reported)} the load generator reported`,
    );
  // Per outcome too: a total that matches can still hide timeouts counted as ok.
  for (const o of OUTCOMES) {
    const n = f.final.totals[o];
    if (typeof n === "number" && byOutcome[o] > n)
      out.push(
        `${f.label}: Prometheus counted ${fmt(byOutcome[o])} responses with outcome ${o}, more than the ${fmt(n)} the load generator reported`,
      );
  }
  const reportedDropped = f.final.totals.dropped;
  if (typeof reportedDropped === "number" && dropped > reportedDropped)
    out.push(
      `${f.label}: Prometheus counted ${fmt(dropped)} dropped iterations, more than the ${fmt(reportedDropped)} the load generator reported`,
    );
  return out;
}

/** Seconds of the window in which no fresh scrape of the load generator landed. */
function gapProblems(f: LoadFacts): string[] {
  const seconds = f.raw.loadScraped.length;
  const missing = f.raw.loadScraped.filter((x) => !x).length;
  const allowed = Math.max(
    MISSING_SCRAPES_ALLOWED.seconds,
    Math.floor(seconds * MISSING_SCRAPES_ALLOWED.share),
  );
  return missing > allowed
    ? [
        `${f.label}: ${missing} seconds of the load generator's series are missing (no fresh scrape landed; at most ${allowed} of ${seconds} are allowed)`,
      ]
    : [];
}

/** CPU-seconds the container used cannot exceed its limit × the wall time (plus the tolerance). */
function cpuProblems(f: LoadFacts): string[] {
  const used = f.cpu.reduce<number>((s, c) => s + (c !== null && Number.isFinite(c) ? Math.max(0, c) : 0), 0);
  const wall = f.cpu.length;
  const allowed = f.cpuLimit * (wall * (1 + CPU_TOLERANCE.relative) + CPU_TOLERANCE.seconds);
  return used > allowed
    ? [
        `${f.label}: the container used ${used.toFixed(2)} CPU-seconds in ${wall} s, more than its limit of ${f.cpuLimit} cores allows`,
      ]
    : [];
}

/** Every problem with one load's measurements; empty when they are plausible. */
export function checkLoad(f: LoadFacts): string[] {
  return [...endProblems(f), ...countProblems(f), ...gapProblems(f), ...cpuProblems(f)];
}

/**
 * The reference capacity every `kx` rate and every relative score rests on: a calibration that
 * measured none leaves nothing to score against (there is no default to fall back on).
 */
export function checkCalibration(capacity: number | null): string[] {
  return capacity !== null && Number.isFinite(capacity) && capacity > 0
    ? []
    : [
        "reference calibration: the reference app (url-anvil) held no step within the SLO, so no reference capacity was measured",
      ];
}

/** The record's verdict: valid exactly when there is no problem; sizes capped as the schema requires. */
export function verdict(problems: readonly string[], cautions: readonly string[] = []): Integrity {
  const kept = capped(problems, "problems");
  const qualified = capped(cautions, "cautions");
  return { valid: kept.length === 0, problems: kept, ...(qualified.length ? { cautions: qualified } : {}) };
}

/** Non-empty lines, each within the record's text cap, at most the record's count (the rest folded). */
function capped(lines: readonly string[], what: string): string[] {
  const max = RECORD_LIMITS.maxIntegrityProblems;
  const clip = (p: string) =>
    p.length > RECORD_LIMITS.maxProblemText ? `${p.slice(0, RECORD_LIMITS.maxProblemText - 1)}…` : p;
  const kept = lines.filter((p) => p.length > 0).map(clip);
  if (kept.length > max) {
    const rest = kept.length - (max - 1);
    kept.splice(max - 1, kept.length, `… and ${rest} more ${what}`);
  }
  return kept;
}

/**
 * Pacer lag (the load generator's worst late wake-up in a second) above which the load path counts
 * as having fallen behind: a quarter of the shortest answer deadline (1 s). Measured on the 2-core
 * machine (docs/FAIRNESS.md, 36 graceful-degradation runs): runs that held stayed at or below 0.046 s
 * in every second, runs whose load path saturated reached 0.39–1.55 s.
 */
export const PACER_LAG_LIMIT_SECONDS = 0.25;

/**
 * A caution when the load generator fell behind during a load: the seconds where it woke up more
 * than PACER_LAG_LIMIT_SECONDS late, and the phases they fall in. Empty when it kept up.
 */
export function loadPathCautions(
  label: string,
  /** Whose figures those seconds are: "entry" or "reference app". */
  app: string,
  pacerLag: readonly (number | null)[],
  phases: readonly { name: string; start: number; end: number }[],
): string[] {
  const late = pacerLag.flatMap((lag, i) => (lag !== null && lag > PACER_LAG_LIMIT_SECONDS ? [i] : []));
  if (!late.length) return [];
  const worst = Math.max(...late.map((i) => pacerLag[i]!));
  const names = phases.filter((p) => late.some((i) => i >= p.start && i < p.end)).map((p) => p.name);
  const where = names.length ? ` (${[...new Set(names)].join(", ")})` : "";
  return [
    `${label}: the load generator fell behind by up to ${worst.toFixed(2)} s in ${late.length} second(s)${where}; ` +
      `above ${PACER_LAG_LIMIT_SECONDS} s the platform's own load path (load generator, toxiproxy) was short of CPU, ` +
      `so those seconds may show the machine, not the ${app}`,
  ];
}

/** The load generator's worst late wake-up over a load, for the log (the caution says when it matters). */
export function pacerLagLine(lag: readonly (number | null)[]): string {
  const seen = lag.filter((x): x is number => x !== null);
  if (!seen.length) return "no reading of the load generator's pacer lag";
  return `the load generator's pacer woke up at most ${Math.max(...seen).toFixed(3)} s late (${seen.length} seconds read)`;
}
