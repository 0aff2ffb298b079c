/**
 * The scoring entry point: one call per run, dispatching on the challenge. Pure: measurements in,
 * score and named components out.
 */
import type { ChallengeDef } from "./challenge-schema.ts";
import { component, total, type ScoreResult } from "./components.ts";
import { scoreGracefulDegradation } from "./graceful-degradation.ts";
import { scoreLongestUpkeep } from "./longest-upkeep.ts";
import type { Measurements } from "./measurements.ts";
import { scoreRobustService } from "./robust-service.ts";

export type { ScoreResult } from "./components.ts";

/** Above this share of wrong bodies during load, the run fails verification outright. */
export const WRONG_BODY_FAIL_RATIO = 0.5;

export interface VerificationSummary {
  /** The gate before load passed. */
  passed: boolean;
  /** Share of responses checked during load whose body was wrong (0..1). */
  wrongBodyRatio: number;
}

/** The components each challenge reports, in order (ids and labels), for runs that could not be scored. */
export const COMPONENT_NAMES: Record<ChallengeDef["id"], [string, string, string][]> = {
  "robust-service": [
    ["capacity", "Capacity within SLO", "capacity"],
    ["p99-at-half-capacity", "p99 at half capacity", "latency"],
    ["efficiency", "Efficiency", "efficiency"],
    ["errors", "Errors within SLO steps", "errors"],
  ],
  "graceful-degradation": [
    ["answered-in-time", "Answered in time under overload", "answeredInTime"],
    ["goodput", "Goodput under overload", "goodput"],
    ["quote-availability", "Quote availability (stale allowed)", "quoteAvailability"],
    ["time-to-recover", "Time to recover the SLO", "recovery"],
    ["restarts", "Restarts", "restarts"],
  ],
  "longest-upkeep": [
    ["longest-streak", "Longest up streak", ""],
    ["availability", "Availability", ""],
    ["mean-time-to-recover", "Mean time to recover per fault", ""],
    ["faults-survived", "Faults survived without a breach", ""],
    ["restarts", "Restarts", ""],
  ],
};

/** Score 0 with every component at 0 points, each saying why. */
export function zeroScore(def: ChallengeDef, why: string): ScoreResult {
  const unit = def.id === "longest-upkeep" ? "seconds" : "points";
  return total(
    COMPONENT_NAMES[def.id].map(([id, label, weight]) =>
      component(id, label, null, "", 0, weight ? (def.weights[weight] ?? 0) : 0, why),
    ),
    unit,
  );
}

/**
 * Scores one run. `entry` is null when no load ran (failed gate); `reference` is url-anvil's
 * calibration load from the same run (null when none ran: relative components earn 0, and the
 * harness marks such a run invalid; there is no default capacity, see docs/CHALLENGES.md).
 */
export function scoreRun(
  def: ChallengeDef,
  entry: Measurements | null,
  reference: Measurements | null,
  verification: VerificationSummary,
): ScoreResult {
  if (!verification.passed)
    return zeroScore(def, "Verification failed before load (see the checks), so every component scores 0.");
  const wrong = Number.isFinite(verification.wrongBodyRatio) ? verification.wrongBodyRatio : 0;
  if (wrong > WRONG_BODY_FAIL_RATIO)
    return zeroScore(
      def,
      `${(wrong * 100).toFixed(1)}% of the bodies checked during load were wrong (over ${WRONG_BODY_FAIL_RATIO * 100}%), so verification failed and every component scores 0.`,
    );
  if (!entry) return zeroScore(def, "No load was measured, so every component scores 0.");
  switch (def.id) {
    case "robust-service":
      return scoreRobustService(def, entry, reference);
    case "graceful-degradation":
      return scoreGracefulDegradation(def, entry, reference);
    case "longest-upkeep":
      return scoreLongestUpkeep(def, entry);
  }
}
