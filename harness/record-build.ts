/** Assembles the run record from what was measured and scored. Pure: no I/O, no clock. */
import {
  RECORD_LIMITS,
  SCHEMA_VERSION,
  type Check,
  type ChallengeId,
  type Component,
  type Integrity,
  type Ladder,
  type Provenance,
  type RunRecord,
  type Series,
} from "../record/run-record.ts";
import { compactMeasurements } from "../record/measurements-record.ts";
import type { EntryFailure } from "../record/failure.ts";
import { totalOf, type Measurements } from "../scoring/measurements.ts";
import { verdict } from "./integrity.ts";

const round = (x: number | null, d = 2): number | null =>
  x === null || !Number.isFinite(x) ? null : Number(x.toFixed(d));

/** The per-second columns the charts draw, from the scoring input. */
export function seriesOf(m: Measurements, start: string): Series {
  const s = m.samples;
  return {
    stepSeconds: 1,
    start,
    values: {
      rps: s.map((x) => totalOf(x.counts)),
      p50: s.map((x) => round(x.p50)),
      p95: s.map((x) => round(x.p95)),
      p99: s.map((x) => round(x.p99)),
      errors: s.map((x) => totalOf(x.counts) - x.counts.ok),
      dropped: s.map((x) => x.dropped),
      availability: s.map((x) => x.probeUp),
      cpu: s.map((x) => round(x.cpu, 3)),
      memory: s.map((x) => round(x.memory, 1)),
    },
  };
}

/** Responses checked during load (every completed request) and those with a wrong body. */
export function loadChecks(m: Measurements | null): { checked: number; failed: number } {
  if (!m) return { checked: 0, failed: 0 };
  return {
    checked: m.phases.reduce((s, p) => s + totalOf(p.counts), 0),
    failed: m.phases.reduce((s, p) => s + p.counts.wrong_body, 0),
  };
}

export interface RecordInput {
  runId: string;
  login: string;
  challenge: ChallengeId;
  description: string | null;
  startedAt: string;
  finishedAt: string;
  score: number;
  scoreUnit: "points" | "seconds";
  components: Component[];
  checks: Check[];
  verificationPassed: boolean;
  measurements: Measurements | null;
  /** The reference's calibration load the score was computed against; null when none ran. */
  reference?: Measurements | null;
  loadStart: string;
  provenance: Provenance;
  /** The plausibility checks' verdict on every load of the run (harness/integrity.ts). */
  integrity: Integrity;
  /** Why the entry never became healthy (record/failure.ts), when it did not. */
  failure?: EntryFailure;
  /** The step ladder's trials, when one ran. */
  ladder?: Ladder;
}

const NO_REASON = "the run was marked invalid without a reason";

/**
 * An invalid run's components keep what was measured (value, explanation) for diagnosis, but earn
 * nothing: the score stays the sum of the points, and that sum is 0.
 */
function invalidated(c: Component): Component {
  const note = `Invalid run, so 0 points (the measurements would have earned ${c.points.toFixed(2)}). `;
  return { ...c, points: 0, explanation: (note + c.explanation).slice(0, RECORD_LIMITS.maxText) };
}

/** The run record of one run, from what was measured and scored; score 0 unless verified and valid. */
export function buildRecord(i: RecordInput): RunRecord {
  const m = i.measurements;
  // The problems decide (capped to the schema's sizes); "invalid" with no reason still says so.
  const problems = i.integrity.problems.length || i.integrity.valid ? i.integrity.problems : [NO_REASON];
  const integrity = verdict(problems);
  const counts = i.verificationPassed && integrity.valid;
  return {
    schemaVersion: SCHEMA_VERSION,
    runId: i.runId,
    login: i.login,
    challenge: i.challenge,
    description: i.description,
    startedAt: i.startedAt,
    finishedAt: i.finishedAt,
    score: counts ? Math.max(0, Number(i.score.toFixed(2))) : 0,
    scoreUnit: i.scoreUnit,
    components: i.components
      .map((c) => ({
        ...c,
        points: Number(c.points.toFixed(2)),
        value: round(c.value, 3),
      }))
      .map((c) => (integrity.valid ? c : invalidated(c))),
    verification: { passed: i.verificationPassed, checks: i.checks, duringLoad: loadChecks(m) },
    phases: (m?.phases ?? []).map((p) => ({ name: p.name, start: p.start, end: p.end, rate: p.targetRate })),
    faults: (m?.faults ?? []).map((f) => ({
      ...f,
      start: Number(f.start.toFixed(2)),
      end: Number(f.end.toFixed(2)),
    })),
    restarts: m?.restarts ?? 0,
    series: m ? seriesOf(m, i.loadStart) : { stepSeconds: 1, start: i.loadStart, values: {} },
    provenance: i.provenance,
    integrity,
    // Unrounded: publish recomputes the score from exactly what the harness scored.
    measurements: compactMeasurements(m, i.reference ?? null),
    ...(i.failure ? { failure: i.failure } : {}),
    ...(i.ladder ? { ladder: i.ladder } : {}),
  };
}
