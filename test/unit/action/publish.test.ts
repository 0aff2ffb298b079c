import { describe, it, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runPublish } from "../../../action/src/modes/publish.ts";
import type { PullRequestFile } from "../../../action/src/github.ts";
import { FakeGitHub } from "./fake-github.ts";
import { makeResultsRepo, type TestResults } from "./results-repo.ts";
import { matchSnapshot } from "./snapshot.ts";

const fx = (p: string) => readFileSync(new URL(`../../fixtures/${p}`, import.meta.url), "utf8");
const wrEvent = JSON.parse(fx("github/workflow_run.completed.json"));
const SHA: string = wrEvent.workflow_run.head_sha;
const LOGIN = "Codertocat";
const PR = 7;
const baseRecord = JSON.parse(fx("results/runs/alice/20261101T080000Z-00003dde.json"));

function record(overrides: Record<string, unknown> = {}) {
  const r = structuredClone(baseRecord);
  return { ...r, login: LOGIN, provenance: { ...r.provenance, pullRequest: PR, headSha: SHA }, ...overrides };
}
const meta = (o: Record<string, unknown> = {}) => ({
  schemaVersion: 1,
  pullRequest: PR,
  headSha: SHA,
  login: LOGIN,
  outcome: "run",
  ...o,
});

const okFiles: PullRequestFile[] = [
  { filename: `contributors/${LOGIN}/Dockerfile`, status: "added" },
  { filename: `contributors/${LOGIN}/entry.yml`, status: "added" },
];

function fake(
  files: PullRequestFile[] = okFiles,
  tree = [{ path: `contributors/${LOGIN}/Dockerfile`, mode: "100644", type: "blob" }],
) {
  return new FakeGitHub({
    pulls: [
      {
        number: PR,
        state: "open",
        authorLogin: LOGIN,
        headSha: SHA,
        htmlUrl: "https://example.invalid/pull/7",
      },
    ],
    files: { [PR]: files },
    trees: { [SHA]: tree },
  });
}

