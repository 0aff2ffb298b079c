import { describe, it, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runScope, EntryRejectedError } from "../../../action/src/modes/evaluate.ts";
import { readArtifact } from "../../../action/src/artifact.ts";
import type { PullRequestFile } from "../../../action/src/github.ts";
import { FakeGitHub } from "./fake-github.ts";

// The real pull_request payload (test/fixtures/github): its number and author are what scope reads.
const prEvent = JSON.parse(
  readFileSync(new URL("../../fixtures/github/pull_request.opened.json", import.meta.url), "utf8"),
);
const PR: number = prEvent.pull_request.number;
const AUTHOR: string = prEvent.pull_request.user.login;
const mine = (f: string): PullRequestFile => ({ filename: `contributors/${AUTHOR}/${f}`, status: "added" });

describe("scope mode (the first step of evaluate)", () => {
  let dir = "";
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "scope-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const deps = (api: FakeGitHub, eventName = "pull_request") => ({
    api,
    artifactDir: path.join(dir, "artifact"),
    eventName,
  });

  it("a PR inside its author's folder: returns the folder, writes nothing", async () => {
    const api = new FakeGitHub({ files: { [PR]: [mine("Dockerfile"), mine("entry.yml")] } });
    assert.equal(await runScope(prEvent, deps(api)), AUTHOR);
    assert.deepEqual(api.names(), ["listPullRequestFiles"]);
    assert.ok(!existsSync(path.join(dir, "artifact")));
  });

  const refused: { case: string; files: PullRequestFile[]; named: string[] }[] = [
    {
      case: "the scoring code",
      files: [mine("Dockerfile"), { filename: "scoring/index.ts", status: "modified" }],
      named: ["scoring/index.ts"],
    },
    {
      case: "the workflows and the lockfile (every file named)",
      files: [
        { filename: ".github/workflows/evaluate.yml", status: "modified" },
        mine("Dockerfile"),
        { filename: "package-lock.json", status: "modified" },
      ],
      named: [".github/workflows/evaluate.yml", "package-lock.json"],
    },
    {
      case: "someone else's folder",
      files: [mine("Dockerfile"), { filename: "contributors/alice/entry.yml", status: "modified" }],
      named: ["contributors/alice/entry.yml"],
    },
    {
      case: "a rename out of the harness",
      files: [{ filename: mine("x.ts").filename, previousFilename: "harness/run.ts", status: "renamed" }],
      named: ["harness/run.ts"],
    },
    { case: "no files at all", files: [], named: [] },
  ];
  for (const c of refused) {
    it(`refuses a PR that changes ${c.case}: fails naming the files, artifact says why`, async () => {
      const api = new FakeGitHub({ files: { [PR]: c.files } });
      const err = await runScope(prEvent, deps(api)).then(
        () => assert.fail("not refused"),
        (e: unknown) => e,
      );
      assert.ok(err instanceof EntryRejectedError);
      for (const f of c.named) assert.match(err.message, new RegExp(f.replace(/[.*]/g, "\\$&")));
      if (c.named.length > 0)
        assert.match(err.message, new RegExp(`may change only contributors/${AUTHOR}/`));
      const art = await readArtifact(path.join(dir, "artifact"));
      assert.equal(art.outcome, "invalid");
      assert.equal(art.outcome === "invalid" && art.violations[0]?.rule, "pr-scope");
      assert.equal(art.meta.pullRequest, PR);
    });
  }

  it("refuses to run outside a pull_request run", async () => {
    const api = new FakeGitHub({ files: { [PR]: [mine("Dockerfile")] } });
    await assert.rejects(runScope(prEvent, deps(api, "workflow_dispatch")), /only on pull_request/);
    assert.deepEqual(api.names(), []);
  });
});
