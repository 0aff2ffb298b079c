/**
 * Every challenge discriminates at the top: models of entries in a known order of quality (from
 * the cheat up to better than the best known entry) must score in exactly that order, strictly,
 * and the template's model must stay below what the challenge can give. Monotonicity tables:
 * `{ case, model }` rows in increasing quality.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { calibrationStages, planRun } from "../../../scoring/plan.ts";
import { scoreRun } from "../../../scoring/score.ts";
import type { FaultWindow } from "../../../scoring/measurements.ts";
import { counts, def, honest, measure, refuseAll, stagesOf, type SecondModel } from "./synthetic.ts";

type Model = (t: number, rate: number, stage: string) => SecondModel | null;
const ok = { passed: true, wrongBodyRatio: 0 };

/** Asserts the rows' scores rise strictly, row by row; returns them for further checks. */
function strictlyRising(rows: { case: string; score: number }[]): void {
  for (let i = 1; i < rows.length; i++)
    assert.ok(
      rows[i]!.score > rows[i - 1]!.score,
      `${rows[i]!.case} (${rows[i]!.score}) must score more than ${rows[i - 1]!.case} (${rows[i - 1]!.score})`,
    );
}

test("robust-service: capacity and efficiency keep paying past 2× the reference", () => {
  const d = def("robust-service");
  const stages = stagesOf(d);
  const ref = measure(stages, honest(1200)); // holds 1109 req/s
  const score = (m: Model) => scoreRun(d, measure(stages, m), ref, ok).score;
  const rows = [
    { case: "a quarter of the reference", model: honest(300) },
    { case: "the reference's capacity", model: honest(1200) },
    { case: "the template (1.7× the reference)", model: honest(1950) },
    { case: "the same capacity, half the CPU per request", model: honest(1950, 0.00025) },
    { case: "the tuned nginx (2.5×)", model: honest(2800, 0.00025) },
    { case: "5× the reference", model: honest(5800, 0.00025) },
    { case: "the ladder's top step (7.4×)", model: honest(9000, 0.00025) },
  ].map((r) => ({ case: r.case, score: score(r.model) }));
  strictlyRising(rows);
  // Under the old cap (2× the reference) the last three rows scored the same capacity points.
  assert.ok(rows[5]!.score - rows[4]!.score > 10, "5× earns clearly more than 2.5×");
});

test("graceful-degradation: more goodput under overload, shedding fast, always scores more; nobody serves it all", () => {
  const d = def("graceful-degradation");
  const reference = measure(calibrationStages(d, 1), honest(1000));
  const REF = 759;
  const stages = stagesOf(d, 1, REF);
  const score = (m: Model) => scoreRun(d, measure(stages, m), reference, ok).score;
  const shedder =
    (cap: number): Model =>
    (_t, rate) => {
      const r = Math.round(rate);
      const good = Math.min(r, cap);
      return { counts: counts({ ok: good, fast_fail: r - good }), dropped: 0, p99: 40, probeUp: 1, cpu: 0.2 };
    };
  const overload = stages[1]!;
  assert.equal(overload.rate, 4 * REF, "the overload ramps to 4× the reference capacity");
  const rows = [
    { case: "refuses everything", model: refuseAll() },
    { case: "weak (0.4×, queues)", model: honest(Math.round(REF * 0.4)) },
    { case: "the template (1.7×, queues the excess into timeouts)", model: honest(Math.round(REF * 1.7)) },
    { case: "the template's capacity, shedding the excess fast", model: shedder(Math.round(REF * 1.7)) },
    { case: "the tuned nginx (2.3×, sheds)", model: shedder(Math.round(REF * 2.3)) },
    { case: "3×, sheds", model: shedder(REF * 3) },
    { case: "serves every request of the overload", model: shedder(Number.MAX_SAFE_INTEGER) },
  ].map((r) => ({ case: r.case, score: score(r.model) }));
  strictlyRising(rows);
  // The old formula's maximum (122.5: goodput capped at 1.5×) was reached by the template; now the
  // template stays well below what serving everything earns.
  assert.ok(rows[2]!.score < rows[6]!.score - 20, `template ${rows[2]!.score} vs all ${rows[6]!.score}`);
});

