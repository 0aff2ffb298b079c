/**
 * publish trusts nothing it did not compute: the score is computed again from the record's own
 * measurements (and refused when it differs), a failed or invalid run publishes 0, the harness must
 * be the base's, and the PR is the one whose head repository and branch ran, not any PR at that SHA.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runPublish } from "../../../action/src/modes/publish.ts";
import {
  BASE_COMMIT,
  fake,
  LOGIN,
  meta,
  PR,
  publishSetup,
  record,
  scoredRecord,
  SHA,
  wrEvent,
} from "./publish-fixture.ts";

const good = scoredRecord();
const m = good.measurements!;
const phase0 = m.entry!.phases[0]!;

describe("publish recomputes the score", () => {
  const s = publishSetup();

  const refused = [
    {
      case: "an inflated score",
      run: record({ score: good.score + 5 }),
      err: /score refused: .*score 87\.56, recomputed 82\.56/,
    },
    {
      case: "an inflated component",
      run: record({
        components: good.components.map((c, i) => (i === 0 ? { ...c, points: c.points + 1 } : c)),
      }),
      err: /score refused: .*capacity: 46\.64 of 60 points, recomputed 45\.64 of 60/,
    },
    {
      case: "a dropped component",
      run: record({ components: good.components.slice(1) }),
      err: /score refused: .*3 components, recomputed 4/,
    },
    {
      case: "an old record without measurements",
      run: record({ measurements: undefined }),
      err: /carries no measurements to recompute its score from/,
    },
    {
      case: "measurements that do not give the score",
      run: record({
        measurements: {
          ...m,
          entry: { ...m.entry!, phases: m.entry!.phases.map((p) => ({ ...p, p99: 5000 })) },
        },
      }),
      err: /score refused: .*recomputed 0/,
    },
    {
      case: "wrong bodies hidden from verification.duringLoad",
      run: record({
        measurements: {
          ...m,
          entry: {
            ...m.entry!,
            phases: [{ ...phase0, counts: { ...phase0.counts, wrong_body: 7 } }, ...m.entry!.phases.slice(1)],
          },
        },
      }),
      err: /duringLoad says 0 of \d+ bodies were wrong, the measurements 7 of/,
    },
    {
      case: "a calibration figure the reference did not measure",
      run: record({ provenance: { ...good.provenance, calibration: { referenceCapacityRps: 5 } } }),
      err: /provenance.calibration says 5 req\/s, the reference's measurements 1109\.0/,
    },
    {
      case: "a chart that does not show the measurements",
      run: record({
        series: {
          ...good.series,
          values: { ...good.series.values, rps: good.series.values.rps!.map((x) => (x ?? 0) * 2) },
        },
      }),
      err: /the charts do not show the measurements: series.rps\[0\] is \d+, the samples say \d+/,
    },
    {
      case: "a harness that is not the base's",
      run: record({ provenance: { ...good.provenance, harnessCommit: "f".repeat(40) } }),
      err: /forged: run.json was measured by harness f{40}, not the base's ba5e/,
    },
    {
      case: "no harness commit",
      run: record({ provenance: { ...good.provenance, harnessCommit: null } }),
      err: /measured by harness \(unknown\)/,
    },
  ];
  for (const c of refused) {
    it(`refuses ${c.case}: nothing written, no comment`, async () => {
      const before = s.results.files().join() + s.results.show(`entries/${LOGIN}.json`);
      s.write({ "meta.json": meta(), "run.json": c.run });
      const api = fake();
      await assert.rejects(runPublish(wrEvent, s.deps(api)), c.err);
      assert.equal(s.results.files().join() + s.results.show(`entries/${LOGIN}.json`), before);
      assert.deepEqual(api.callsOf("createComment"), []);
    });
  }

  const zero = [
    {
      case: "failed verification",
      run: record({
        runId: "20261102T000000Z-00000001",
        verification: { ...good.verification, passed: false },
      }),
    },
    {
      case: "an invalid verdict",
      run: record({
        runId: "20261102T000000Z-00000002",
        integrity: { valid: false, problems: ["entry load: 3 seconds missing"] },
      }),
    },
  ];
  for (const c of zero) {
    it(`publishes 0 for ${c.case}, whatever score and points the record claims`, async () => {
      s.write({ "meta.json": meta(), "run.json": c.run });
      await runPublish(wrEvent, s.deps(fake()));
      const written = JSON.parse(s.results.show(`runs/${LOGIN}/${c.run.runId}.json`) ?? "null");
      assert.equal(written.score, 0);
      assert.ok(written.components.every((k: { points: number }) => k.points === 0));
      assert.equal(good.score > 0, true);
    });
  }

  it("publishes its own components: labels and explanations are this code's words", async () => {
    const run = record({
      runId: "20261102T000000Z-00000003",
      components: good.components.map((c) => ({ ...c, label: "PWNED", explanation: "trust me" })),
    });
    s.write({ "meta.json": meta(), "run.json": run });
    await runPublish(wrEvent, s.deps(fake()));
    const written = s.results.show(`runs/${LOGIN}/${run.runId}.json`) ?? "";
    assert.doesNotMatch(written, /PWNED|trust me/);
    assert.equal(JSON.parse(written).score, good.score);
  });
});

describe("publish finds the PR by head repository and branch", () => {
  const s = publishSetup();
  const other = { number: 8, state: "open", authorLogin: "mallory", headSha: SHA, htmlUrl: "x" };

  const cases = [
    { case: "a fork's PR at the same SHA", pr: { ...other, headRepo: "mallory/fork", headRef: "main" } },
    {
      case: "a second branch at the same SHA",
      pr: { ...other, headRepo: "octo-org/octo-repo", headRef: "copy" },
    },
  ];
  for (const c of cases) {
    it(`${c.case} neither blocks nor hijacks the publish of the PR that ran`, async () => {
      s.write({ "meta.json": meta(), "run.json": record() });
      const api = fake();
      api.state.pulls.push(c.pr);
      const out = await runPublish(wrEvent, s.deps(api));
      assert.equal(out.pr, PR);
      assert.deepEqual(
        api.callsOf("createComment").map((a) => a[0]),
        [PR],
      );
    });
  }

  it("refuses when no open PR has the run's head repository and branch", async () => {
    s.write({ "meta.json": meta(), "run.json": record() });
    const api = fake();
    api.state.pulls[0] = { ...api.state.pulls[0]!, headRepo: "mallory/fork" };
    await assert.rejects(
      runPublish(wrEvent, s.deps(api)),
      /0 open pull requests have head octo-org\/octo-repo:main/,
    );
  });

  it("refuses a payload without head repository or branch", async () => {
    s.write({ "meta.json": meta(), "run.json": record() });
    const ev = { ...wrEvent, workflow_run: { ...wrEvent.workflow_run, head_repository: null } };
    await assert.rejects(runPublish(ev, s.deps(fake())), /names no head repository and branch/);
  });

  it("the base commit the tests use is the one the record names", () => {
    assert.equal(good.provenance.harnessCommit, BASE_COMMIT);
  });
});
