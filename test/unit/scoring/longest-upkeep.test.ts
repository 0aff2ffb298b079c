import { test } from "node:test";
import assert from "node:assert/strict";
import { faultOutcomes, longestStreak, secondUp, upSeconds } from "../../../scoring/longest-upkeep.ts";
import type { FaultWindow, Sample } from "../../../scoring/measurements.ts";
import { planRun } from "../../../scoring/plan.ts";
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
  withScrapeGap,
  type SecondModel,
} from "./synthetic.ts";

const d = def("longest-upkeep");
const plan = planRun(d, { scale: 1, referenceCapacity: 1000 });
const stages = plan.stages;
const faults: FaultWindow[] = plan.faults.map((f) => ({
  action: f.action,
  target: f.target,
  start: f.at,
  end: f.at + f.duration,
}));
const ok = { passed: true, wrongBodyRatio: 0 };
const RATE = stages[0]!.rate;
const down: SecondModel = { counts: counts({ timeout: 10 }), dropped: 0, p99: 1000, probeUp: 0, cpu: 0 };
/** An honest app that is down during the given [from, to) windows. */
const downDuring =
  (...windows: [number, number][]) =>
  (t: number, rate: number): SecondModel =>
    windows.some(([a, b]) => t >= a && t < b) ? down : honest(RATE * 2)(t, rate);
const score = (model: (t: number, rate: number, stage: string) => SecondModel | null, restarts = 0) =>
  scoreRun(d, measure(stages, model, { faults, restarts }), null, ok);

test("secondUp: probe and load generator must both say up; rules for missing data", () => {
  const s = (p: Partial<Sample>): Sample => ({
    t: 0,
    counts: counts({ ok: 100 }),
    dropped: 0,
    p50: 5,
    p95: 8,
    p99: 10,
    probeUp: 1,
    cpu: 0.2,
    memory: 40,
    ...p,
  });
  const cases: [string, Sample | undefined, boolean][] = [
    ["probe up, requests within SLO", s({}), true],
    ["probe down", s({ probeUp: 0 }), false],
    ["2% errors", s({ counts: counts({ ok: 98, http_error: 2 }) }), false],
    ["fast-fails are errors", s({ counts: counts({ ok: 50, fast_fail: 50 }) }), false],
    ["p99 over the SLO", s({ p99: 300 }), false],
    ["everything dropped", s({ counts: counts(), dropped: 50 }), false],
    [
      "no request completed, scrape status unknown: the probe decides",
      s({ counts: counts(), p99: null }),
      true,
    ],
    [
      "no request completed in a scrape gap: the probe decides",
      s({ counts: counts(), p99: null, loadScraped: false }),
      true,
    ],
    [
      "no request completed although the load generator was scraped: down (a frozen app)",
      s({ counts: counts(), p99: null, loadScraped: true }),
      false,
    ],
    ["no probe landed: traffic within SLO decides", s({ probeUp: null }), true],
    ["no probe and errors", s({ probeUp: null, counts: counts({ timeout: 5 }) }), false],
    ["no probe, no traffic", s({ probeUp: null, counts: counts(), p99: null }), false],
    ["no sample at all (gap)", undefined, false],
  ];
  for (const [name, sample, want] of cases) assert.equal(secondUp(d, sample), want, name);

  const gap = s({ counts: counts(), p99: null, loadScraped: false });
  const carried: [string, Sample, boolean][] = [
    ["a gap carried by a second within SLO: up", s({ loadScraped: true }), true],
    ["a gap carried by a second of fast-fails: down", s({ counts: counts({ fast_fail: 200 }) }), false],
    [
      "a gap carried by a scraped second with no answer: down",
      s({ counts: counts(), p99: null, loadScraped: true }),
      false,
    ],
  ];
  for (const [name, carrier, want] of carried) assert.equal(secondUp(d, gap, carrier), want, name);
  assert.equal(
    secondUp(d, { ...gap, probeUp: 0 }, s({})),
    false,
    "a carrier does not overrule a failed probe",
  );
});

