import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { publishRescore, rescoreMatrix } from "../../../action/src/modes/rescore.ts";
import { makeResultsRepo, type TestResults } from "./results-repo.ts";

import { BASE_COMMIT, ROOT, scoredRecord } from "./publish-fixture.ts";
import type { ChallengeId } from "../../../record/run-record.ts";

const baseRecord = scoredRecord();

describe("rescore", () => {
  let root = "";
  let results: TestResults;
  before(() => {
    root = mkdtempSync(path.join(tmpdir(), "rescore-"));
    for (const d of ["alice", "bob", "carol", "dave", "-bad", "example"])
      mkdirSync(path.join(root, "contributors", d), { recursive: true });
    writeFileSync(path.join(root, "contributors", "README.md"), "x");
    symlinkSync(path.join(root, "contributors", "alice"), path.join(root, "contributors", "linked"));
    results = makeResultsRepo();
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
    results.cleanup();
  });

  it("the matrix lists plain folders with valid logins only", async () => {
    assert.deepEqual(JSON.parse(await rescoreMatrix(root)), {
      include: [
        { login: "alice" },
        { login: "bob" },
        { login: "carol" },
        { login: "dave" },
        { login: "example" },
      ],
    });
  });

  it("publishes every valid artifact in one commit and refuses the rest (then fails)", async () => {
    const arts = path.join(root, "artifacts");
    const put = (
      name: string,
      login: string,
      meta: Record<string, unknown> = {},
      rec: Record<string, unknown> = {},
    ) => {
      const d = path.join(arts, name);
      mkdirSync(d, { recursive: true });
      writeFileSync(
        path.join(d, "meta.json"),
        JSON.stringify({
          schemaVersion: 1,
          pullRequest: null,
          headSha: null,
          login,
          outcome: "run",
          ...meta,
        }),
      );
      const r = scoredRecord((rec.challenge as ChallengeId | undefined) ?? "robust-service", login);
      const provenance = { ...r.provenance, pullRequest: null, headSha: null };
      writeFileSync(path.join(d, "run.json"), JSON.stringify({ ...r, provenance, ...rec }));
    };
    const dir = (login: string) => `sre-chaos-run-${login}`;
    put(dir("alice"), "alice");
    put(dir("bob"), "bob", {}, { runId: "20261101T080000Z-0000beef", challenge: "longest-upkeep" });
    put(dir("mallory"), "mallory");
    put(dir("carol"), "carol", { pullRequest: 3 });
    // The artifact named for example holds alice's record: a job may only speak for its own login.
    put(dir("example"), "alice", {}, { runId: "20261101T080000Z-0000dead" });
    // A score the measurements do not give.
    put(dir("dave"), "dave", {}, { score: 99 });
    const summaries: string[] = [];
    await assert.rejects(
      publishRescore({
        root,
        scoringRoot: ROOT,
        baseCommit: BASE_COMMIT,
        results: results.store,
        artifactDir: arts,
        summary: async (m) => void summaries.push(m),
        log: () => undefined,
      }),
      (e: Error) => {
        const lines = e.message.split("\n  ");
        assert.match(lines[0] ?? "", /^4 rescore artifact\(s\) refused:$/);
        assert.deepEqual(lines.slice(1), [
          "sre-chaos-run-carol: a rescore artifact names a pull request",
          "sre-chaos-run-dave: score refused: the record's figures do not follow from its measurements: score 99, recomputed 82.56",
          "sre-chaos-run-example: artifact sre-chaos-run-example holds a record of alice",
          "sre-chaos-run-mallory: contributors/mallory is not an entry on the default branch",
        ]);
        return true;
      },
    );
    assert.deepEqual(results.files(), [
      "README.md",
      "entries/alice.json",
      "entries/bob.json",
      `runs/alice/${baseRecord.runId}.json`,
      "runs/bob/20261101T080000Z-0000beef.json",
    ]);
    assert.equal(JSON.parse(results.show("entries/bob.json") ?? "null").runs["longest-upkeep"].count, 1);
    assert.match(summaries[0] ?? "", /\| alice \| robust-service \|/);
  });
});
