/**
 * Turns a challenge definition into a concrete run plan: rates resolved to req/s (a `"kx"` rate
 * is k × the reference capacity the calibration measured), durations and offsets scaled by
 * `--scale`, faults clipped to the load. Pure: the harness executes the plan.
 */
import type { ChallengeDef, Executor, PhaseDef, Rate, StepsDef } from "./challenge-schema.ts";
import { INSTANT_ACTIONS } from "./challenge-schema.ts";

/** One stage of a load, ready for the load generator. */
export interface StagePlan {
  name: string;
  /** Seconds (whole). */
  duration: number;
  executor: Executor;
  /** Rate at the start of a ramping stage (req/s). */
  startRate?: number;
  /** Target rate (req/s): constant, or at the end of a ramp. */
  rate: number;
}

/** One fault of the chaos timeline, in seconds from the start of the entry's load. */
export interface PlannedFault {
  at: number;
  /** 0 for instantaneous actions (kill, restart). */
  duration: number;
  action: string;
  target: string;
  params: Record<string, string | number | boolean>;
}

export interface RunPlan {
  /** The reference app's load (calibration), or null when the challenge needs none. */
  calibration: StagePlan[] | null;
  stages: StagePlan[];
  faults: PlannedFault[];
  /** Seconds of the entry's load (sum of the stages). */
  duration: number;
  /** Per-request deadline (ms). */
  timeoutMs: number;
  maxInFlight: number;
  mix: { echo: number; page: number; quote: number };
  /** A 429/503 answered within this many ms is a fast-fail (graceful-degradation). */
  fastFailMs: number;
  /** The oldest quote that still counts as correct (seconds; the challenge's `quoteMaxAgeSeconds`). */
  quoteMaxAgeSeconds: number;
  /** The reference capacity the `"kx"` rates were resolved against (req/s); null before calibration. */
  referenceCapacity: number | null;
}

export interface PlanOptions {
  /** Multiplies every duration and offset (tests and quick local runs); 1 = full scale. */
  scale: number;
  /**
   * Measured by the calibration; null before it ran. A challenge whose rates are `"kx"` cannot be
   * planned without a positive one: there is no default capacity.
   */
  referenceCapacity: number | null;
}

export const FAST_FAIL_MS = 100;
/** Shortest phase under --scale. */
export const MIN_PHASE_SECONDS = 1;

function scaled(seconds: number, scale: number, min: number): number {
  return Math.max(min, Math.round(seconds * scale));
}

/** Resolves a rate to req/s; `"kx"` is k × capacity. Rounded to 0.1 req/s, at least 1. */
export function resolveRate(rate: Rate, capacity: number): number {
  const v = typeof rate === "number" ? rate : Number(rate.slice(0, -1)) * capacity;
  return Math.max(1, Math.round(v * 10) / 10);
}

/** The stages of a geometric step search. */
export function stepStages(steps: StepsDef, scale: number): StagePlan[] {
  const duration = scaled(steps.duration, scale, Math.max(MIN_PHASE_SECONDS, Math.ceil(steps.minDuration)));
  return Array.from({ length: steps.count }, (_, i) => ({
    name: `step-${String(i + 1).padStart(2, "0")}`,
    duration,
    executor: steps.executor,
    rate: Math.round(steps.startRate * steps.factor ** i),
  }));
}

/** The reference app's calibration stages at this scale (robust-service: the entry's own steps). */
export function calibrationStages(def: ChallengeDef, scale: number): StagePlan[] {
  const c = def.calibration;
  if (c.mode === "entry-steps" && def.steps) return stepStages(def.steps, scale);
  if (c.steps) return stepStages(c.steps, scale);
  throw new Error(`${def.id}: calibration has no steps`);
}

function phaseStages(phases: PhaseDef[], scale: number, capacity: number): StagePlan[] {
  return phases.map((p) => {
    const s: StagePlan = {
      name: p.name,
      duration: scaled(p.duration, scale, MIN_PHASE_SECONDS),
      executor: p.executor,
      rate: resolveRate(p.rate, capacity),
    };
    if (p.executor === "ramping-arrival-rate" && p.startRate !== undefined)
      s.startRate = resolveRate(p.startRate, capacity);
    return s;
  });
}

/** True when `capacity` is a measured reference capacity (finite, positive). */
export function isMeasuredCapacity(capacity: number | null): capacity is number {
  return capacity !== null && Number.isFinite(capacity) && capacity > 0;
}

/** Refused plans: a `"kx"` rate with no measured reference capacity to resolve it against. */
export class NoReferenceCapacityError extends Error {
  constructor(readonly challenge: string) {
    super(`${challenge}: its rates are multiples of the reference capacity, and none was measured`);
    this.name = "NoReferenceCapacityError";
  }
}

const usesCapacity = (def: ChallengeDef): boolean =>
  !def.steps && (def.phases ?? []).some((p) => typeof p.rate === "string" || typeof p.startRate === "string");

/** The load settings the reference's and the entry's loads share. */
const settings = (def: ChallengeDef) => ({
  timeoutMs: def.deadlineMs,
  maxInFlight: def.maxInFlight,
  mix: { ...def.mix },
  fastFailMs: FAST_FAIL_MS,
  quoteMaxAgeSeconds: def.quoteMaxAgeSeconds,
});

/**
 * What the reference's calibration load needs, before any capacity is known: its stages, and the
 * load settings the entry's load will share (deadline, in-flight bound, mix). No faults.
 */
export function planCalibration(def: ChallengeDef, scale: number): RunPlan {
  const stages = calibrationStages(def, scale);
  return {
    ...settings(def),
    calibration: stages,
    stages,
    faults: [],
    duration: stages.reduce((s, x) => s + x.duration, 0),
    referenceCapacity: null,
  };
}

/** The whole run: calibration stages, the entry's stages, and the chaos timeline, scaled and resolved. */
export function planRun(def: ChallengeDef, opts: PlanOptions): RunPlan {
  if (!(opts.scale > 0) || !Number.isFinite(opts.scale))
    throw new Error(`scale must be > 0, got ${opts.scale}`);
  const capacity = isMeasuredCapacity(opts.referenceCapacity) ? opts.referenceCapacity : null;
  if (capacity === null && usesCapacity(def)) throw new NoReferenceCapacityError(def.id);
  const stages = def.steps
    ? stepStages(def.steps, opts.scale)
    : // Without a capacity no rate here is "kx" (refused above), so NaN is never multiplied.
      phaseStages(def.phases ?? [], opts.scale, capacity ?? Number.NaN);
  const duration = stages.reduce((s, x) => s + x.duration, 0);
  const faults: PlannedFault[] = [];
  for (const e of def.chaos) {
    // Offsets scale like durations; a fault never starts in the last second nor outlasts the load.
    const at = Math.min(Math.round(e.at * opts.scale), Math.max(0, duration - 1));
    const instant = INSTANT_ACTIONS.includes(e.action);
    const d = instant ? 0 : Math.min(Math.max(1, Math.round(e.duration * opts.scale)), duration - at);
    faults.push({ at, duration: d, action: e.action, target: e.target, params: { ...e.params } });
  }
  return {
    calibration: calibrationStages(def, opts.scale),
    stages,
    faults,
    duration,
    ...settings(def),
    referenceCapacity: capacity,
  };
}
