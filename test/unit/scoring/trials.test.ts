import { test } from "node:test";
import assert from "node:assert/strict";
import { decideStep, judgeTrial, type TrialVerdict } from "../../../scoring/trials.ts";
import { parseChallenge } from "../../../scoring/challenge-schema.ts";
import { counts, def } from "./synthetic.ts";
import type { PhaseStats } from "../../../scoring/measurements.ts";

const pass = (p99: number): TrialVerdict => ({ within: true, p99, near: false });
const near = (p99: number): TrialVerdict => ({ within: true, p99, near: true });
const fail = (p99: number | null): TrialVerdict => ({ within: false, p99, near: false });

const cases: {
  case: string;
  trials: TrialVerdict[];
  max: number;
  expected: ReturnType<typeof decideStep>;
}[] = [
  { case: "no trial yet", trials: [], max: 3, expected: { decided: false } },
  {
    case: "a clear pass decides at once",
    trials: [pass(40)],
    max: 3,
    expected: { decided: true, within: true, kept: 0 },
  },
  {
    case: "a pass close to the SLO is tried again",
    trials: [near(230)],
    max: 3,
    expected: { decided: false },
  },
  { case: "a failure is tried again", trials: [fail(400)], max: 3, expected: { decided: false } },
  {
    case: "two failures of three are a failed step; the better failing trial is kept of two",
    trials: [fail(400), fail(300)],
    max: 3,
    expected: { decided: true, within: false, kept: 1 },
  },
  {
    case: "a failure then a pass need a third trial",
    trials: [fail(400), pass(90)],
    max: 3,
    expected: { decided: false },
  },
  {
    case: "the third trial decides: two passes, the median (by p99) of the passing ones is kept",
    trials: [fail(400), pass(90), near(210)],
    max: 3,
    expected: { decided: true, within: true, kept: 1 },
  },
  {
    case: "the third trial decides: two failures",
    trials: [fail(400), pass(90), fail(null)],
    max: 3,
    expected: { decided: true, within: false, kept: 0 },
  },
  {
    case: "near passes that agree decide",
    trials: [near(240), near(220)],
    max: 3,
    expected: { decided: true, within: true, kept: 1 },
  },
  {
    case: "one trial allowed: a failure decides",
    trials: [fail(400)],
    max: 1,
    expected: { decided: true, within: false, kept: 0 },
  },
  {
    case: "one trial allowed: a near pass decides",
    trials: [near(240)],
    max: 1,
    expected: { decided: true, within: true, kept: 0 },
  },
  {
    case: "five allowed: three failures of four decide, the median failing trial is kept",
    trials: [fail(500), pass(50), fail(300), fail(400)],
    max: 5,
    expected: { decided: true, within: false, kept: 3 },
  },
];

for (const c of cases)
  test(`decideStep: ${c.case}`, () => assert.deepEqual(decideStep(c.trials, c.max), c.expected));

function phase(p99: number | null, ok = 100, errors = 0): PhaseStats {
  const c = counts({ ok, http_error: errors });
  return {
    name: "step-01",
    start: 0,
    end: 1,
    targetRate: 100,
    counts: c,
    byKind: { echo: c, page: counts(), quote: counts() },
    dropped: 0,
    p50: p99,
    p95: p99,
    p99,
    cpuSeconds: null,
  };
}

test("judgeTrial: within the SLO, near it from retryAbove × the p99 bound, out of it by any SLO rule", () => {
  const rs = def("robust-service");
  const steps = { retryAbove: 0.8 };
  assert.deepEqual(judgeTrial(rs, steps, phase(100)), { within: true, p99: 100, near: false });
  assert.deepEqual(judgeTrial(rs, steps, phase(200)), { within: true, p99: 200, near: true });
  assert.deepEqual(judgeTrial(rs, steps, phase(251)), { within: false, p99: 251, near: false });
  assert.deepEqual(judgeTrial(rs, steps, phase(10, 90, 10)), { within: false, p99: 10, near: false });
  assert.deepEqual(judgeTrial(rs, steps, phase(null)), { within: false, p99: null, near: false });
});

test("a challenge's steps.trials must be odd (the majority decides)", () => {
  const yaml = (trials: number) =>
    [
      "id: robust-service",
      "title: t",
      "summary: s",
      "slo: { p99Ms: 250, maxErrorRate: 0.01, maxDroppedRate: 0.01 }",
      "mix: { echo: 1, page: 0, quote: 0 }",
      "deadlineMs: 1000",
      "quoteMaxAgeSeconds: 30",
      "maxInFlight: 10",
      "calibration: { mode: entry-steps }",
      `steps: { startRate: 10, factor: 2, count: 3, duration: 3, trials: ${trials} }`,
      "weights: { capacity: 1, latency: 1, efficiency: 1, errors: 1 }",
    ].join("\n");
  assert.equal(parseChallenge(yaml(3), "t.yml").steps?.trials, 3);
  assert.throws(() => parseChallenge(yaml(2), "t.yml"), /trials.*odd/s);
});