describe("publish mode", () => {
  let results: TestResults;
  let dir = "";
  let summaries: string[] = [];
  before(async () => {
    results = makeResultsRepo();
    // Two other entries already on the board, so the rank means something.
    await results.store.publish(
      async () =>
        ["alice", "bob-the-builder"].map((l) => ({
          path: `entries/${l}.json`,
          content: fx(`results/entries/${l}.json`),
        })),
      "seed",
    );
  });
  after(() => results.cleanup());
  beforeEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(path.join(tmpdir(), "artifact-"));
    summaries = [];
  });
  const write = (files: Record<string, unknown>) => {
    for (const [n, v] of Object.entries(files))
      writeFileSync(path.join(dir, n), typeof v === "string" ? v : JSON.stringify(v));
  };
  const deps = (api: FakeGitHub) => ({
    api,
    results: results.store,
    artifactDir: dir,
    siteUrl: "https://codertocat.github.io/Hello-World/",
    summary: async (m: string) => void summaries.push(m),
    log: () => undefined,
  });

  it("a good artifact: run and entry written, one comment created, then UPDATED on a rerun", async () => {
    write({ "meta.json": meta(), "run.json": record(), "report.md": "# report\n" });
    const api = fake();
    const out = await runPublish(wrEvent, deps(api));
    assert.equal(out.comment.created, true);
    const runPath = `runs/${LOGIN}/${baseRecord.runId}.json`;
    const written = JSON.parse(results.show(runPath) ?? "null");
    assert.equal(written.provenance.pullRequest, PR);
    assert.equal(written.provenance.headSha, SHA);
    assert.equal(written.provenance.workflowRunId, wrEvent.workflow_run.id);
    const entry = JSON.parse(results.show(`entries/${LOGIN}.json`) ?? "null");
    assert.equal(entry.runs["robust-service"].count, 1);
    assert.deepEqual(api.callsOf("findPullRequestsForSha"), [[SHA]]);
    assert.equal(api.callsOf("createComment").length, 1);
    assert.equal(api.callsOf("getPullRequest").length, 0, "the PR comes from the SHA, not a number");
    const body = String(api.callsOf("createComment")[0]?.[1]);
    matchSnapshot("publish-comment.md.snap", body);
    matchSnapshot("publish-summary.md.snap", summaries[0] ?? "");

    const api2 = fake();
    api2.state.comments = api.state.comments;
    const again = await runPublish(wrEvent, deps(api2));
    assert.equal(again.comment.created, false);
    assert.equal(again.comment.id, out.comment.id);
    assert.equal(api2.callsOf("createComment").length, 0);
    assert.equal(api2.callsOf("updateComment").length, 1);
    assert.equal(
      JSON.parse(results.show(`entries/${LOGIN}.json`) ?? "null").runs["robust-service"].count,
      1,
      "a rerun does not count twice",
    );
  });

  it("an invalid entry: the violations are commented, no run written", async () => {
    const before = results.files();
    write({
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
    const out = await runPublish(wrEvent, deps(api));
    assert.equal(out.runId, null);
    assert.deepEqual(results.files(), before);
    const body = String(api.callsOf("createComment")[0]?.[1] ?? api.callsOf("updateComment")[0]?.[1]);
    assert.match(body, /dockerfile-rules/);
    assert.doesNotMatch(body, /<b>/);
  });

  const big = "x".repeat(2 * 1024 * 1024 + 1);
  const forged = [
    {
      case: "schema-invalid run.json",
      files: { "meta.json": meta(), "run.json": { ...record(), score: -1 } },
      err: /score/,
    },
    {
      case: "oversize report",
      files: { "meta.json": meta(), "run.json": record(), "report.md": big },
      err: /bytes \(max/,
    },
    {
      case: "unexpected file",
      files: { "meta.json": meta(), "run.json": record(), "evil.sh": "x" },
      err: /unexpected file "evil.sh"/,
    },
    {
      case: "meta PR number mismatch",
      files: { "meta.json": meta({ pullRequest: 8 }), "run.json": record() },
      err: /forged: meta.json names PR 8/,
    },
    {
      case: "meta head SHA mismatch",
      files: { "meta.json": meta({ headSha: "b".repeat(40) }), "run.json": record() },
      err: /forged/,
    },
    {
      case: "login not the PR author",
      files: { "meta.json": meta({ login: "alice" }), "run.json": record({ login: "alice" }) },
      err: /forged: meta.json login alice/,
    },
    {
      case: "run.json login differs from meta",
      files: { "meta.json": meta(), "run.json": record({ login: "alice" }) },
      err: /differs/,
    },
    {
      case: "provenance names another PR",
      files: {
        "meta.json": meta(),
        "run.json": record({ provenance: { ...baseRecord.provenance, headSha: SHA, pullRequest: 99 } }),
      },
      err: /provenance.pullRequest 99/,
    },
    {
      case: "login with path tricks",
      files: { "meta.json": meta({ login: "../scoring" }), "run.json": record() },
      err: /meta.json: login/,
    },
    { case: "missing meta", files: { "run.json": record() }, err: /meta.json is missing/ },
  ];
  for (const c of forged) {
    it(`refuses a forged artifact (${c.case}): nothing written, no comment`, async () => {
      const before = results.files().join() + results.show(`entries/${LOGIN}.json`);
      write(c.files);
      const api = fake();
      await assert.rejects(runPublish(wrEvent, deps(api)), c.err);
      assert.equal(results.files().join() + results.show(`entries/${LOGIN}.json`), before);
      assert.deepEqual(api.callsOf("createComment"), []);
      assert.deepEqual(api.callsOf("updateComment"), []);
    });
  }

  it("refuses a symlink in the artifact", async () => {
    write({ "meta.json": meta() });
    symlinkSync("/etc/passwd", path.join(dir, "run.json"));
    await assert.rejects(runPublish(wrEvent, deps(fake())), /run.json is not a regular file/);
  });

  const many = Array.from({ length: 250 }, (_, i) => ({
    filename: `contributors/${LOGIN}/html/p${i}.html`,
    status: "added",
  }));
  const scope = [
    {
      case: "a PR that edits scoring/",
      files: [...okFiles, { filename: "scoring/challenges/robust-service.yml", status: "modified" }],
      err: /scoring\/challenges\/robust-service.yml is outside/,
    },
    {
      case: "someone else's folder",
      files: [...okFiles, { filename: "contributors/alice/entry.yml", status: "modified" }],
      err: /someone else's folder/,
    },
    {
      case: "a rename out of the folder",
      files: [
        {
          filename: `contributors/${LOGIN}/x.yml`,
          previousFilename: "scoring/challenges/x.yml",
          status: "renamed",
        },
      ],
      err: /scoring\/challenges\/x.yml is outside/,
    },
    {
      case: "a rename into another folder",
      files: [
        { filename: "contributors/alice/x", previousFilename: `contributors/${LOGIN}/x`, status: "renamed" },
      ],
      err: /someone else's/,
    },
    {
      case: "a path with ..",
      files: [{ filename: `contributors/${LOGIN}/../../scoring/x.ts`, status: "added" }],
      err: /outside/,
    },
    {
      case: "paginated files, the 251st outside",
      files: [...many, { filename: ".github/workflows/publish.yml", status: "modified" }],
      err: /.github\/workflows\/publish.yml is outside/,
    },
    { case: "no files", files: [], err: /no files/ },
  ];
  for (const c of scope) {
    it(`refuses ${c.case}: explains on the PR, writes nothing, never reads the artifact`, async () => {
      const before = results.files().join();
      write({ "meta.json": meta(), "run.json": record() });
      const api = fake(c.files as PullRequestFile[]);
      await assert.rejects(runPublish(wrEvent, deps(api)), c.err);
      assert.equal(results.files().join(), before);
      const bodies = [...api.callsOf("createComment"), ...api.callsOf("updateComment")].map((a) =>
        String(a[1]),
      );
      assert.equal(bodies.length, 1);
      assert.match(bodies[0] ?? "", /not scored/);
    });
  }

  const trees = [
    {
      case: "a symlink",
      entry: { path: `contributors/${LOGIN}/html`, mode: "120000", type: "blob" },
      err: /symlink/,
    },
    {
      case: "a submodule",
      entry: { path: `contributors/${LOGIN}/vendor`, mode: "160000", type: "commit" },
      err: /submodule/,
    },
  ];
  for (const c of trees) {
    it(`refuses an entry holding ${c.case}`, async () => {
      write({ "meta.json": meta(), "run.json": record() });
      await assert.rejects(runPublish(wrEvent, deps(fake(okFiles, [c.entry]))), c.err);
    });
  }

  it("a paginated files list (>100 files) all inside the folder is accepted", async () => {
    write({ "meta.json": meta(), "run.json": record() });
    const api = fake(many);
    const out = await runPublish(wrEvent, deps(api));
    assert.equal(out.login, LOGIN);
  });

  it("refuses a head SHA with no open PR, and events other than pull_request/dispatch", async () => {
    write({ "meta.json": meta(), "run.json": record() });
    const api = fake();
    api.state.pulls = [];
    await assert.rejects(runPublish(wrEvent, deps(api)), /0 open pull requests/);
    const push = structuredClone(wrEvent);
    push.workflow_run.event = "push";
    await assert.rejects(runPublish(push, deps(fake())), /"push" is not published/);
  });

  it("a dispatched run finds its PR from the run title and refuses a moved head", async () => {
    write({ "meta.json": meta(), "run.json": record() });
    const ev = structuredClone(wrEvent);
    ev.workflow_run.event = "workflow_dispatch";
    ev.workflow_run.display_title = `evaluate PR #${PR} at ${SHA}`;
    const api = fake();
    await runPublish(ev, deps(api));
    assert.deepEqual(api.callsOf("getPullRequest"), [[PR]]);
    ev.workflow_run.display_title = `evaluate PR #${PR} at ${"c".repeat(40)}`;
    await assert.rejects(runPublish(ev, deps(fake())), /moved on/);
  });
  it("a user's comment carrying the marker is never taken over; hostile record text is escaped", async () => {
    const hostile = record({
      runId: "20261101T090000Z-0000abcd",
      components: [
        {
          ...baseRecord.components[0],
          label: "@everyone <img src=x onerror=alert(1)>",
          explanation: "| broken | table\n## heading [link](javascript:alert(1))",
        },
      ],
    });
    write({ "meta.json": meta(), "run.json": hostile });
    const api = fake();
    api.state.comments[PR] = [
      { id: 1, body: `<!-- sre-chaos:comment login=${LOGIN} -->\nfake score 9999`, userLogin: LOGIN },
    ];
    await runPublish(wrEvent, deps(api));
    assert.deepEqual(api.callsOf("updateComment"), []);
    const body = String(api.callsOf("createComment")[0]?.[1]);
    // Raw HTML, a live mention, a new heading or a live link would all be the record's author writing on our comment.
    assert.doesNotMatch(body, /<img|@everyone|\n## heading|(?<!\\)\]\(javascript/);
    assert.match(body, /&lt;img src=x onerror=alert\(1\)&gt;/);
  });

  it("snapshots the violations comment", async () => {
    write({
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
    await runPublish(wrEvent, deps(api));
    matchSnapshot("publish-invalid-comment.md.snap", String(api.callsOf("createComment")[0]?.[1]));
  });
});
