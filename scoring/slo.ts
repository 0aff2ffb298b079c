/**
 * SLO checks shared by the three challenges, and the step-search capacity (robust-service's
 * score and every challenge's calibration). Pure; every ratio is NaN-free (0/0 is handled).
 */
import type { ChallengeDef, Slo } from "./challenge-schema.ts";
import { totalOf, type OutcomeCounts, type PhaseStats } from "./measurements.ts";

/** a / b, or `empty` when b is 0 or either is not finite. */
export function ratio(a: number, b: number, empty = 0): number {
  return b > 0 && Number.isFinite(a) && Number.isFinite(b) ? a / b : empty;
}

/** Share of completed requests that were not `ok` (every other outcome is an error). */
export function errorRatio(c: OutcomeCounts): number {
  const total = totalOf(c);
  return ratio(total - c.ok, total);
}

/** Share of iterations dropped by the load generator, over everything it meant to send. */
export function droppedRatio(c: OutcomeCounts, dropped: number): number {
  return ratio(dropped, totalOf(c) + dropped);
}

/** Why an interval missed the SLO, or null when it met it. No traffic at all is a miss. */
export function sloMiss(slo: Slo, counts: OutcomeCounts, dropped: number, p99: number | null): string | null {
  const total = totalOf(counts);
  if (total === 0) return dropped > 0 ? "every request was dropped" : "no completed request";
  const e = errorRatio(counts);
  if (e > slo.maxErrorRate)
    return `errors ${(e * 100).toFixed(1)}% > ${(slo.maxErrorRate * 100).toFixed(1)}%`;
  const d = droppedRatio(counts, dropped);
  if (d > slo.maxDroppedRate)
    return `dropped ${(d * 100).toFixed(1)}% > ${(slo.maxDroppedRate * 100).toFixed(1)}%`;
  // A missing p99 with traffic means Prometheus had no histogram: the SLO cannot be shown met.
  if (p99 === null) return "no latency data";
  if (p99 > slo.p99Ms) return `p99 ${p99.toFixed(0)} ms > ${slo.p99Ms} ms`;
  return null;
}

/** True when one load phase (a step) met the challenge's SLO. Used by the harness to stop early. */
export function stageWithinSlo(def: ChallengeDef, phase: PhaseStats): boolean {
  return sloMiss(def.slo, phase.counts, phase.dropped, phase.p99) === null;
}

/** Achieved ok requests per second of a phase. */
export function okRate(phase: PhaseStats): number {
  return ratio(phase.counts.ok, phase.end - phase.start);
}

export interface StepSearch {
  /** Index (in `phases`) of the highest step sustained within SLO, or -1. */
  capacityIndex: number;
  /** Achieved ok req/s of that step; 0 when none. */
  capacity: number;
  /** Indexes of the steps within SLO that count (those before the search stopped). */
  withinSlo: number[];
}

/**
 * Walks the steps in order; the search ends at the first run of `stopAfter` consecutive steps out
 * of SLO (the harness stops the load there too). The capacity is the achieved ok req/s of the
 * highest step within SLO before that point — a single blip below it does not end the search.
 */
export function stepSearch(def: ChallengeDef, phases: PhaseStats[]): StepSearch {
  const stopAfter = def.stopAfterFailedSteps ?? 2;
  const withinSlo: number[] = [];
  let failedInARow = 0;
  for (const [i, p] of phases.entries()) {
    if (stageWithinSlo(def, p)) {
      withinSlo.push(i);
      failedInARow = 0;
    } else if (++failedInARow >= stopAfter) break;
  }
  let capacityIndex = -1;
  let capacity = 0;
  for (const i of withinSlo) {
    const r = okRate(phases[i]!);
    if (r >= capacity) {
      capacity = r;
      capacityIndex = i;
    }
  }
  return { capacityIndex, capacity, withinSlo };
}

/** The reference app's capacity (req/s) from its calibration load; 0 when it sustained no step. */
export function referenceCapacity(def: ChallengeDef, reference: { phases: PhaseStats[] }): number {
  return stepSearch(def, reference.phases).capacity;
}
