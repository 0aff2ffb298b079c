/**
 * graceful-degradation (docs/CHALLENGES.md): overwhelmed while the dependency fails — bend or break? Each
 * answer is good (ok), fast-fail (429/503 within 100 ms) or bad (every other outcome, and every
 * dropped iteration: load the app never got to answer). Goodput carries the largest weight so
 * that refusing everything fast scores below serving honestly, and it has no cap: the overload
 * goes past what the best known entry serves, so serving more under overload always scores more.
 * Which phases are the overload and the recovery is the challenge file's `roles`.
 */
import type { ChallengeDef } from "./challenge-schema.ts";
import type { Component } from "../record/run-record.ts";
import { clamp, component, fmt, logRatioPoints, pct, total, type ScoreResult } from "./components.ts";
import { totalOf, type Measurements, type PhaseStats } from "./measurements.ts";
import { carriedVerdict, gapCarriers, samplesBySecond } from "./per-second.ts";
import { ratio, referenceCapacity } from "./slo.ts";

/** Restart points: all at 0 restarts, half at 1, none from 2. */
export const RESTARTS_TO_ZERO = 2;

type Weights = Record<"answeredInTime" | "goodput" | "quoteAvailability" | "recovery" | "restarts", number>;

/**
 * Seconds from the start of `phase` until the first window of `window` consecutive seconds each
 * within SLO begins; null when it never happens inside the phase. A missing second breaks a window;
 * a scrape gap is judged by the next scraped second, which counted its requests.
 */
export function timeToRecover(
  def: ChallengeDef,
  m: Measurements,
  phase: PhaseStats,
  window: number,
): number | null {
  const step = m.stepSeconds > 0 ? m.stepSeconds : 1;
  const by = samplesBySecond(m);
  const from = Math.ceil(phase.start / step);
  const to = Math.floor(phase.end / step);
  const carriers = gapCarriers(def, by, by.length);
  let run = 0;
  for (let i = from; i < to; i++) {
    const s = by[i];
    run = s && carriedVerdict(def, s, carriers[i]) === true ? run + 1 : 0;
    if (run * step >= window) return (i - run + 1 - from) * step;
  }
  return null;
}

/** Good + fast-fail answers over every request due during overload (dropped ones are bad). */
function answeredInTime(w: Weights, overload: PhaseStats | null): Component {
  const good = overload?.counts.ok ?? 0;
  const fast = overload?.counts.fast_fail ?? 0;
  const sent = overload ? totalOf(overload.counts) + overload.dropped : 0;
  const inTime = ratio(good + fast, sent);
  return component(
    "answered-in-time",
    "Answered in time under overload",
    sent > 0 ? inTime : null,
    "ratio",
    w.answeredInTime * clamp(inTime, 0, 1),
    w.answeredInTime,
    sent > 0
      ? `Of ${sent} requests due during overload, ${good} were good and ${fast} fast-fails (${pct(inTime)}); the other ${sent - good - fast} were bad (timeouts, slow errors, wrong bodies, connection errors, dropped).`
      : "No request was sent during overload.",
  );
}

/** Good req/s during overload relative to the reference capacity, log-scaled, no cap. */
function goodputPoints(w: Weights, overload: PhaseStats | null, refCap: number): Component {
  const seconds = overload ? overload.end - overload.start : 0;
  const goodput = ratio(overload?.counts.ok ?? 0, seconds);
  const rel = ratio(goodput, refCap);
  return component(
    "goodput",
    "Goodput under overload",
    seconds > 0 ? goodput : null,
    "req/s",
    refCap > 0 ? logRatioPoints(w.goodput, rel) : 0,
    w.goodput,
    refCap > 0
      ? `${fmt(goodput)} good req/s during overload = ${fmt(rel, 2)}× the reference capacity of ${fmt(refCap)} req/s; points ${w.goodput} × log2(1 + ${fmt(rel, 2)}), no cap.`
      : `${fmt(goodput)} good req/s during overload, but no reference capacity was measured, so there is nothing to compare with (0 points).`,
  );
}