/** An entry's tolerance to the longest-upkeep faults: what it survives, how fast it restarts. */
interface Tolerance {
  /** Lowest CPU share it keeps the SLO at. */
  minCpus: number;
  /** Lowest memory limit it keeps running in (MiB). */
  minMemoryMiB: number;
  /** Whether it serves a cached quote while upstream is slow or down (up to 25 s). */
  cachesQuote: boolean;
  /** Seconds from a kill to serving again; Infinity: no restart policy. */
  restartSeconds: number;
}

/** Whether the entry is down at second t of the plan's faults. */
function downAt(t: number, faults: FaultWindow[], e: Tolerance): boolean {
  let deadSince = -1;
  for (const f of faults) {
    const p = f.params ?? {};
    const during = t >= f.start && t < Math.max(f.end, f.start + 1);
    if (f.action === "kill" && t >= f.start) deadSince = f.start;
    if (f.action === "restart" && t >= f.start) deadSince = -1;
    if (!during) continue;
    if (f.action === "pause" || f.action === "restart") return true;
    if (f.action === "cpu-starve" && Number(p.cpus) < e.minCpus) return true;
    if (f.action === "memory-squeeze" && Number(p.memoryMiB) < e.minMemoryMiB) return true;
    if (f.action === "latency" && f.target === "entry" && Number(p.latencyMs) + Number(p.jitterMs ?? 0) > 200)
      return true;
    if (f.target === "upstream" && (!e.cachesQuote || t >= f.start + 25)) return true;
  }
  return deadSince >= 0 && t < deadSince + e.restartSeconds;
}

test("longest-upkeep: the schedule escalates until every entry breaks; tolerating more scores more", () => {
  const d = def("longest-upkeep");
  const plan = planRun(d, { scale: 1, referenceCapacity: 1000 });
  const faults: FaultWindow[] = plan.faults.map((f) => ({
    action: f.action,
    target: f.target,
    start: f.at,
    end: f.at + f.duration,
    params: f.params,
  }));
  const rate = plan.stages[0]!.rate;
  const model =
    (e: Tolerance): Model =>
    (t, r) =>
      downAt(t, faults, e)
        ? { counts: counts({ timeout: Math.round(r) }), dropped: 0, p99: 1000, probeUp: 0, cpu: 0 }
        : honest(rate * 2)(t, r);
  const score = (e: Tolerance) => scoreRun(d, measure(plan.stages, model(e), { faults }), null, ok).score;
  const base: Tolerance = { minCpus: 0.1, minMemoryMiB: 64, cachesQuote: true, restartSeconds: 2 };
  const rows = [
    { case: "no quote cache", e: { ...base, cachesQuote: false } },
    { case: "the template (restarts in 5 s, needs 0.1 CPU)", e: { ...base, restartSeconds: 5 } },
    { case: "restarts in 2 s", e: base },
    { case: "keeps the SLO at 0.05 CPU", e: { ...base, minCpus: 0.05 } },
    { case: "…and in 24 MiB", e: { ...base, minCpus: 0.05, minMemoryMiB: 24 } },
    { case: "the tuned nginx: …and at 0.03 CPU", e: { ...base, minCpus: 0.03, minMemoryMiB: 24 } },
    { case: "better than known: …and at 0.02 CPU", e: { ...base, minCpus: 0.02, minMemoryMiB: 24 } },
  ].map((r) => ({ case: r.case, score: score(r.e) }));
  strictlyRising(rows);
  // Even an entry that survives every survivable fault breaks at the end: the streak never covers the load.
  const best = rows.at(-1)!.score;
  assert.ok(best < plan.duration - 20, `best ${best} s of a ${plan.duration} s load`);
  const fragile = score({ ...base, restartSeconds: Infinity });
  assert.ok(fragile < rows[1]!.score, "no restart policy: down from the first kill");
});
