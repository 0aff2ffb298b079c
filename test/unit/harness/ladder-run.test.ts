import { test } from "node:test";
import assert from "node:assert/strict";
import { stepAboveCapacity } from "../../../harness/ladder-run.ts";
import { stepStages } from "../../../scoring/plan.ts";
import { def, honest, measure, silent } from "../scoring/synthetic.ts";

const rs = def("robust-service");
const stages = stepStages(rs.steps!, 0.2);
/** An app that climbs until two steps in a row fail, as the ladder stops it. */
const climbed = (capacity: number) => {
  const all = measure(stages, honest(capacity));
  const firstFail = all.phases.findIndex((p) => p.targetRate > capacity);
  const kept = firstFail < 0 ? all.phases.length : firstFail + 2;
  return { ...all, phases: all.phases.slice(0, kept) };
};

const cases = [
  { case: "an app that holds 1,000 req/s: the step above, 1,109", capacity: 1000, expected: "step-17" },
  {
    case: "an app that holds every step: none (the ladder was its ceiling)",
    capacity: 100_000,
    expected: null,
  },
  { case: "an app that holds the first step only", capacity: 60, expected: "step-02" },
];
for (const c of cases)
  test(`stepAboveCapacity: ${c.case}`, () => {
    assert.equal(stepAboveCapacity(rs, climbed(c.capacity), stages)?.name ?? null, c.expected);
  });

test("stepAboveCapacity: an app that held no step has no ceiling to check", () => {
  const none = measure(stages.slice(0, 2), silent());
  assert.equal(stepAboveCapacity(rs, none, stages), null);
});
