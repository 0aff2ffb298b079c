import { test } from "node:test";
import assert from "node:assert/strict";
import { renderRunComment } from "../../../action/src/comment.ts";
import { validateRunRecord, type RunRecord } from "../../../record/run-record.ts";
import { baseRecord } from "./publish-fixture.ts";
import { matchSnapshot } from "./snapshot.ts";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const comment = (r: RunRecord) =>
  renderRunComment({
    record: r,
    rank: { rank: 3, total: 3 },
    currentChallenge: r.challenge,
    challengeIds: ["robust-service"],
    previous: null,
    best: null,
    runUrl: null,
    workflowUrl: null,
    headSha: SHA,
  });

test("the PR comment of an invalid run says so next to the score, with each reason escaped", () => {
  const r = validateRunRecord(
    {
      ...baseRecord,
      score: 0,
      integrity: {
        valid: false,
        problems: [
          "entry load: Prometheus counted 5000 responses, more than the 4000 iterations the load generator started",
          "entry load: the load was aborted, and not by the harness <img src=x> @admin",
        ],
      },
    },
    "test",
  );
  const body = comment(r);
  matchSnapshot("invalid-run-comment.md.snap", body);
  assert.match(body, /\*\*Score: 0 points\*\* \(\*\*invalid run\*\*\)/);
  assert.match(body, /### Invalid run/);
  assert.match(body, /more than the 4000 iterations/);
  assert.ok(!body.includes("<img"));
  assert.ok(!body.includes(" @admin"));
});

test("a valid run and a record from before the check carry no verdict", () => {
  const cases = [
    { case: "valid", input: { ...baseRecord, integrity: { valid: true, problems: [] } } },
    { case: "not checked (old record)", input: baseRecord },
  ];
  for (const c of cases) assert.doesNotMatch(comment(validateRunRecord(c.input, c.case)), /invalid/i, c.case);
});

test("a run whose load path fell behind keeps its score and says so, escaped, in the comment and the report", async () => {
  const { renderReport } = await import("../../../harness/report.ts");
  const caution =
    "entry load: the load generator fell behind by up to 1.49 s in 3 second(s) (overload) <b>@admin</b>";
  const r = validateRunRecord(
    { ...baseRecord, integrity: { valid: true, problems: [], cautions: [caution] } },
    "t",
  );
  for (const [name, body, heading] of [
    ["comment", comment(r), "### Caution"],
    ["report", renderReport(r), "## Caution"],
  ] as const) {
    assert.ok(body.includes(`${heading}: the platform's load path fell behind`), name);
    assert.match(body, /fell behind by up to 1\.49 s/, name);
    assert.doesNotMatch(body, /invalid run/i, name);
    assert.ok(!body.includes("<b>") && !body.includes(" @admin"), name);
  }
});
