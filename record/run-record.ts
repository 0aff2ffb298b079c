/**
 * The run record (docs/ARCHITECTURE.md): one JSON document per run, validated by this one schema when it is
 * written (harness), when it is read (site, publisher) and when it arrives as an artifact.
 */
import { z } from "zod";
import { faultSchema, measurementsRecordSchema } from "./measurements-record.ts";
import { failureSchema } from "./failure.ts";

export const SCHEMA_VERSION = 1 as const;

export const CHALLENGE_IDS = ["robust-service", "graceful-degradation", "longest-upkeep"] as const;
export type ChallengeId = (typeof CHALLENGE_IDS)[number];

/** GitHub login rules: 1–39 chars, alphanumeric or single hyphens, no leading/trailing hyphen. */
export const LOGIN_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

/** Caps that keep a forged or runaway record from bloating the results branch or the site. */
export const RECORD_LIMITS = {
  maxBytes: 2 * 1024 * 1024,
  maxSeriesPoints: 3600,
  maxComponents: 32,
  maxChecks: 64,
  maxFaults: 256,
  maxText: 2000,
  /** Problems kept in `integrity.problems` (the harness folds the rest into the last line). */
  maxIntegrityProblems: 32,
  /** Length of one problem sentence. */
  maxProblemText: 300,
} as const;

const text = z.string().max(RECORD_LIMITS.maxText);
const isoTime = z.iso.datetime({ offset: true });
const finite = z.number().finite();

export const componentSchema = z.strictObject({
  /** Stable machine name, e.g. `capacity`. */
  id: z.string().regex(/^[a-z][a-z0-9-]{0,40}$/),
  label: text,
  /** The measured figure behind the points, in `unit`. `null` when nothing could be measured. */
  value: finite.nullable(),
  unit: z.string().max(32),
  /** Points earned; the score is the sum of every component's points. */
  points: finite,
  /** Points available at the reference level (a component may exceed it, e.g. capacity above the reference). */
  maxPoints: finite,
  /** One sentence on how the points were earned or lost. */
  explanation: text,
});
export type Component = z.infer<typeof componentSchema>;

export const checkSchema = z.strictObject({
  name: z.string().max(100),
  passed: z.boolean(),
  detail: text,
});
export type Check = z.infer<typeof checkSchema>;

export type Fault = z.infer<typeof faultSchema>;

export const phaseSchema = z.strictObject({
  name: z.string().max(60),
  start: finite.nonnegative(),
  end: finite.nonnegative(),
  /** Target request rate at the end of the phase (req/s), when the phase has one. */
  rate: finite.nonnegative().optional(),
});
export type Phase = z.infer<typeof phaseSchema>;

/** Names of the per-interval series the charts draw. Values are `null` where Prometheus had no data. */
export const SERIES_NAMES = [
  "rps",
  "p50",
  "p95",
  "p99",
  "errors",
  "dropped",
  "availability",
  "cpu",
  "memory",
] as const;
export type SeriesName = (typeof SERIES_NAMES)[number];

export const seriesSchema = z
  .strictObject({
    /** Seconds between two points (1–5). */
    stepSeconds: z.number().int().min(1).max(5),
    /** Wall-clock time of point 0, which is also t=0 for phases and faults. */
    start: isoTime,
    /** Columns, all of the same length: rps (req/s), p50/p95/p99 (ms), errors (req/s), dropped (iter/s),
     * availability (0..1, blackbox probe), cpu (cores used by the entry), memory (MiB). */
    values: z.partialRecord(
      z.enum(SERIES_NAMES),
      z.array(finite.nullable()).max(RECORD_LIMITS.maxSeriesPoints),
    ),
  })
  .refine((s) => new Set(Object.values(s.values).map((v) => v?.length)).size <= 1, {
    message: "all series columns must have the same length",
  });
export type Series = z.infer<typeof seriesSchema>;

export const provenanceSchema = z.strictObject({
  repository: z.string().max(200).nullable(),
  pullRequest: z.number().int().positive().nullable(),
  headSha: z
    .string()
    .regex(/^[0-9a-f]{40}$/)
    .nullable(),
  workflowRunId: z.number().int().positive().nullable(),
  workflowRunAttempt: z.number().int().positive().nullable(),
  harnessVersion: z.string().max(40),
  harnessCommit: z.string().max(40).nullable(),
  entryImageDigest: z.string().max(100).nullable(),
  loadGenerator: z.string().max(100),
  prometheusVersion: z.string().max(40).nullable(),
  cpuModel: z.string().max(200),
  cpuCount: z.number().int().positive(),
  /** Which CPUs the entry and the load generator were pinned to ("0", "1", "shared"). */
  cpuPlacement: z.strictObject({ entry: z.string().max(40), load: z.string().max(40) }),
  /** Reference-app figures measured in the same run (robust-service), keyed by name. */
  calibration: z.record(z.string().max(60), finite).nullable(),
  /**
   * Set only by the test-only recorded reference (harness/recorded-reference.ts): the run whose
   * reference measurements this run reused instead of measuring its own. Never published.
   */
  referenceRecordedFrom: z.string().max(40).optional(),
  scale: z.number().positive().max(10),
  local: z.boolean(),
});
export type Provenance = z.infer<typeof provenanceSchema>;

/**
 * The platform's verdict on its own measurements of a run: `valid` false when they do not add up
 * (more responses than requests sent, CPU above the limit, missing seconds, a load cut short, a
 * calibration that measured nothing). An invalid run scores 0 and says why, one sentence each.
 */
