/**
 * robust-service (docs/CHALLENGES.md): how much traffic can you serve within SLO? Capacity by step search,
 * normalized by the reference app (url-anvil) run through the same steps in the same run.
 */
import type { Component } from "../record/run-record.ts";
import type { ChallengeDef } from "./challenge-schema.ts";
import { clamp, component, fmt, logRatioPoints, pct, total, type ScoreResult } from "./components.ts";
import { emptyCounts, type Measurements, type OutcomeCounts } from "./measurements.ts";
import { errorRatio, okRate, ratio, stepSearch, type StepSearch } from "./slo.ts";

function addCounts(a: OutcomeCounts, b: OutcomeCounts): OutcomeCounts {
  const out = emptyCounts();
  for (const k of Object.keys(out) as (keyof OutcomeCounts)[]) out[k] = a[k] + b[k];
  return out;
}

/** Ok requests per CPU-second over the steps within SLO; null without CPU data. */
function efficiency(m: Measurements, steps: number[]): number | null {
  let ok = 0;
  let cpu = 0;
  for (const i of steps) {
    const p = m.phases[i]!;
    if (p.cpuSeconds === null) continue;
    ok += p.counts.ok;
    cpu += p.cpuSeconds;
  }
  return cpu > 0 ? ok / cpu : null;
}

type Weights = Record<"capacity" | "latency" | "efficiency" | "errors", number>;

/** Capacity relative to the reference's, log-scaled with no cap. */
function capacityPoints(
  def: ChallengeDef,
  w: Weights,
  entry: Measurements,
  search: StepSearch,
  refCap: number,
): Component {
  const refNote =
    refCap > 0
      ? `the reference (url-anvil) sustained ${fmt(refCap)} req/s in this run`
      : "no reference capacity was measured, so there is nothing to compare with (0 points)";
  const cap = search.capacity;
  const rel = ratio(cap, refCap);
  const capStep = search.capacityIndex >= 0 ? entry.phases[search.capacityIndex]! : null;
  // The ladder's last step held: the app may serve more than the ladder offered.
  // By rate, not index: a half step may sit between two steps (harness/ladder-schedule.ts).
  const topRate = def.steps
    ? Math.round(def.steps.startRate * def.steps.factor ** (def.steps.count - 1))
    : Infinity;
  const topNote =
    capStep && capStep.targetRate >= topRate
      ? " The ladder's top step held: your capacity is at least this."
      : "";
  return component(
    "capacity",
    "Capacity within SLO",
    cap,
    "req/s",
    logRatioPoints(w.capacity, rel),
    w.capacity,
    capStep
      ? `Highest step within SLO: ${capStep.name} (target ${fmt(capStep.targetRate)} req/s), ${fmt(cap)} ok req/s = ${fmt(rel, 2)}× the reference (points ${w.capacity} × log2(1 + ${fmt(rel, 2)}), no cap); ${refNote}.${topNote}`
      : `No step met the SLO (p99 ≤ ${def.slo.p99Ms} ms, errors ≤ ${pct(def.slo.maxErrorRate)}, dropped ≤ ${pct(def.slo.maxDroppedRate)}), so the capacity is 0; ${refNote}.`,
  );
}

/** p99 at the step whose achieved rate is nearest half the capacity: latency when not stressed. */
function latencyPoints(def: ChallengeDef, w: Weights, entry: Measurements, search: StepSearch): Component {
  const cap = search.capacity;
  let half: number | null = null;
  for (const i of search.withinSlo)
    if (
      half === null ||
      Math.abs(okRate(entry.phases[i]!) - cap / 2) < Math.abs(okRate(entry.phases[half]!) - cap / 2)
    )
      half = i;
  const halfStep = half === null ? null : entry.phases[half]!;
  const p99 = halfStep?.p99 ?? null;
  return component(
    "p99-at-half-capacity",
    "p99 at half capacity",
    p99,
    "ms",
    p99 === null ? 0 : w.latency * clamp(1 - p99 / def.slo.p99Ms, 0, 1),
    w.latency,
    halfStep && p99 !== null
      ? `At ${halfStep.name} (${fmt(okRate(halfStep))} ok req/s, nearest half the capacity) p99 was ${fmt(p99, 1)} ms; points fall linearly to 0 at the SLO's ${def.slo.p99Ms} ms.`
      : "No step within SLO, so no latency at half capacity.",
  );
}

/** Ok requests per CPU-second relative to the reference's, log-scaled with no cap. */
function efficiencyPoints(
  w: Weights,
  entry: Measurements,
  search: StepSearch,
  reference: Measurements | null,
  ref: StepSearch | null,
): Component {
  const eff = efficiency(entry, search.withinSlo);
  const refEff = reference && ref ? efficiency(reference, ref.withinSlo) : null;
  const effRel = eff !== null && refEff !== null ? ratio(eff, refEff) : null;
  return component(
    "efficiency",
    "Efficiency",
    eff,
    "req/CPU-s",
    effRel === null ? 0 : logRatioPoints(w.efficiency, effRel),
    w.efficiency,
    search.withinSlo.length === 0
      ? "No step within SLO, so no efficiency points."
      : eff === null
        ? "No CPU figures for the steps within SLO, so no efficiency points."
        : refEff === null
          ? `${fmt(eff)} ok requests per CPU-second, but the reference's efficiency is unknown, so no points.`
          : `${fmt(eff)} ok requests per CPU-second within SLO versus the reference's ${fmt(refEff)} (${fmt(effRel, 2)}×; points ${w.efficiency} × log2(1 + ${fmt(effRel, 2)}), no cap).`,
  );
}

/** The error ratio over the steps within SLO; points fall linearly to 0 at the SLO's bound. */
function errorPoints(def: ChallengeDef, w: Weights, entry: Measurements, search: StepSearch): Component {
  const within = search.withinSlo.reduce((c, i) => addCounts(c, entry.phases[i]!.counts), emptyCounts());
  const err = errorRatio(within);
  const any = search.withinSlo.length > 0;
  return component(
    "errors",
    "Errors within SLO steps",
    any ? err : null,
    "ratio",
    any ? w.errors * clamp(1 - err / Math.max(def.slo.maxErrorRate, 1e-9), 0, 1) : 0,
    w.errors,
    any
      ? `${pct(err, 2)} of the requests in the steps within SLO were not ok; points fall linearly to 0 at ${pct(def.slo.maxErrorRate)}.`
      : "No step within SLO, so no error points.",
  );
}

/** Scores one robust-service run. `reference` is url-anvil's load from the same run (null: none measured). */
export function scoreRobustService(
  def: ChallengeDef,
  entry: Measurements,
  reference: Measurements | null,
): ScoreResult {
  const w = def.weights as Weights;
  const search = stepSearch(def, entry.phases);
  const ref = reference ? stepSearch(def, reference.phases) : null;
  // No default capacity: without a measured one the relative points are 0 (and the run is invalid).
  const refCap = ref !== null && ref.capacity > 0 ? ref.capacity : 0;
  return total(
    [
      capacityPoints(def, w, entry, search, refCap),
      latencyPoints(def, w, entry, search),
      efficiencyPoints(w, entry, search, reference, ref),
      errorPoints(def, w, entry, search),
    ],
    "points",
  );
}
