/**
 * The raw measurements a run was scored from, as the run record carries them (`measurements`), so
 * that publish can recompute the score with its own scoring code instead of believing the number.
 * Compact: per-second samples as columns, holding only what the scoring functions read (requests
 * completed, ok, dropped, p99, probe, scrape), and the reference's phases (all scoring reads of it).
 */
import { z } from "zod";
import {
  totalOf,
  type FaultWindow,
  type Measurements,
  type OutcomeCounts,
  type PhaseStats,
} from "../scoring/measurements.ts";

// Not imported from run-record.ts, which imports this file: the caps are the record's own.
const MAX_POINTS = 3600;
const MAX_FAULTS = 256;
const MAX_PHASES = 64;

const finite = z.number().finite();
const count = finite.nonnegative();
const column = <T extends z.ZodType>(t: T) => z.array(t).max(MAX_POINTS);

/** One fault as it happened (scoring's FaultWindow): the run record's `faults` and the measurements'. */
export const faultSchema = z.strictObject({
  action: z.string().max(60),
  target: z.string().max(60),
  /** Seconds from the run's load start. */
  start: finite.nonnegative(),
  end: finite.nonnegative(),
  params: z.record(z.string().max(60), z.union([z.string().max(200), finite, z.boolean()])).optional(),
}) satisfies z.ZodType<FaultWindow>;

const countsSchema = z.strictObject({
  ok: count,
  fast_fail: count,
  http_error: count,
  wrong_body: count,
  timeout: count,
  conn_error: count,
});

/** One load phase's aggregates, exactly as scoring receives them. */
export const phaseStatsSchema = z.strictObject({
  name: z.string().max(60),
  start: finite.nonnegative(),
  end: finite.nonnegative(),
  targetRate: count,
  counts: countsSchema,
  byKind: z.strictObject({ echo: countsSchema, page: countsSchema, quote: countsSchema }),
  dropped: count,
  p50: finite.nullable(),
  p95: finite.nullable(),
  p99: finite.nullable(),
  cpuSeconds: finite.nullable(),
});

const samplesSchema = z
  .strictObject({
    t: column(finite),
    /** Requests completed in the interval (every outcome). */
    total: column(count),
    ok: column(count),
    dropped: column(count),
    p99: column(finite.nullable()),
    probeUp: column(finite.nullable()),
    loadScraped: column(z.boolean().nullable()),
  })
  .refine((s) => new Set(Object.values(s).map((v) => v.length)).size <= 1, {
    message: "all sample columns must have the same length",
  });

/** The entry's load: what `scoreRun` takes as `entry`. */
export const entryLoadSchema = z.strictObject({
  stepSeconds: z.number().int().min(1).max(5),
  duration: count,
  restarts: z.number().int().nonnegative(),
  phases: z.array(phaseStatsSchema).max(MAX_PHASES),
  faults: z.array(faultSchema).max(MAX_FAULTS),
  samples: samplesSchema,
});

export const measurementsRecordSchema = z.strictObject({
  /** Null when no load ran (failed gate, no calibration). */
  entry: entryLoadSchema.nullable(),
  /** The reference app's calibration phases; null when none ran. */
  reference: z.strictObject({ phases: z.array(phaseStatsSchema).max(MAX_PHASES) }).nullable(),
});
export type MeasurementsRecord = z.infer<typeof measurementsRecordSchema>;

/** The record's block for one run's entry and reference measurements. */
export function compactMeasurements(
  entry: Measurements | null,
  reference: Measurements | null,
): MeasurementsRecord {
  return {
    entry: entry && {
      stepSeconds: entry.stepSeconds,
      duration: entry.duration,
      restarts: entry.restarts,
      phases: entry.phases,
      faults: entry.faults,
      samples: {
        t: entry.samples.map((s) => s.t),
        // The same sum the charts' rps column is drawn with (harness/record-build.ts).
        total: entry.samples.map((s) => totalOf(s.counts)),
        ok: entry.samples.map((s) => s.counts.ok),
        dropped: entry.samples.map((s) => s.dropped),
        p99: entry.samples.map((s) => s.p99),
        probeUp: entry.samples.map((s) => s.probeUp),
        loadScraped: entry.samples.map((s) => s.loadScraped ?? null),
      },
    },
    reference: reference && { phases: reference.phases },
  };
}

const counts = (ok: number, notOk: number): OutcomeCounts => ({
  ok,
  fast_fail: 0,
  // Scoring reads a second's counts only as "ok" and "everything": the rest is one bucket.
  http_error: notOk,
  wrong_body: 0,
  timeout: 0,
  conn_error: 0,
});

/** Scoring's input back from the block: `scoreRun` gives the same result as on the original. */
export function expandMeasurements(b: MeasurementsRecord): {
  entry: Measurements | null;
  reference: Measurements | null;
} {
  const e = b.entry;
  const entry: Measurements | null = e && {
    stepSeconds: e.stepSeconds,
    duration: e.duration,
    restarts: e.restarts,
    phases: e.phases as PhaseStats[],
    faults: e.faults,
    samples: e.samples.t.map((t, i) => ({
      t,
      counts: counts(e.samples.ok[i]!, Math.max(0, e.samples.total[i]! - e.samples.ok[i]!)),
      dropped: e.samples.dropped[i]!,
      p50: null,
      p95: null,
      p99: e.samples.p99[i]!,
      probeUp: e.samples.probeUp[i]!,
      loadScraped: e.samples.loadScraped[i]!,
      cpu: null,
      memory: null,
    })),
  };
  const r = b.reference;
  const end = r ? Math.max(0, ...r.phases.map((p) => p.end)) : 0;
  const reference: Measurements | null = r && {
    stepSeconds: 1,
    duration: end,
    restarts: 0,
    phases: r.phases as PhaseStats[],
    faults: [],
    samples: [],
  };
  return { entry, reference };
}