/** Share of quote requests during overload that got a valid (possibly cached) quote. */
function quoteAvailability(def: ChallengeDef, w: Weights, overload: PhaseStats | null): Component {
  const q = overload?.byKind.quote;
  const quotes = q ? totalOf(q) : 0;
  const ok = q?.ok ?? 0;
  const avail = ratio(ok, quotes);
  return component(
    "quote-availability",
    "Quote availability (stale allowed)",
    quotes > 0 ? avail : null,
    "ratio",
    w.quoteAvailability * clamp(avail, 0, 1),
    w.quoteAvailability,
    quotes > 0
      ? `${ok} of ${quotes} quote requests during overload got a valid quote (a cached one up to ${def.quoteMaxAgeSeconds} s old counts): ${pct(avail)}.`
      : "No quote request completed during overload.",
  );
}

/** Seconds into the recovery phase until the SLO holds for a window; points fall linearly to 0. */
function recoveryPoints(
  def: ChallengeDef,
  w: Weights,
  m: Measurements,
  recovery: PhaseStats | null,
): Component {
  const len = recovery ? recovery.end - recovery.start : 0;
  // Under --scale the recovery phase shrinks; the window shrinks with it (at most a third of it).
  const window = Math.max(1, Math.min(def.recoveryWindowSeconds ?? 5, Math.floor(len / 3)));
  const ttr = recovery ? timeToRecover(def, m, recovery, window) : null;
  const span = Math.max(1, len - window);
  return component(
    "time-to-recover",
    "Time to recover the SLO",
    ttr,
    "s",
    ttr === null ? 0 : w.recovery * clamp(1 - ttr / span, 0, 1),
    w.recovery,
    ttr === null
      ? `The SLO was never met for ${window} consecutive seconds during the ${fmt(len)} s recovery phase.`
      : `${fmt(ttr)} s into the recovery phase the SLO held for ${window} consecutive seconds; points fall linearly to 0 at ${fmt(span)} s.`,
  );
}

/** Points for not restarting; none for an app that never served a good answer (a dead app never restarts). */
function restartPoints(w: Weights, m: Measurements): Component {
  const restarts = Math.max(0, m.restarts);
  const servedAny = m.phases.some((p) => p.counts.ok > 0);
  return component(
    "restarts",
    "Restarts",
    restarts,
    "restarts",
    servedAny ? w.restarts * clamp(1 - restarts / RESTARTS_TO_ZERO, 0, 1) : 0,
    w.restarts,
    !servedAny
      ? "No good answer in the whole run, so no points for staying up without restarts."
      : restarts === 0
        ? "The entry never restarted."
        : `The entry restarted ${restarts} time(s); each costs ${fmt(100 / RESTARTS_TO_ZERO)}% of these points.`,
  );
}

/** The measured phase playing `role` (the challenge file's `roles`), or null when it did not run. */
export function phaseOfRole(def: ChallengeDef, m: Measurements, role: string): PhaseStats | null {
  const name = def.roles[role];
  return name === undefined ? null : (m.phases.find((p) => p.name === name) ?? null);
}

/** Scores one graceful-degradation run; the reference's capacity anchors goodput. */
export function scoreGracefulDegradation(
  def: ChallengeDef,
  entry: Measurements,
  reference: Measurements | null,
): ScoreResult {
  const w = def.weights as Weights;
  const overload = phaseOfRole(def, entry, "overload");
  const recovery = phaseOfRole(def, entry, "recovery");
  // No default capacity: without a measured one goodput earns 0 (and the run is invalid).
  const refCap = reference ? referenceCapacity(def, reference) : 0;
  return total(
    [
      answeredInTime(w, overload),
      goodputPoints(w, overload, refCap),
      quoteAvailability(def, w, overload),
      recoveryPoints(def, w, entry, recovery),
      restartPoints(w, entry),
    ],
    "points",
  );
}