test("a scrape gap is judged by the second that counted its requests: no streak from a gap alone", () => {
  const shed = withScrapeGap(measure(stages, refuseAll()), 60);
  assert.equal(upSeconds(d, shed)[60], false, "the fast-fails of the gap are counted in second 61");
  assert.equal(scoreRun(d, shed, null, ok).score, 0, "an entry that sheds everything has no up second");

  const m = withScrapeGap(measure(stages, honest(RATE * 2)), 60);
  assert.equal(upSeconds(d, m)[60], true, "an honest entry stays up through the gap");
  assert.equal(
    scoreRun(d, m, null, ok).score,
    scoreRun(d, measure(stages, honest(RATE * 2)), null, ok).score,
  );
});

test("longestStreak", () => {
  const cases: [boolean[], number, number][] = [
    [[], 0, 0],
    [[false, false], 0, 0],
    [[true, true, false, true], 2, 0],
    [[false, true, true, true, false, true, true], 3, 1],
    [[true, false, true, true, true], 3, 2],
  ];
  for (const [up, length, start] of cases)
    assert.deepEqual(longestStreak(up), { length, start }, JSON.stringify(up));
});

test("the score is the longest up streak in seconds; other components carry 0 points", () => {
  const r = score(downDuring([20, 25], [40, 48], [125, 140]));
  assert.equal(r.scoreUnit, "seconds");
  assert.equal(r.score, 77, "48..125 is the longest up run");
  assert.equal(r.components[0]!.id, "longest-streak");
  for (const c of r.components.slice(1)) assert.equal(c.points, 0, c.id);
  const sum = r.components.reduce((s, c) => s + c.points, 0);
  assert.equal(sum, r.score);
  const avail = r.components.find((c) => c.id === "availability")!;
  assert.equal(avail.value, Math.round(((210 - 28) / 210) * 1000) / 1000);
});

test("faults: breaches, time to recover from the fault's start, faults survived", () => {
  const m = measure(stages, downDuring([10, 14], [21, 28]), { faults });
  const out = faultOutcomes(m, upSeconds(d, m));
  assert.deepEqual(out[0], { action: "pause", start: 10, breachAt: 10, recoverySeconds: 4, recovered: true });
  assert.deepEqual(out[1], { action: "kill", start: 20, breachAt: 21, recoverySeconds: 8, recovered: true });
  assert.ok(out.slice(2).every((o) => o.breachAt === null));
  const r = scoreRun(d, m, null, ok);
  assert.equal(r.components.find((c) => c.id === "faults-survived")!.value, faults.length - 2);
  assert.equal(r.components.find((c) => c.id === "mean-time-to-recover")!.value, 6);
});

test("a fault at the run's last second that breaks it: not recovered, counted to the end, finite", () => {
  const last: FaultWindow[] = [{ action: "kill", target: "entry", start: 209, end: 209 }];
  const m = measure(stages, downDuring([209, 210]), { faults: last });
  const out = faultOutcomes(m, upSeconds(d, m));
  assert.deepEqual(out, [
    { action: "kill", start: 209, breachAt: 209, recoverySeconds: 1, recovered: false },
  ]);
  const r = scoreRun(d, m, null, ok);
  assert.equal(r.score, 209);
  assert.ok(finiteEverywhere(r));
  assert.match(r.components.find((c) => c.id === "mean-time-to-recover")!.explanation, /never recovered/);
});

test("refusing everything fast scores below serving honestly (0 seconds)", () => {
  const cheat = score(refuseAll());
  const honestApp = score(downDuring([20, 25], [40, 48], [60, 75], [125, 140], [160, 200]));
  assert.equal(cheat.score, 0);
  assert.ok(honestApp.score > cheat.score);
});

test("edges: no traffic, all errors, gaps, no faults — finite, and gaps break a streak", () => {
  for (const [name, model] of [
    ["no traffic, no probe", silent()],
    ["all errors", allErrors()],
    ["no data", () => null],
  ] as const) {
    const r = score(model);
    assert.equal(r.score, 0, name);
    assert.ok(finiteEverywhere(r), name);
  }
  const gappy = score((t, rate) => (t === 100 ? null : honest(RATE * 2)(t, rate)));
  assert.equal(gappy.score, 109, "0..99 and 101..209: the longer is 109 s");
  const calm = scoreRun(d, measure(stages, honest(RATE * 2)), null, ok);
  assert.equal(calm.score, 210);
  assert.match(calm.components.find((c) => c.id === "mean-time-to-recover")!.explanation, /no fault ran/);
});
