/**
 * Repeated trials of one step of a step search. A single short step decides a capacity, and one
 * unlucky second (a garbage collection, a late scrape, a busy neighbour) can fail it: a step that
 * misses the SLO or passes close to it is run again, up to the challenge's `steps.trials`, and the
 * majority decides. The trial kept for the record and the score is the median (by p99) of the
 * majority. Pure: the harness runs the trials.
 */
import type { ChallengeDef, StepsDef } from "./challenge-schema.ts";
import type { PhaseStats } from "./measurements.ts";
import { stageWithinSlo } from "./slo.ts";

/** What a trial is judged by. */
export interface TrialVerdict {
  within: boolean;
  /** p99 in ms; null when there was no latency data. */
  p99: number | null;
  /** Met the SLO, but with a p99 at or above `retryAbove` × the SLO's bound. */
  near: boolean;
}

export type StepDecision =
  | { decided: false }
  /** `kept`: index (into the trials) of the trial that stands for the step. */
  | { decided: true; within: boolean; kept: number };

/** How one trial of a step went, for `decideStep`. */
export function judgeTrial(
  def: ChallengeDef,
  steps: Pick<StepsDef, "retryAbove">,
  phase: PhaseStats,
): TrialVerdict {
  const within = stageWithinSlo(def, phase);
  const near = within && phase.p99 !== null && phase.p99 >= steps.retryAbove * def.slo.p99Ms;
  return { within, p99: phase.p99, near };
}

/** The median (by p99, missing last) of the trials at `indexes`; the lower one of an even count. */
function medianByP99(trials: readonly TrialVerdict[], indexes: number[]): number {
  const key = (i: number) => trials[i]!.p99 ?? Infinity;
  const sorted = [...indexes].sort((a, b) => key(a) - key(b) || a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/**
 * Whether the trials so far decide the step. A clear pass decides at once; otherwise the step is
 * decided once a majority of `maxTrials` agrees (or every trial has run).
 */
export function decideStep(trials: readonly TrialVerdict[], maxTrials: number): StepDecision {
  if (trials.length === 0) return { decided: false };
  if (trials.length === 1 && trials[0]!.within && !trials[0]!.near)
    return { decided: true, within: true, kept: 0 };
  const pass = trials.flatMap((t, i) => (t.within ? [i] : []));
  const fail = trials.flatMap((t, i) => (t.within ? [] : [i]));
  const majority = Math.floor(maxTrials / 2) + 1;
  const done = pass.length >= majority || fail.length >= majority || trials.length >= maxTrials;
  if (!done) return { decided: false };
  const within = pass.length > fail.length;
  return { decided: true, within, kept: medianByP99(trials, within ? pass : fail) };
}
