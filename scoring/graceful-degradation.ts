/**
 * graceful-degradation (docs/CHALLENGES.md): overwhelmed while the dependency fails — bend or break? Each
 * answer is good (ok), fast-fail (429/503 within 100 ms) or bad (every other outcome, and every
 * dropped iteration: load the app never got to answer). Goodput carries the largest weight so
 * that refusing everything fast scores below serving honestly.
 */
import type { ChallengeDef } from "./challenge-schema.ts";
import { clamp, component, fmt, pct, total, type ScoreResult } from "./components.ts";
import { totalOf, type Measurements, type PhaseStats, type Sample } from "./measurements.ts";
import { ratio, referenceCapacity, sloMiss } from "./slo.ts";

/** Goodput counts up to this multiple of the reference capacity. */
export const GOODPUT_CAP = 1.5;
/** Restart points: all at 0 restarts, half at 1, none from 2. */
export const RESTARTS_TO_ZERO = 2;

type Weights = Record<"answeredInTime" | "goodput" | "quoteAvailability" | "recovery" | "restarts", number>;

/** Per-second samples indexed by second (missing seconds are undefined: gaps in Prometheus data). */
export function samplesBySecond(m: Measurements): (Sample | undefined)[] {
  const step = m.stepSeconds > 0 ? m.stepSeconds : 1;
  const out: (Sample | undefined)[] = [];
  for (const s of m.samples) {
    const i = Math.floor(s.t / step);
    if (i >= 0 && Number.isFinite(i) && i < 100_000) out[i] = s;
  }
  return out;
}

/**
 * Seconds from the start of `phase` until the first window of `window` consecutive seconds each
 * within SLO begins; null when it never happens inside the phase. A gap in the data breaks a window.
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
  let run = 0;
  for (let i = from; i < to; i++) {
    const s = by[i];
    run = s && sloMiss(def.slo, s.counts, s.dropped, s.p99) === null ? run + 1 : 0;
    if (run * step >= window) return (i - run + 1 - from) * step;
  }
  return null;
}

/** Scores one graceful-degradation run; the reference's capacity anchors goodput. */
export function scoreGracefulDegradation(
  def: ChallengeDef,
  entry: Measurements,
  reference: Measurements | null,
): ScoreResult {
  const w = def.weights as Weights;
  const overload = entry.phases.find((p) => p.name === "overload") ?? null;
  const recovery = entry.phases.find((p) => p.name === "recovery") ?? null;
  const components = [];

  const completed = overload ? totalOf(overload.counts) : 0;
  const good = overload?.counts.ok ?? 0;
  const fast = overload?.counts.fast_fail ?? 0;
  const sent = completed + (overload?.dropped ?? 0);
  const inTime = ratio(good + fast, sent);
  components.push(
    component(
      "answered-in-time",
      "Answered in time under overload",
      sent > 0 ? inTime : null,
      "ratio",
      w.answeredInTime * clamp(inTime, 0, 1),
      w.answeredInTime,
      sent > 0
        ? `Of ${sent} requests due during overload, ${good} were good and ${fast} fast-fails (${pct(inTime)}); the other ${sent - good - fast} were bad (timeouts, slow errors, wrong bodies, connection errors, dropped).`
        : "No request was sent during overload.",
    ),
  );

  // No default capacity: without a measured one goodput earns 0 (and the run is invalid).
  const refCap = reference ? referenceCapacity(def, reference) : 0;
  const seconds = overload ? overload.end - overload.start : 0;
  const goodput = ratio(good, seconds);
  const rel = ratio(goodput, refCap);
  components.push(
    component(
      "goodput",
      "Goodput under overload",
      seconds > 0 ? goodput : null,
      "req/s",
      w.goodput * clamp(rel, 0, GOODPUT_CAP),
      w.goodput,
      refCap > 0
        ? `${fmt(goodput)} good req/s during overload = ${fmt(rel, 2)}× the reference capacity of ${fmt(refCap)} req/s; counted up to ${GOODPUT_CAP}×.`
        : `${fmt(goodput)} good req/s during overload, but no reference capacity was measured, so there is nothing to compare with (0 points).`,
    ),
  );

  const q = overload?.byKind.quote;
  const quotes = q ? totalOf(q) : 0;
  const qAvail = ratio(q?.ok ?? 0, quotes);
  components.push(
    component(
      "quote-availability",
      "Quote availability (stale allowed)",
      quotes > 0 ? qAvail : null,
      "ratio",
      w.quoteAvailability * clamp(qAvail, 0, 1),
      w.quoteAvailability,
      quotes > 0
        ? `${q!.ok} of ${quotes} quote requests during overload got a valid quote (a cached one up to 30 s old counts): ${pct(qAvail)}.`
        : "No quote request completed during overload.",
    ),
  );

  const len = recovery ? recovery.end - recovery.start : 0;
  // Under --scale the recovery phase shrinks; the window shrinks with it (at most a third of it).
  const window = Math.max(1, Math.min(def.recoveryWindowSeconds ?? 5, Math.floor(len / 3)));
  const ttr = recovery ? timeToRecover(def, entry, recovery, window) : null;
  const span = Math.max(1, len - window);
  components.push(
    component(
      "time-to-recover",
      "Time to recover the SLO",
      ttr,
      "s",
      ttr === null ? 0 : w.recovery * clamp(1 - ttr / span, 0, 1),
      w.recovery,
      ttr === null
        ? `The SLO was never met for ${window} consecutive seconds during the ${fmt(len)} s recovery phase.`
        : `${fmt(ttr)} s into the recovery phase the SLO held for ${window} consecutive seconds; points fall linearly to 0 at ${fmt(span)} s.`,
    ),
  );

  const restarts = Math.max(0, entry.restarts);
  // An app that served nothing good earns nothing for not restarting (a dead app never restarts).
  const servedAny = entry.phases.some((p) => p.counts.ok > 0);
  components.push(
    component(
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
    ),
  );
  return total(components, "points");
}
