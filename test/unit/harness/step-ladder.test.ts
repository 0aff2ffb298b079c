import { test } from "node:test";
import assert from "node:assert/strict";
import { joinTrials } from "../../../harness/step-ladder.ts";
import type { RawSeconds } from "../../../harness/measure.ts";
import { emptyCounts } from "../../../scoring/measurements.ts";
import type { StagePlan } from "../../../scoring/plan.ts";

/** A trial's raw seconds: `ok` answers a second, all at about `ms` ms. */
function raw(seconds: number, ok: number, ms: number): RawSeconds {
  const le = ms / 1000;
  return {
    counts: Array.from({ length: seconds }, () => ({
      echo: { ...emptyCounts(), ok },
      page: emptyCounts(),
      quote: emptyCounts(),
    })),
    buckets: Array.from({ length: seconds }, () => new Map([[le, ok]])),
    dropped: Array.from({ length: seconds }, () => 0),
    probeUp: Array.from({ length: seconds }, () => 1),
    loadScraped: Array.from({ length: seconds }, () => true),
    pacerLag: Array.from({ length: seconds }, () => 0.001),
    iterations: seconds * ok,
  };
}

const stage = (name: string, rate: number): StagePlan => ({
  name,
  duration: 3,
  executor: "constant-arrival-rate",
  rate,
});

test("joinTrials: the kept trials end to end, each step a phase of its own with its own figures", () => {
  const kept = [
    { stage: stage("step-01", 100), ok: 100, ms: 10, cpu: 0.05 },
    { stage: stage("step-02", 200), ok: 200, ms: 40, cpu: 0.1 },
    { stage: stage("step-03", 400), ok: 300, ms: 900, cpu: 0.25 },
  ].map((k) => ({
    stage: k.stage,
    result: { t0: 0, raw: raw(3, k.ok, k.ms) } as never,
    resources: { cpu: [k.cpu, k.cpu, k.cpu], memory: [20, 20, 20] },
  }));
  const m = joinTrials(kept, 1);
  assert.equal(m.duration, 9);
  assert.equal(m.samples.length, 9);
  assert.deepEqual(
    m.samples.map((s) => s.t),
    [0, 1, 2, 3, 4, 5, 6, 7, 8],
  );
  assert.deepEqual(
    m.phases.map((p) => [p.name, p.start, p.end, p.targetRate, p.counts.ok]),
    [
      ["step-01", 0, 3, 100, 300],
      ["step-02", 3, 6, 200, 600],
      ["step-03", 6, 9, 400, 900],
    ],
  );
  assert.ok(m.phases[0]!.p99! <= 10 && m.phases[2]!.p99! > 250, "each phase's p99 is its own trial's");
  assert.ok(Math.abs(m.phases[1]!.cpuSeconds! - 0.3) < 1e-9);
  assert.equal(m.restarts, 1);
});
