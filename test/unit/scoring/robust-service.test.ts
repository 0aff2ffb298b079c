import { test } from "node:test";
import assert from "node:assert/strict";
import { scoreRun } from "../../../scoring/score.ts";
import { referenceCapacity, stageWithinSlo } from "../../../scoring/slo.ts";
import {
  allErrors,
  counts,
  def,
  finiteEverywhere,
  honest,
  measure,
  refuseAll,
  silent,
  stagesOf,
} from "./synthetic.ts";

const d = def("robust-service");
const stages = stagesOf(d);
const ok = { passed: true, wrongBodyRatio: 0 };
const ref = measure(stages, honest(1200));
const points = (r: ReturnType<typeof scoreRun>, id: string) => r.components.find((c) => c.id === id)!.points;

test("capacity is the achieved rate of the highest step within SLO", () => {
  // Steps (60 × 1.2^i): … 535 642 770 924 1109 1331 … 3975 4770 5724 6869 8242.
  const cases: [number, number][] = [
    [1200, 1109],
    [800, 770],
    [5000, 4770],
    [9000, 8242],
    [50, 0],
  ];
  for (const [cap, want] of cases)
    assert.equal(referenceCapacity(d, measure(stages, honest(cap))), want, `app of ${cap}`);
});

test("normalized by the reference: the reference scores ~100, more capacity always scores more (log scale, no cap)", () => {
  const self = scoreRun(d, ref, ref, ok);
  assert.equal(points(self, "capacity"), 60);
  assert.equal(points(self, "efficiency"), 15);
  assert.equal(points(self, "errors"), 10);
  assert.ok(self.score > 90 && self.score <= 100, `reference vs itself: ${self.score}`);
  const round = (x: number) => Math.round(x * 100) / 100;
  const better = scoreRun(d, measure(stages, honest(2000)), ref, ok);
  assert.equal(points(better, "capacity"), round(60 * Math.log2(1 + 1917 / 1109)));
  // Beyond 2× the reference (the old cap) capacity still earns more: 8242 / 1109 = 7.4×.
  const huge = scoreRun(d, measure(stages, honest(9000)), ref, ok);
  assert.equal(points(huge, "capacity"), round(60 * Math.log2(1 + 8242 / 1109)));
  assert.ok(points(huge, "capacity") > 120, "no cap at 2× the reference");
  assert.match(huge.components[0]!.explanation, /top step held/);
  const half = scoreRun(d, measure(stages, honest(600)), ref, ok);
  assert.equal(points(half, "capacity"), round(60 * Math.log2(1 + 535 / 1109)));
  assert.ok(half.score < self.score && self.score < better.score && better.score < huge.score);
});

test("the same entry scores the same against a faster reference on a faster machine only relatively", () => {
  const entry = measure(stages, honest(1200));
  const fastRef = measure(stages, honest(2500));
  assert.ok(scoreRun(d, entry, fastRef, ok).score < scoreRun(d, entry, ref, ok).score);
});

test("a single failed step does not end the search; two in a row do", () => {
  const blip = measure(stages, (t, rate, stage) =>
    stage === "step-05"
      ? { counts: counts({ ok: 1, timeout: 99 }), dropped: 0, p99: 2000, probeUp: 1, cpu: 0.1 }
      : honest(1200)(t, rate),
  );
  assert.equal(referenceCapacity(d, blip), 1109);
  const twice = measure(stages, (t, rate, stage) =>
    stage === "step-05" || stage === "step-06"
      ? { counts: counts({ timeout: 100 }), dropped: 0, p99: 2000, probeUp: 1, cpu: 0.1 }
      : honest(1200)(t, rate),
  );
  assert.equal(referenceCapacity(d, twice), 104);
});

test("stageWithinSlo: each SLO bound, and no traffic, fail a step", () => {
  const base = measure(stages.slice(0, 1), honest(1000)).phases[0]!;
  const cases: [string, Partial<typeof base>, boolean][] = [
    ["healthy", {}, true],
    ["p99 over 250 ms", { p99: 251 }, false],
    ["p99 unknown with traffic", { p99: null }, false],
    ["1.5% errors", { counts: counts({ ok: 985, http_error: 15 }) }, false],
    ["1% errors", { counts: counts({ ok: 990, http_error: 10 }) }, true],
    ["2% dropped", { counts: counts({ ok: 980 }), dropped: 20 }, false],
    ["no traffic", { counts: counts() }, false],
    ["fast-fails are errors", { counts: counts({ ok: 900, fast_fail: 100 }) }, false],
  ];
  for (const [name, patch, want] of cases) assert.equal(stageWithinSlo(d, { ...base, ...patch }), want, name);
});

test("edges: no traffic, all errors, the 503 cheat, gaps — score 0 or less than honest, never NaN", () => {
  const honestScore = scoreRun(d, measure(stages, honest(300)), ref, ok).score;
  const cases: [string, ReturnType<typeof measure>][] = [
    ["no traffic", measure(stages, silent())],
    ["all errors", measure(stages, allErrors())],
    ["refuses everything fast with 503", measure(stages, refuseAll())],
    ["no data at all", measure(stages, () => null)],
  ];
  for (const [name, m] of cases) {
    const r = scoreRun(d, m, ref, ok);
    assert.equal(r.score, 0, name);
    assert.ok(r.score < honestScore, `${name} below an honest app`);
    assert.ok(finiteEverywhere(r), `${name}: finite`);
    assert.equal(r.components.find((c) => c.id === "capacity")!.value, 0, name);
  }
});

test("gaps in Prometheus data: a missing CPU figure costs only the efficiency points", () => {
  const noCpu = measure(stages, (t, rate) => ({ ...honest(1200)(t, rate), cpu: null }));
  const r = scoreRun(d, noCpu, ref, ok);
  assert.equal(points(r, "efficiency"), 0);
  assert.equal(points(r, "capacity"), 60);
  assert.ok(finiteEverywhere(r));
  const gappy = measure(stages, (t, rate) => (t % 7 === 3 ? null : honest(1200)(t, rate)));
  assert.ok(finiteEverywhere(scoreRun(d, gappy, ref, ok)));
});

test("without a measured reference there is no default capacity: capacity earns 0, and says why", () => {
  const cases = [
    { case: "no calibration", input: null },
    { case: "a calibration that held no step", input: measure(stages, () => null) },
  ];
  for (const c of cases) {
    const r = scoreRun(d, measure(stages, honest(1200)), c.input, ok);
    assert.equal(points(r, "capacity"), 0, c.case);
    assert.equal(r.components[0]!.value, 1109, `${c.case}: the entry's capacity is still shown`);
    assert.match(r.components[0]!.explanation, /no reference capacity was measured/, c.case);
    assert.ok(finiteEverywhere(r), c.case);
  }
});

test("the score is the sum of the components' points", () => {
  const r = scoreRun(d, measure(stages, honest(700)), ref, ok);
  const sum = r.components.reduce((s, c) => s + c.points, 0);
  assert.ok(Math.abs(sum - r.score) < 0.011);
  assert.equal(r.scoreUnit, "points");
});
