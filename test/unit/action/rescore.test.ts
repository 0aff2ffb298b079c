import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { publishRescore, rescoreMatrix } from "../../../action/src/modes/rescore.ts";
import { makeResultsRepo, type TestResults } from "./results-repo.ts";

const fx = (p: string) => readFileSync(new URL(`../../fixtures/${p}`, import.meta.url), "utf8");
const baseRecord = JSON.parse(fx("results/runs/alice/20261101T080000Z-00003dde.json"));

describe("rescore", () => {
  let root = "";
  let results: TestResults;
  before(() => {
    root = mkdtempSync(path.join(tmpdir(), "rescore-"));
    for (const d of ["alice", "bob", "-bad", "example"])
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
      include: [{ login: "alice" }, { login: "bob" }, { login: "example" }],
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
      const provenance = { ...baseRecord.provenance, pullRequest: null, headSha: null };
      writeFileSync(path.join(d, "run.json"), JSON.stringify({ ...baseRecord, login, provenance, ...rec }));
    };
    put("a", "alice");
    put(
      "b",
      "bob",
      {},
      { runId: "20261101T080000Z-0000beef", challenge: "longest-upkeep", scoreUnit: "seconds" },
    );
    put("c", "mallory");
    put("d", "bob", { pullRequest: 3 });
    const summaries: string[] = [];
    await assert.rejects(
      publishRescore({
        root,
        results: results.store,
        artifactDir: arts,
        summary: async (m) => void summaries.push(m),
        log: () => undefined,
      }),
      /2 rescore artifact\(s\) refused:\n {2}c: contributors\/mallory is not an entry[^]*d: a rescore artifact names a pull request/,
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