export const integritySchema = z
  .strictObject({
    valid: z.boolean(),
    problems: z
      .array(z.string().min(1).max(RECORD_LIMITS.maxProblemText))
      .max(RECORD_LIMITS.maxIntegrityProblems),
    /**
     * What qualifies the figures without making them wrong: the platform's own load path fell behind
     * (its load generator starved of CPU), so those seconds may show the machine, not the entry.
     */
    cautions: z
      .array(z.string().min(1).max(RECORD_LIMITS.maxProblemText))
      .max(RECORD_LIMITS.maxIntegrityProblems)
      .optional(),
  })
  .refine((i) => i.valid === (i.problems.length === 0), {
    message: "a run is valid exactly when it has no problems",
  });
export type Integrity = z.infer<typeof integritySchema>;

/**
 * One step of a step ladder with every trial of it (harness/step-ladder.ts): the spread behind the
 * kept figure. A step that failed or passed close to the SLO was tried again; the majority decided.
 */
export const ladderStepSchema = z
  .strictObject({
    /** `sink`: the load path's control, a null app sent the step the entry could not hold. */
    app: z.enum(["entry", "reference", "sink"]),
    step: z.string().max(40),
    /** Target rate of the step (req/s). */
    rate: finite.nonnegative(),
    trials: z
      .array(
        z.strictObject({
          /** Seconds from the ladder's first trial to this one's start: shows the apps' turns. */
          at: finite.nonnegative(),
          okRps: finite.nonnegative(),
          p99Ms: finite.nullable(),
          withinSlo: z.boolean(),
        }),
      )
      .min(1)
      .max(5),
    /** Index of the trial that stands for the step (its figures are in the series and the score). */
    kept: z.number().int().min(0).max(4),
  })
  .refine((s) => s.kept < s.trials.length, { message: "kept must index one of the trials" });
export type LadderStep = z.infer<typeof ladderStepSchema>;

export const ladderSchema = z.strictObject({
  /** True when the entry and the reference took turns step by step in this run. */
  interleaved: z.boolean(),
  steps: z.array(ladderStepSchema).max(128),
});
export type Ladder = z.infer<typeof ladderSchema>;

export const runRecordSchema = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  /** `<UTC yyyymmddThhmmssZ>-<8 hex>`: sortable and unique; also the file name on the results branch. */
  runId: z.string().regex(/^\d{8}T\d{6}Z-[0-9a-f]{8}$/),
  login: z.string().regex(LOGIN_PATTERN),
  challenge: z.enum(CHALLENGE_IDS),
  description: text.nullable(),
  startedAt: isoTime,
  finishedAt: isoTime,
  /** Sum of the components' points; 0 when verification failed or the run is invalid. */
  score: finite.nonnegative(),
  scoreUnit: z.enum(["points", "seconds"]),
  components: z.array(componentSchema).max(RECORD_LIMITS.maxComponents),
  verification: z.strictObject({
    passed: z.boolean(),
    checks: z.array(checkSchema).max(RECORD_LIMITS.maxChecks),
    /** Responses checked during load and how many had a wrong body. */
    duringLoad: z.strictObject({
      checked: z.number().int().nonnegative(),
      failed: z.number().int().nonnegative(),
    }),
  }),
  phases: z.array(phaseSchema).max(32),
  faults: z.array(faultSchema).max(RECORD_LIMITS.maxFaults),
  restarts: z.number().int().nonnegative(),
  series: seriesSchema,
  provenance: provenanceSchema,
  /** Written on every new record; absent in records from before it existed (read as not checked). */
  integrity: integritySchema.optional(),
  /**
   * What the score was computed from, so publish can compute it again with its own scoring code.
   * Absent in records from before it existed: publish refuses those.
   */
  measurements: measurementsRecordSchema.optional(),
  /** Why the entry never became healthy (record/failure.ts); absent when it did. */
  failure: failureSchema.optional(),
  /** The step ladder's trials, step by step (robust-service and every calibration); absent: none ran. */
  ladder: ladderSchema.optional(),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

/** Why a record was refused, with the path of every offending field. */
export class RecordError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: invalid run record:\n  - ${problems.join("\n  - ")}`);
    this.name = "RecordError";
  }
}

/** Parses and validates a run record from JSON text; throws RecordError naming the source and fields. */
export function parseRunRecord(json: string, source: string): RunRecord {
  if (Buffer.byteLength(json, "utf8") > RECORD_LIMITS.maxBytes) {
    throw new RecordError(source, [`larger than ${RECORD_LIMITS.maxBytes} bytes`]);
  }
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (e) {
    throw new RecordError(source, [`not JSON: ${(e as Error).message}`]);
  }
  return validateRunRecord(data, source);
}

/** Validates an already-parsed value as a run record. */
export function validateRunRecord(data: unknown, source: string): RunRecord {
  const r = runRecordSchema.safeParse(data);
  if (!r.success) {
    throw new RecordError(
      source,
      r.error.issues.slice(0, 20).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`),
    );
  }
  return r.data;
}

/** Serializes a record after validating it, so nothing invalid is ever written. */
export function serializeRunRecord(record: RunRecord, source = "run record"): string {
  const valid = validateRunRecord(record, source);
  const json = JSON.stringify(valid, null, 2) + "\n";
  if (Buffer.byteLength(json, "utf8") > RECORD_LIMITS.maxBytes) {
    throw new RecordError(source, [`larger than ${RECORD_LIMITS.maxBytes} bytes`]);
  }
  return json;
}
