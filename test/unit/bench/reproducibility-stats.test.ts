import { test } from "node:test";
import assert from "node:assert/strict";
import { cv, kendallTau, mean } from "../../../bench/reproducibility-stats.ts";

test("Kendall's τ against the designed order (best first)", () => {
  const cases = [
    { case: "in order", input: [5, 4, 3, 2, 1], expected: 1 },
    { case: "reversed", input: [1, 2, 3, 4, 5], expected: -1 },
    { case: "one adjacent swap of five", input: [5, 4, 2, 3, 1], expected: 0.8 },
    { case: "the two worst tied (τ-b)", input: [5, 4, 3, 0, 0], expected: 9 / Math.sqrt(10 * 9) },
    { case: "all tied", input: [1, 1, 1], expected: 0 },
  ];
  for (const c of cases) assert.ok(Math.abs(kendallTau(c.input) - c.expected) < 1e-9, c.case);
});

test("mean and coefficient of variation", () => {
  assert.equal(mean([]), null);
  assert.equal(mean([2, 4]), 3);
  assert.equal(cv([5]), null, "one value has no spread");
  assert.equal(cv([0, 0]), null, "a mean of 0 has no relative spread");
  assert.ok(Math.abs(cv([90, 100, 110])! - 0.1) < 1e-12);
});
