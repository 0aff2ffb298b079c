import { describe, it, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runEvaluate, EntryRejectedError, type EvaluateDeps } from "../../../action/src/modes/evaluate.ts";
import { readArtifact } from "../../../action/src/artifact.ts";
import type { RunOptions, RunResult } from "../../../harness/run.ts";
import type { PullRequestFile } from "../../../action/src/github.ts";
import { FakeGitHub } from "./fake-github.ts";

const fx = (p: string) => readFileSync(new URL(`../../fixtures/${p}`, import.meta.url), "utf8");
const prEvent = JSON.parse(fx("github/pull_request.opened.json"));
const PR: number = prEvent.pull_request.number;
const AUTHOR: string = prEvent.pull_request.user.login;
const SHA: string = prEvent.pull_request.head.sha;
const baseRecord = JSON.parse(fx("results/runs/alice/20261101T080000Z-00003dde.json"));
const inFolder: PullRequestFile[] = [{ filename: `contributors/${AUTHOR}/Dockerfile`, status: "added" }];

describe("evaluate mode", () => {
  let dir = "";
  let runs: RunOptions[] = [];
  let validated: string[] = [];
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "evaluate-"));
    runs = [];
    validated = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const fakeRun = async (opts: RunOptions): Promise<RunResult> => {
    runs.push(opts);
    const record = {
      ...baseRecord,
      login: opts.login,
      challenge: opts.challenge ?? "robust-service",
      provenance: { ...baseRecord.provenance, ...opts.provenance },
    };
    mkdirSync(opts.outDir ?? "", { recursive: true });
    writeFileSync(path.join(opts.outDir ?? "", "run.json"), JSON.stringify(record));
    writeFileSync(path.join(opts.outDir ?? "", "report.md"), "# report\n");
    return {
      record,
      report: "# report\n",
      outDir: opts.outDir ?? "",
      timings: { total: 1, referenceLoad: 0, entryLoad: 0 },
    };
  };
  const deps = (api: FakeGitHub, o: Partial<EvaluateDeps> = {}): EvaluateDeps => ({
    api,
    root: "/repo",
    artifactDir: path.join(dir, "artifact"),
    eventName: "pull_request",
    challenge: null,
    scale: 0.5,
    login: null,
    headSha: null,
    resultsBranch: "results",
    provenance: { repository: "Codertocat/Hello-World", workflowRunId: 9, workflowRunAttempt: 1 },
    validate: async (_root, login) => {
      validated.push(login);
      return [];
    },
    run: fakeRun,
    log: () => undefined,
    ...o,
  });

  it("a PR: the author's folder is run with the challenge chosen on the results branch; the artifact passes publish's reader", async () => {
    const entry = {
      schemaVersion: 1,
      login: AUTHOR,
      challenge: "graceful-degradation",
      challengeSetBy: AUTHOR,
      challengeSetAt: "2026-11-28T12:00:00Z",
      runs: {},
    };
    const api = new FakeGitHub({
      files: { [PR]: inFolder },
      contents: { [`results:entries/${AUTHOR}.json`]: JSON.stringify(entry) },
    });
    const out = await runEvaluate(prEvent, deps(api));
    assert.equal(out.login, AUTHOR);
    assert.deepEqual(validated, [AUTHOR]);
    assert.equal(runs[0]?.challenge, "graceful-degradation");
    assert.equal(runs[0]?.scale, 0.5);
    assert.deepEqual(runs[0]?.provenance, {
      repository: "Codertocat/Hello-World",
      workflowRunId: 9,
      workflowRunAttempt: 1,
      pullRequest: PR,
      headSha: SHA,
    });
    const art = await readArtifact(path.join(dir, "artifact"));
    assert.equal(art.outcome, "run");
    assert.deepEqual(art.meta, {
      schemaVersion: 1,
      pullRequest: PR,
      headSha: SHA,
      login: AUTHOR,
      outcome: "run",
    });
    assert.deepEqual(api.names(), ["listPullRequestFiles", "getFileText"], "read-only calls only");
  });

  it("a challenge input wins over the results branch", async () => {
    const api = new FakeGitHub({ files: { [PR]: inFolder } });
    await runEvaluate(prEvent, deps(api, { challenge: "longest-upkeep" }));
    assert.equal(runs[0]?.challenge, "longest-upkeep");
    assert.deepEqual(api.callsOf("getFileText"), []);
  });

  it("a rule violation: validation.json written, nothing run, the job fails with the violations", async () => {
    const api = new FakeGitHub({ files: { [PR]: inFolder } });
    const v = [{ file: `contributors/${AUTHOR}/Dockerfile`, rule: "dockerfile-rules", message: "no FROM" }];
    await assert.rejects(runEvaluate(prEvent, deps(api, { validate: async () => v })), (e: Error) => {
      assert.ok(e instanceof EntryRejectedError);
      assert.match(e.message, /\[dockerfile-rules\] no FROM/);
      return true;
    });
    assert.equal(runs.length, 0);
    const art = await readArtifact(path.join(dir, "artifact"));
    assert.equal(art.outcome, "invalid");
    assert.ok(!existsSync(path.join(dir, "artifact", "run.json")));
  });

  it("a PR that edits scoring/: refused before validation or any build", async () => {
    const api = new FakeGitHub({
      files: { [PR]: [...inFolder, { filename: "scoring/index.ts", status: "modified" }] },
    });
    await assert.rejects(runEvaluate(prEvent, deps(api)), /pr-scope.*scoring\/index.ts is outside/s);
    assert.deepEqual(validated, []);
    assert.equal(runs.length, 0);
    const art = await readArtifact(path.join(dir, "artifact"));
    assert.equal(art.outcome === "invalid" && art.violations[0]?.rule, "pr-scope");
  });

  it("only a pull_request run evaluates a PR: a dispatch with a PR payload is not one", async () => {
    // The dispatch path is gone: any other event needs the login input and never reads a PR.
    const api = new FakeGitHub({ files: { [PR]: inFolder } });
    await assert.rejects(
      runEvaluate(prEvent, deps(api, { eventName: "workflow_dispatch" })),
      /input "login" is required/,
    );
    assert.deepEqual(api.names(), []);
    assert.equal(runs.length, 0);
  });

  it("a rescore job runs the login input with no PR", async () => {
    const api = new FakeGitHub();
    const out = await runEvaluate({}, deps(api, { eventName: "schedule", login: "bob" }));
    assert.equal(out.login, "bob");
    assert.equal(runs[0]?.provenance?.pullRequest, null);
  });

  it("no PR and no login: the error names the input", async () => {
    await assert.rejects(
      runEvaluate({}, deps(new FakeGitHub(), { eventName: "schedule" })),
      /input "login" is required/,
    );
  });

  it("a login input that is not the PR's folder is refused", async () => {
    const api = new FakeGitHub({ files: { [PR]: inFolder } });
    await assert.rejects(runEvaluate(prEvent, deps(api, { login: "alice" })), /input "login": alice/);
  });
});
