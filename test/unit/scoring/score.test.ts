import { test } from "node:test";
import assert from "node:assert/strict";
import { componentSchema } from "../../../record/run-record.ts";
import { calibrationStages } from "../../../scoring/plan.ts";
import { scoreRun, WRONG_BODY_FAIL_RATIO } from "../../../scoring/score.ts";
import { def, finiteEverywhere, honest, measure, stagesOf } from "./synthetic.ts";

const ids = ["robust-service", "graceful-degradation", "longest-upkeep"] as const;

for (const id of ids) {
  const d = def(id);
  const entry = measure(stagesOf(d), honest(800));
  const reference = measure(calibrationStages(d, 1), honest(1000));

  test(`${id}: a failed verification scores 0, every component at 0 points saying why`, () => {
    const cases: [string, Parameters<typeof scoreRun>[1], Parameters<typeof scoreRun>[3], RegExp][] = [
      ["gate failed", entry, { passed: false, wrongBodyRatio: 0 }, /Verification failed/],
      ["gate failed, no load", null, { passed: false, wrongBodyRatio: 0 }, /Verification failed/],
      ["mostly wrong bodies", entry, { passed: true, wrongBodyRatio: 0.9 }, /wrong/],
      ["no load measured", null, { passed: true, wrongBodyRatio: 0 }, /No load/],
    ];
    for (const [name, m, v, why] of cases) {
      const r = scoreRun(d, m, reference, v);
      assert.equal(r.score, 0, name);
      assert.ok(r.components.length >= 4, name);
      for (const c of r.components) {
        assert.equal(c.points, 0, `${name}: ${c.id}`);
        assert.match(c.explanation, why, name);
      }
    }
  });

  test(`${id}: a few wrong bodies do not fail the run (they are errors in the counts)`, () => {
    const r = scoreRun(d, entry, reference, { passed: true, wrongBodyRatio: WRONG_BODY_FAIL_RATIO / 10 });
    assert.ok(r.score > 0);
  });

  test(`${id}: components are valid run-record components, finite, and sum to the score`, () => {
    const r = scoreRun(d, entry, reference, { passed: true, wrongBodyRatio: Number.NaN });
    assert.ok(finiteEverywhere(r));
    for (const c of r.components) componentSchema.parse(c);
    const sum = r.components.reduce((s, c) => s + c.points, 0);
    assert.ok(Math.abs(sum - r.score) < 0.011, `${sum} vs ${r.score}`);
    assert.equal(new Set(r.components.map((c) => c.id)).size, r.components.length);
  });
}
