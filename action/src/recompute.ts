/**
 * Publish's own score: the artifact's record says what it scored, but a hostile PR can write any
 * number. The score is computed again here, from the record's raw measurements, by the scoring code
 * of the commit publish runs from; a record whose figures do not follow from its measurements is
 * refused, and a run that failed verification or was judged invalid scores 0 whatever it says.
 */
import { expandMeasurements } from "../../record/measurements-record.ts";
import type { RunRecord } from "../../record/run-record.ts";
import type { ChallengeDef } from "../../scoring/challenge-schema.ts";
import { scoreRun } from "../../scoring/score.ts";
import { referenceCapacity } from "../../scoring/slo.ts";
import { totalOf } from "../../scoring/measurements.ts";

/** The record rounds points and the score to 0.01; anything further apart was not computed here. */
export const SCORE_TOLERANCE = 0.011;

/** A record whose score this code does not reproduce. */
export class ScoreMismatchError extends Error {
  constructor(message: string) {
    super(`score refused: ${message}`);
    this.name = "ScoreMismatchError";
  }
}

/** Whether the record is a run that may earn points at all (verified, and not judged invalid). */
export const mayScore = (r: RunRecord) => r.verification.passed && r.integrity?.valid !== false;

/** The record with every point taken away: what a failed or invalid run publishes. */
export function zeroed(r: RunRecord): RunRecord {
  return { ...r, score: 0, components: r.components.map((c) => ({ ...c, points: 0 })) };
}

const far = (a: number, b: number) => !(Math.abs(a - b) <= SCORE_TOLERANCE);

/** The first series column that is not what the harness draws from the samples, or null. */
function seriesMismatch(r: RunRecord): string | null {
  const smp = r.measurements?.entry?.samples;
  if (!smp) return null;
  const v = r.series.values;
  const want: [string, readonly (number | null)[] | undefined, (i: number) => number | null][] = [
    ["rps", v.rps, (i) => smp.total[i]!],
    ["errors", v.errors, (i) => smp.total[i]! - smp.ok[i]!],
    ["dropped", v.dropped, (i) => smp.dropped[i]!],
    ["availability", v.availability, (i) => smp.probeUp[i]!],
  ];
  for (const [name, col, of] of want) {
    if (col === undefined) return `series.${name} is missing`;
    if (col.length !== smp.t.length)
      return `series.${name} has ${col.length} points, the samples ${smp.t.length}`;
    const i = col.findIndex((x, k) => x !== of(k));
    if (i >= 0) return `series.${name}[${i}] is ${col[i]}, the samples say ${of(i)}`;
  }
  return null;
}

/**
 * The record to publish: zeroed when it may not score, else the record itself once its score and
 * every component's points are recomputed from `measurements` and agree, carrying the recomputed
 * score and components. Throws ScoreMismatchError.
 */
export function verifiedRecord(def: ChallengeDef, r: RunRecord): RunRecord {
  if (def.id !== r.challenge) throw new Error(`challenge ${def.id} given for a ${r.challenge} run`);
  // A test-only shortcut (harness/recorded-reference.ts): another run's reference is no calibration of this one.
  if (r.provenance.referenceRecordedFrom !== undefined)
    throw new ScoreMismatchError(
      `the reference was not measured in this run (provenance.referenceRecordedFrom: ${r.provenance.referenceRecordedFrom}, a test-only shortcut); run the entry again`,
    );
  if (!mayScore(r)) return zeroed(r);
  if (!r.measurements) {
    throw new ScoreMismatchError(
      "the record carries no measurements to recompute its score from (written by an older harness); run the entry again",
    );
  }
  const { entry, reference } = expandMeasurements(r.measurements);
  const checked = entry ? entry.phases.reduce((s, p) => s + totalOf(p.counts), 0) : 0;
  const failed = entry ? entry.phases.reduce((s, p) => s + p.counts.wrong_body, 0) : 0;
  const during = r.verification.duringLoad;
  if (during.checked !== checked || during.failed !== failed) {
    throw new ScoreMismatchError(
      `verification.duringLoad says ${during.failed} of ${during.checked} bodies were wrong, the measurements ${failed} of ${checked}`,
    );
  }
  const cal = r.provenance.calibration?.referenceCapacityRps;
  if (cal !== undefined && reference && Math.abs(cal - referenceCapacity(def, reference)) > 0.051) {
    throw new ScoreMismatchError(
      `provenance.calibration says ${cal} req/s, the reference's measurements ${referenceCapacity(def, reference).toFixed(1)}`,
    );
  }
  const drawn = seriesMismatch(r);
  if (drawn) throw new ScoreMismatchError(`the charts do not show the measurements: ${drawn}`);
  const ours = scoreRun(def, entry, reference, {
    passed: true,
    wrongBodyRatio: checked ? failed / checked : 0,
  });
  const problems: string[] = [];
  if (far(ours.score, r.score)) problems.push(`score ${r.score}, recomputed ${ours.score}`);
  if (ours.scoreUnit !== r.scoreUnit) problems.push(`unit ${r.scoreUnit}, recomputed ${ours.scoreUnit}`);
  const theirs = new Map(r.components.map((c) => [c.id, c]));
  if (theirs.size !== ours.components.length || r.components.length !== ours.components.length)
    problems.push(`${r.components.length} components, recomputed ${ours.components.length}`);
  for (const c of ours.components) {
    const t = theirs.get(c.id);
    if (!t) problems.push(`component ${c.id} is missing`);
    else if (far(t.points, c.points) || far(t.maxPoints, c.maxPoints))
      problems.push(
        `${c.id}: ${t.points} of ${t.maxPoints} points, recomputed ${c.points} of ${c.maxPoints}`,
      );
  }
  if (problems.length) {
    throw new ScoreMismatchError(
      `the record's figures do not follow from its measurements: ${problems.slice(0, 8).join("; ")}`,
    );
  }
  // Ours, not theirs: labels and explanations too are this code's words.
  return { ...r, score: ours.score, components: ours.components };
}
