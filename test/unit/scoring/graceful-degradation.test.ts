import { test } from "node:test";
import assert from "node:assert/strict";
import { timeToRecover } from "../../../scoring/graceful-degradation.ts";
import { calibrationStages } from "../../../scoring/plan.ts";
import { scoreRun } from "../../../scoring/score.ts";
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
  withScrapeGap,
  type SecondModel,
} from "./synthetic.ts";

const d = def("graceful-degradation");
const ok = { passed: true, wrongBodyRatio: 0 };
// The reference sustains the 759 req/s calibration step; rates are planned from it.
const reference = measure(calibrationStages(d, 1), honest(1000));
const REF = 759;
const stages = stagesOf(d, 1, REF);
const points = (r: ReturnType<typeof scoreRun>, id: string) => r.components.find((c) => c.id === id)!.points;
const run = (model: (t: number, rate: number, stage: string) => SecondModel | null, restarts = 0) =>
  scoreRun(d, measure(stages, model, { restarts }), reference, ok);

/** Serves up to `cap` req/s and sheds the rest fast with 503 (what an SRE wants). */
const shedder =
  (cap: number) =>
  (_t: number, rate: number): SecondModel => {
    const r = Math.round(rate);
    const good = Math.min(r, cap);
    return { counts: counts({ ok: good, fast_fail: r - good }), dropped: 0, p99: 40, probeUp: 1, cpu: 0.5 };
  };

/** Like `base`, but errors for the first `seconds` of the recovery phase. */
const slowToRecover =
  (base: (t: number, rate: number) => SecondModel, seconds: number) =>
  (t: number, rate: number, stage: string): SecondModel =>
    stage === "recovery" && t < stages[0]!.duration + stages[1]!.duration + seconds
      ? { counts: counts({ timeout: Math.round(rate) }), dropped: 0, p99: 1000, probeUp: 0, cpu: 1 }
      : base(t, rate);

test("orderings an SRE expects: shedder > honest without shedding > refusing everything > silent", () => {
  const shed = run(shedder(REF)).score;
  const timeouts = run(honest(REF)).score;
  const cheat = run(refuseAll()).score;
  const dead = run(silent()).score;
  assert.ok(shed > timeouts, `${shed} > ${timeouts}`);
  assert.ok(timeouts > cheat, `${timeouts} > ${cheat}`);
  assert.ok(cheat > dead || dead === 0, `${cheat} ≥ ${dead}`);
  assert.equal(dead, 0);
});

test("refusing everything fast scores below even a weak honest app (40% of the reference)", () => {
  const weak = run(slowToRecover(honest(Math.round(REF * 0.4)), 10), 1);
  const cheat = run(refuseAll());
  assert.ok(cheat.score < weak.score, `cheat ${cheat.score} < weak ${weak.score}`);
  assert.equal(points(cheat, "answered-in-time"), d.weights.answeredInTime!, "the cheat does answer in time");
  assert.equal(points(cheat, "goodput"), 0);
  assert.equal(points(cheat, "quote-availability"), 0);
  assert.equal(points(cheat, "time-to-recover"), 0, "fast-fails are errors for the SLO");
  assert.equal(points(cheat, "restarts"), 0, "no restart bonus without a single good answer");
});

test("goodput is good req/s under overload relative to the reference capacity, log-scaled with no cap", () => {
  const seconds = stages[1]!.duration;
  for (const cap of [Math.round(REF / 2), REF, REF * 2, REF * 3]) {
    const m = measure(stages, shedder(cap));
    const g = scoreRun(d, m, reference, ok).components.find((c) => c.id === "goodput")!;
    const rel = m.phases[1]!.counts.ok / seconds / REF;
    assert.equal(g.points, Math.round(d.weights.goodput! * Math.log2(1 + rel) * 100) / 100, `${cap}`);
    // The overload ramp starts at 0.5× the reference, so the first seconds are below capacity.
    assert.ok(rel <= cap / REF && rel >= (cap / REF) * 0.65, `${cap}: ${rel}`);
  }
});

