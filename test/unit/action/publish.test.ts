/**
 * publish mode, the paths that publish: a good artifact (written, commented once, updated on a
 * rerun), an invalid entry, dispatched runs, the sticky comment's marker. Refusals of hostile
 * input are in publish-refusals.test.ts.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runPublish } from "../../../action/src/modes/publish.ts";
import { baseRecord, fake, LOGIN, meta, PR, publishSetup, record, SHA, wrEvent } from "./publish-fixture.ts";
import { matchSnapshot } from "./snapshot.ts";

describe("publish mode", () => {
  const s = publishSetup();

  it("a good artifact: run and entry written, one comment created, then UPDATED on a rerun", async () => {
    s.write({ "meta.json": meta(), "run.json": record(), "report.md": "# report\n" });
    const api = fake();
    const out = await runPublish(wrEvent, s.deps(api));
    assert.equal(out.comment.created, true);
    const runPath = `runs/${LOGIN}/${baseRecord.runId}.json`;
    const written = JSON.parse(s.results.show(runPath) ?? "null");
    assert.equal(written.provenance.pullRequest, PR);
    assert.equal(written.provenance.headSha, SHA);
    assert.equal(written.provenance.workflowRunId, wrEvent.workflow_run.id);
    const entry = JSON.parse(s.results.show(`entries/${LOGIN}.json`) ?? "null");
    assert.equal(entry.runs["robust-service"].count, 1);
    assert.deepEqual(api.callsOf("findPullRequestsForSha"), [[SHA]]);
    assert.equal(api.callsOf("createComment").length, 1);
    assert.equal(api.callsOf("getPullRequest").length, 0, "the PR comes from the SHA, not a number");
    const body = String(api.callsOf("createComment")[0]?.[1]);
    matchSnapshot("publish-comment.md.snap", body);
    matchSnapshot("publish-summary.md.snap", s.summaries[0] ?? "");

    const api2 = fake();
    api2.state.comments = api.state.comments;
    const again = await runPublish(wrEvent, s.deps(api2));
    assert.equal(again.comment.created, false);
    assert.equal(again.comment.id, out.comment.id);
    assert.equal(api2.callsOf("createComment").length, 0);
    assert.equal(api2.callsOf("updateComment").length, 1);
    assert.equal(
      JSON.parse(s.results.show(`entries/${LOGIN}.json`) ?? "null").runs["robust-service"].count,
      1,
      "a rerun does not count twice",
    );
  });

  it("an invalid entry: the violations are commented, no run written", async () => {
    const before = s.results.files();
    s.write({
      "meta.json": meta({ outcome: "invalid" }),
      "validation.json": [
        {
          file: `contributors/${LOGIN}/Dockerfile`,
          rule: "dockerfile-rules",
          message: "FROM must be nginx <b>",
        },
      ],
    });
    const api = fake();
    const out = await runPublish(wrEvent, s.deps(api));
    assert.equal(out.runId, null);
    assert.deepEqual(s.results.files(), before);
    const body = String(api.callsOf("createComment")[0]?.[1] ?? api.callsOf("updateComment")[0]?.[1]);
    assert.match(body, /dockerfile-rules/);
    assert.doesNotMatch(body, /<b>/);
  });

  it("refuses a head SHA with no open PR, and events other than pull_request", async () => {
    s.write({ "meta.json": meta(), "run.json": record() });
    const api = fake();
    api.state.pulls = [];
    await assert.rejects(runPublish(wrEvent, s.deps(api)), /0 open pull requests/);
    const push = structuredClone(wrEvent);
    push.workflow_run.event = "push";
    await assert.rejects(runPublish(push, s.deps(fake())), /"push" is not published/);
  });

  it("a dispatched run is not published, even one whose title names a PR", async () => {
    // Only a PR's own pull_request run evaluates it; nothing dispatches evaluate any more.
    s.write({ "meta.json": meta(), "run.json": record() });
    const ev = structuredClone(wrEvent);
    ev.workflow_run.event = "workflow_dispatch";
    ev.workflow_run.display_title = `evaluate PR #${PR} at ${SHA}`;
    const api = fake();
    await assert.rejects(runPublish(ev, s.deps(api)), /"workflow_dispatch" is not published/);
    assert.deepEqual(api.names(), []);
  });
  it("a user's comment carrying the marker is never taken over; hostile record text is escaped", async () => {
    // An invalid run keeps its own components (for diagnosis), so its text reaches the comment.
    const hostile = record({
      runId: "20261101T090000Z-0000abcd",
      score: 0,
      integrity: { valid: false, problems: ["entry load: 2 seconds missing"] },
      components: [
        {
          ...baseRecord.components[0],
          label: "@everyone <img src=x onerror=alert(1)>",
          explanation: "| broken | table\n## heading [link](javascript:alert(1))",
        },
      ],
    });
    s.write({ "meta.json": meta(), "run.json": hostile });
    const api = fake();
    api.state.comments[PR] = [
      { id: 1, body: `<!-- sre-chaos:comment login=${LOGIN} -->\nfake score 9999`, userLogin: LOGIN },
    ];
    await runPublish(wrEvent, s.deps(api));
    assert.deepEqual(api.callsOf("updateComment"), []);
    const body = String(api.callsOf("createComment")[0]?.[1]);
    // Raw HTML, a live mention, a new heading or a live link would all be the record's author writing on our comment.
    assert.doesNotMatch(body, /<img|@everyone|\n## heading|(?<!\\)\]\(javascript/);
    assert.match(body, /&lt;img src=x onerror=alert\(1\)&gt;/);
  });

  it("snapshots the violations comment", async () => {
    s.write({
      "meta.json": meta({ outcome: "invalid" }),
      "validation.json": [
        {
          file: `contributors/${LOGIN}/Dockerfile`,
          rule: "dockerfile-rules",
          message: "the base image must be nginx",
        },
        {
          file: `contributors/${LOGIN}/run.sh`,
          rule: "no-special-files",
          message: "symlinks are not allowed",
        },
      ],
    });
    const api = fake();
    await runPublish(wrEvent, s.deps(api));
    matchSnapshot("publish-invalid-comment.md.snap", String(api.callsOf("createComment")[0]?.[1]));
  });
});
