/**
 * longest-upkeep (docs/CHALLENGES.md): how long can you stay up while chaos escalates? Each second is up or
 * down from the probe and the load generator; the score is the longest up streak, in seconds.
 * Availability, time to recover, faults survived and restarts are shown with 0 points so the
 * score stays exactly "the longest streak".
 */
import type { Component } from "../record/run-record.ts";
import type { ChallengeDef } from "./challenge-schema.ts";
import { component, fmt, pct, total, type ScoreResult } from "./components.ts";
import type { Measurements, Sample } from "./measurements.ts";
import { carriedVerdict, gapCarriers, samplesBySecond } from "./per-second.ts";
import { ratio } from "./slo.ts";

/** Seconds after a fault's end in which a breach is still blamed on it (kills take a while to show). */
export const BREACH_GRACE_SECONDS = 5;

/**
 * Whether one second was up. The probe must have succeeded, and the load generator's requests of
 * that second must meet the SLO. Rules for missing data:
 * - a scrape gap (no request completed, no fresh scrape): the load verdict is `carrier`'s, the
 *   next second with a fresh scrape, which counted this second's requests; without one, the probe
 *   alone decides;
 * - no probe landed (null): the load generator alone decides, and it needs traffic within SLO;
 * - neither: down (nothing shows the app was up).
 */
export function secondUp(def: ChallengeDef, s: Sample | undefined, carrier?: Sample): boolean {
  if (!s) return false;
  const k6ok = carriedVerdict(def, s, carrier);
  if (s.probeUp === null) return k6ok === true;
  return s.probeUp >= 1 && k6ok !== false;
}

/**
 * Up/down per second over [0, duration). A second in a scrape gap is judged by the load of the
 * next second with a fresh scrape (its counters hold the gap's requests): an entry that fails
 * every second it is measured cannot earn a streak from the seconds it was not.
 */
export function upSeconds(def: ChallengeDef, m: Measurements): boolean[] {
  const step = m.stepSeconds > 0 ? m.stepSeconds : 1;
  const n = Math.max(0, Math.ceil((Number.isFinite(m.duration) ? m.duration : 0) / step));
  const by = samplesBySecond(m);
  const carriers = gapCarriers(def, by, n);
  return Array.from({ length: n }, (_, i) => secondUp(def, by[i], carriers[i]));
}

/** Longest run of `true`: its length and where it starts. */
export function longestStreak(up: boolean[]): { length: number; start: number } {
  let best = { length: 0, start: 0 };
  let run = 0;
  for (let i = 0; i < up.length; i++) {
    run = up[i] ? run + 1 : 0;
    if (run > best.length) best = { length: run, start: i - run + 1 };
  }
  return best;
}

export interface FaultOutcome {
  action: string;
  start: number;
  /** First down second blamed on the fault, or null when it was survived without a breach. */
  breachAt: number | null;
  /** Seconds from the fault's start until the next up second after the breach; null if survived. */
  recoverySeconds: number | null;
  /** False when the run ended before the entry was up again. */
  recovered: boolean;
}

/** Per fault: did it cause a breach, and how long until the entry was up again. */
export function faultOutcomes(m: Measurements, up: boolean[]): FaultOutcome[] {
  const step = m.stepSeconds > 0 ? m.stepSeconds : 1;
  const sorted = [...m.faults].sort((a, b) => a.start - b.start);
  return sorted.map((f, k) => {
    const from = Math.max(0, Math.floor(f.start / step));
    const next = sorted[k + 1];
    // A breach belongs to this fault until the next one starts (or the grace after its end).
    let to = Math.ceil((Math.max(f.end, f.start + step) + BREACH_GRACE_SECONDS) / step);
    if (next && next.start > f.start) to = Math.min(to, Math.max(from + 1, Math.floor(next.start / step)));
    to = Math.min(to, up.length);
    let breach: number | null = null;
    for (let i = from; i < to; i++)
      if (!up[i]) {
        breach = i;
        break;
      }
    if (breach === null)
      return { action: f.action, start: f.start, breachAt: null, recoverySeconds: null, recovered: true };
    let back = breach;
    while (back < up.length && !up[back]) back++;
    const recovered = back < up.length;
    return {
      action: f.action,
      start: f.start,
      breachAt: breach * step,
      recoverySeconds: Math.max(0, back * step - f.start),
      recovered,
    };
  });
}