test("dropped iterations count as bad answers", () => {
  const dropping = run((t, rate) => ({ ...shedder(REF)(t, rate), dropped: Math.round(rate) }));
  const c = dropping.components.find((x) => x.id === "answered-in-time")!;
  assert.ok(c.value! <= 0.51 && c.value! >= 0.49, `half were dropped: ${c.value}`);
});

test("time to recover: the first window of consecutive seconds within SLO in the recovery phase", () => {
  const cases: [string, number | null][] = [
    ["immediately", 0],
    ["after 10 s", 10],
    ["never", null],
  ];
  for (const [name, want] of cases) {
    const delay = want === null ? 1000 : want;
    const m = measure(stages, slowToRecover(shedder(REF), delay));
    const recovery = m.phases.find((p) => p.name === "recovery")!;
    assert.equal(timeToRecover(d, m, recovery, 5), want, name);
  }
  // A gap in the data breaks a window: gaps every 4th second mean 5 in a row never happen.
  const gappy = measure(stages, (t, rate) => (t % 4 === 0 ? null : shedder(REF)(t, rate)));
  assert.equal(timeToRecover(d, gappy, gappy.phases[2]!, 5), null);
  // Recovery starts at t=90: 90 and 91 are in SLO, 92 is a gap, 93–95 form the first 3 s window.
  assert.equal(gappy.phases[2]!.start, 90);
  assert.equal(timeToRecover(d, gappy, gappy.phases[2]!, 3), 3);
  const r = run(slowToRecover(shedder(REF), 10));
  assert.ok(points(r, "time-to-recover") < d.weights.recovery! && points(r, "time-to-recover") > 0);
});

test("time to recover: a scrape gap is judged by the next scraped second, which counted its requests", () => {
  // Recovery starts at t=90; 92 is a scrape gap. Its requests, within SLO, are counted at 93.
  const m = withScrapeGap(measure(stages, shedder(REF)), 92);
  assert.equal(timeToRecover(d, m, m.phases[2]!, 5), 0, "an entry within SLO throughout recovers at once");
  // The same gap carried by a second of timeouts is not within SLO.
  const slow = withScrapeGap(measure(stages, slowToRecover(shedder(REF), 4)), 92);
  assert.equal(timeToRecover(d, slow, slow.phases[2]!, 5), 4);
});

test("quote availability: ok share of quote requests under overload, stale allowed", () => {
  const r = run((t, rate) => ({ ...shedder(REF)(t, rate), quoteOk: 0.5 }));
  const q = r.components.find((c) => c.id === "quote-availability")!;
  assert.ok(Math.abs(q.value! - 0.5) < 0.01, `${q.value}`);
});

test("restarts: each costs half the points", () => {
  const cases: [number, number][] = [
    [0, d.weights.restarts!],
    [1, d.weights.restarts! / 2],
    [3, 0],
  ];
  for (const [n, want] of cases)
    assert.equal(points(run(shedder(REF), n), "restarts"), want, `${n} restarts`);
});

test("edges: no traffic, all errors, no data, no reference, scaled-down run — finite and low", () => {
  const honestScore = run(honest(REF)).score;
  for (const [name, model] of [
    ["no traffic", silent()],
    ["all errors", allErrors()],
    ["no data", () => null],
  ] as const) {
    const r = run(model);
    assert.ok(finiteEverywhere(r), name);
    assert.ok(r.score < honestScore, name);
    assert.equal(points(r, "goodput"), 0, name);
  }
  const noRef = scoreRun(d, measure(stages, shedder(REF)), null, ok);
  assert.ok(finiteEverywhere(noRef));
  // No default capacity: without a reference goodput earns nothing (the harness marks the run invalid).
  assert.equal(points(noRef, "goodput"), 0);
  assert.match(noRef.components.find((c) => c.id === "goodput")!.explanation, /no reference capacity/);
  const small = stagesOf(d, 0.2, REF);
  const r = scoreRun(d, measure(small, shedder(REF)), reference, ok);
  assert.ok(finiteEverywhere(r));
  assert.ok(points(r, "time-to-recover") > 0, "the recovery window shrinks with the phase");
});