/** The score: the longest up streak, in seconds, at `def.weights.streak` points per second. */
function streakComponent(def: ChallengeDef, up: boolean[], step: number): Component {
  const perSecond = def.weights.streak ?? 1;
  const streak = longestStreak(up);
  const streakSeconds = streak.length * step;
  return component(
    "longest-streak",
    "Longest up streak",
    streakSeconds,
    "s",
    streakSeconds * perSecond,
    up.length * step * perSecond,
    streakSeconds > 0
      ? `Up for ${fmt(streakSeconds)} consecutive seconds (from t=${fmt(streak.start * step)} s): probe up and that second's requests within SLO (errors ≤ ${pct(def.slo.maxErrorRate)}, dropped ≤ ${pct(def.slo.maxDroppedRate)}, p99 ≤ ${def.slo.p99Ms} ms). This is the score.`
      : "Not a single second was up (probe up and requests within SLO).",
  );
}

/** The share of up seconds, for context (no points). */
function availabilityComponent(up: boolean[]): Component {
  const upCount = up.filter(Boolean).length;
  const availability = ratio(upCount, up.length);
  return component(
    "availability",
    "Availability",
    up.length ? availability : null,
    "ratio",
    0,
    0,
    `${upCount} of ${up.length} seconds were up (${pct(availability)}); shown for context, no points.`,
  );
}

/** What the faults did: the mean time to recover from a breach, and the faults survived (no points). */
function faultComponents(outcomes: FaultOutcome[]): Component[] {
  const breached = outcomes.filter((o) => o.breachAt !== null);
  const survived = outcomes.length - breached.length;
  const mttr = breached.length
    ? breached.reduce((s, o) => s + (o.recoverySeconds ?? 0), 0) / breached.length
    : null;
  const unrecovered = breached.filter((o) => !o.recovered).length;
  return [
    component(
      "mean-time-to-recover",
      "Mean time to recover per fault",
      mttr,
      "s",
      0,
      0,
      mttr === null
        ? `No fault caused a breach${outcomes.length ? "" : " (no fault ran)"}.`
        : `Over the ${breached.length} fault(s) that caused a breach, ${fmt(mttr, 1)} s on average from the fault's start to the next up second${unrecovered ? `; ${unrecovered} never recovered before the end (counted to the end)` : ""}. No points.`,
    ),
    component(
      "faults-survived",
      "Faults survived without a breach",
      survived,
      "faults",
      0,
      0,
      `${survived} of ${outcomes.length} faults caused no down second during the fault or the ${BREACH_GRACE_SECONDS} s after it${breached.length ? `; breached by: ${breached.map((o) => `${o.action}@${fmt(o.start)}s`).join(", ")}` : ""}. No points.`,
    ),
  ];
}

/** Scores one longest-upkeep run: score = longest up streak (seconds). */
export function scoreLongestUpkeep(def: ChallengeDef, entry: Measurements): ScoreResult {
  const step = entry.stepSeconds > 0 ? entry.stepSeconds : 1;
  const up = upSeconds(def, entry);
  const restarts = Math.max(0, entry.restarts);
  const components = [
    streakComponent(def, up, step),
    availabilityComponent(up),
    ...faultComponents(faultOutcomes(entry, up)),
    component(
      "restarts",
      "Restarts",
      restarts,
      "restarts",
      0,
      0,
      `The entry restarted ${restarts} time(s) (kills force some; a restart only costs the seconds it is down). No points.`,
    ),
  ];
  return total(components, "seconds");
}
