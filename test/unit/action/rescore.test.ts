import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { listEntries, publishRescore, rescoreMatrix, runShard } from "../../../action/src/modes/rescore.ts";
import { readArtifact } from "../../../action/src/artifact.ts";
import { readResultsTree, removeResultsTree } from "../../../action/src/results-branch.ts";
import { RESCORE_DEFAULTS } from "../../../action/src/rescore-plan.ts";
import { makeResultsRepo, type TestResults } from "./results-repo.ts";
import { BASE_COMMIT, ROOT } from "./publish-fixture.ts";
import { FakeGitHub } from "./fake-github.ts";
import { makeCheckout, recordingRun, rescoreRecord, shardDeps } from "./rescore-fixture.ts";
import type { ChallengeId } from "../../../record/run-record.ts";
import { newEntryRecord } from "../../../record/entry-record.ts";

const auto = { shards: null, ...RESCORE_DEFAULTS };

/** Writes `<dir>/<name>/meta.json` and `run.json` of a rescore run of `login`. */
function put(dir: string, name: string, login: string, meta: object = {}, rec: Record<string, unknown> = {}) {
  const d = path.join(dir, name);
  mkdirSync(d, { recursive: true });
  const m = { schemaVersion: 1, pullRequest: null, headSha: null, login, outcome: "run", ...meta };
  writeFileSync(path.join(d, "meta.json"), JSON.stringify(m));
  const r = rescoreRecord(login, (rec.challenge as ChallengeId | undefined) ?? "robust-service");
  writeFileSync(path.join(d, "run.json"), JSON.stringify({ ...r, ...rec }));
}

describe("rescore", () => {
  let root = "";
  let results: TestResults;
  before(() => {
    root = mkdtempSync(path.join(tmpdir(), "rescore-"));
    for (const d of ["alice", "bob", "carol", "dave", "erin", "-bad", "example"])
      mkdirSync(path.join(root, "contributors", d), { recursive: true });
    writeFileSync(path.join(root, "contributors", "README.md"), "x");
    symlinkSync(path.join(root, "contributors", "alice"), path.join(root, "contributors", "linked"));
    results = makeResultsRepo();
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
    results.cleanup();
  });

  it("the plan counts plain folders with valid logins only", async () => {
    assert.deepEqual(await listEntries(root), ["alice", "bob", "carol", "dave", "erin", "example"]);
    const out = mkdtempSync(path.join(tmpdir(), "rescore-plan-"));
    const { plan, outputs } = await rescoreMatrix(root, auto, out);
    assert.equal(plan.shards, 6);
    assert.deepEqual(JSON.parse(readFileSync(path.join(out, "plan.json"), "utf8")), {
      entries: 6,
      shards: 6,
      perShard: 1,
      parallel: 4,
      timeoutMinutes: 45,
      matrices: [6],
    });
    rmSync(out, { recursive: true, force: true });
    assert.deepEqual(JSON.parse(outputs["matrix-1"]!), {
      include: [0, 1, 2, 3, 4, 5].map((shard) => ({ shard })),
    });
  });

  it("publishes every valid run of every shard in one commit, reports the rest by name (then fails)", async () => {
    const arts = mkdtempSync(path.join(tmpdir(), "rescore-arts-"));
    // Two shards over the six entries: alice, bob, carol | dave, erin, example.
    const s0 = "sre-chaos-shard-0";
    const s1 = "sre-chaos-shard-1";
    put(arts, `${s0}/sre-chaos-run-alice`, "alice");
    put(
      arts,
      `${s0}/sre-chaos-run-bob`,
      "bob",
      {},
      { runId: "20261101T080000Z-0000beef", challenge: "longest-upkeep" },
    );
    put(arts, `${s0}/sre-chaos-run-carol`, "carol", { pullRequest: 3 });
    put(arts, `${s1}/sre-chaos-run-mallory`, "mallory");
    // The folder named for example holds alice's record: a folder may only speak for its own login.
    put(arts, `${s1}/sre-chaos-run-example`, "alice", {}, { runId: "20261101T080000Z-0000dead" });
    // Shard 1 speaks for alice, whom shard 0 evaluates.
    put(arts, `${s1}/sre-chaos-run-alice`, "alice", {}, { runId: "20261101T080000Z-0000f00d" });
    // A score the measurements do not give.
    put(arts, `${s1}/sre-chaos-run-dave`, "dave", {}, { score: 99 });
    put(arts, "sre-chaos-shard-7/sre-chaos-run-erin", "erin");
    const summaries: string[] = [];
    await assert.rejects(
      publishRescore({
        root,
        entries: await listEntries(root),
        shards: 2,
        scoringRoot: ROOT,
        baseCommit: BASE_COMMIT,
        results: results.store,
        artifactDir: arts,
        summary: async (m) => void summaries.push(m),
        log: () => undefined,
      }),
      (e: Error) => {
        const lines = e.message.split("\n  ");
        assert.match(lines[0] ?? "", /^6 rescore artifact\(s\) refused:$/);
        assert.deepEqual(lines.slice(1), [
          "sre-chaos-shard-7: not the artifact of one of the 2 shard(s)",
          "sre-chaos-shard-0/sre-chaos-run-carol: a rescore artifact names a pull request",
          "sre-chaos-shard-1/sre-chaos-run-alice: alice is evaluated by shard 0, not by shard 1",
          "sre-chaos-shard-1/sre-chaos-run-dave: score refused: the record's figures do not follow from its measurements: score 99, recomputed 82.56",
          "sre-chaos-shard-1/sre-chaos-run-example: the folder of example holds a record of alice",
          "sre-chaos-shard-1/sre-chaos-run-mallory: contributors/mallory is not an entry on the default branch",
        ]);
        return true;
      },
    );
    const run = rescoreRecord("alice");
    assert.deepEqual(results.files(), [
      "README.md",
      "entries/alice.json",
      "entries/bob.json",
      `runs/alice/${run.runId}.json`,
      "runs/bob/20261101T080000Z-0000beef.json",
    ]);
    assert.equal(JSON.parse(results.show("entries/bob.json") ?? "null").runs["longest-upkeep"].count, 1);
    assert.match(
      summaries[0] ?? "",
      /2 run\(s\) published in [0-9a-f]{7}, 6 refused, 1 entry without a run\./,
    );
    assert.match(summaries[0] ?? "", /\| alice \| robust-service \|/);
    // erin's only run came in an artifact of no shard: erin has no run (refused ones are listed as such).
    assert.match(summaries[0] ?? "", /No run \(its shard failed or was cancelled\): erin/);
    rmSync(arts, { recursive: true, force: true });
  });

  it("one shard beside the plan's artifact; a rerun adds no commit; run folders outside a shard are refused", async () => {
    const repo = makeResultsRepo();
    const arts = mkdtempSync(path.join(tmpdir(), "rescore-arts-"));
    await rescoreMatrix(root, auto, path.join(arts, "sre-chaos-shard-plan"));
    put(arts, "sre-chaos-shard-0/sre-chaos-run-alice", "alice");
    const deps = {
      root,
      entries: ["alice"],
      shards: 1,
      scoringRoot: ROOT,
      baseCommit: BASE_COMMIT,
      results: repo.store,
      artifactDir: arts,
      summary: async () => undefined,
      log: () => undefined,
    };
    const first = await publishRescore(deps);
    assert.deepEqual(first.written, [`alice/${rescoreRecord("alice").runId}`]);
    const again = await publishRescore(deps);
    assert.equal(again.commit, first.commit);
    // Unpacked flat, a run folder names no shard: refused, not guessed.
    const flat = mkdtempSync(path.join(tmpdir(), "rescore-arts-"));
    put(flat, "sre-chaos-run-alice", "alice");
    await assert.rejects(
      publishRescore({ ...deps, artifactDir: flat }),
      /sre-chaos-run-alice: not the artifact of one of the 1 shard\(s\)/,
    );
    repo.cleanup();
    for (const d of [arts, flat]) rmSync(d, { recursive: true, force: true });
  });
});

describe("rescore shard job", () => {
  it("evaluates its slice in turn; a failing entry costs no other its run", async () => {
    const logins = ["ann", "ben", "cat", "dan", "eve", "fay", "gus"];
    const root = makeCheckout(logins);
    const arts = mkdtempSync(path.join(tmpdir(), "rescore-shard-"));
    const { calls, run } = recordingRun();
    const api = new FakeGitHub();
    const chosen = JSON.stringify({
      ...newEntryRecord("fay", "longest-upkeep"),
      challengeSetBy: "fay",
      challengeSetAt: "2026-11-01T00:00:00Z",
    });
    // Shard 1 of 2 over seven entries: dan, eve, fay, gus (floor(7/2) … 7).
    await assert.rejects(
      runShard(
        shardDeps({
          root,
          shard: 1,
          shards: 2,
          artifactDir: arts,
          api,
          // dan is refused by validation; eve's run fails half-way.
          validate: async (_r, login) =>
            login === "dan" ? [{ file: "entry.yml", rule: "schema", message: "bad" }] : [],
          run: async (o) => {
            if (o.login === "eve") {
              mkdirSync(o.outDir ?? "", { recursive: true });
              writeFileSync(path.join(o.outDir ?? "", "run.json"), "{");
              throw new Error("docker compose up failed");
            }
            return run(o);
          },
          entryFile: async (login) => (login === "fay" ? chosen : null),
        }),
      ),
      /^Error: shard 1: 2 of 4 entries not rescored:\n {2}dan: contributors\/dan was not run: 1 problem\(s\):\n {2}eve: docker compose up failed$/,
    );
    assert.deepEqual(
      calls.map((c) => [c.login, c.challenge ?? null]),
      [
        ["fay", "longest-upkeep"],
        ["gus", null],
      ],
    );
    assert.deepEqual(readdirSync(arts).sort(), [
      "sre-chaos-run-dan",
      "sre-chaos-run-fay",
      "sre-chaos-run-gus",
    ]);
    assert.equal((await readArtifact(path.join(arts, "sre-chaos-run-dan"))).outcome, "invalid");
    assert.equal((await readArtifact(path.join(arts, "sre-chaos-run-gus"))).meta.login, "gus");
    assert.ok(
      !existsSync(path.join(arts, "sre-chaos-run-eve")),
      "a failed run leaves no half-written folder",
    );
    // The chosen challenges came from the one read of the results branch, not from the API.
    assert.deepEqual(api.names(), []);
    rmSync(root, { recursive: true, force: true });
    rmSync(arts, { recursive: true, force: true });
  });

  it("reads the entry records with one sparse checkout of entries/ (no runs)", async () => {
    const repo = makeResultsRepo();
    await repo.store.publish(
      async () => [
        { path: "entries/ann.json", content: "{}\n" },
        { path: "runs/ann/20261101T080000Z-00003dde.json", content: "{}\n" },
      ],
      "seed",
    );
    const tree = await readResultsTree({ remote: repo.bare, branch: "results" }, ["entries"]);
    assert.ok(existsSync(path.join(tree, "entries", "ann.json")));
    assert.ok(!existsSync(path.join(tree, "runs")), "runs/ is not checked out");
    await removeResultsTree(tree);
    await assert.rejects(
      readResultsTree({ remote: repo.bare, branch: "results" }, ["../x"]),
      /refused results path/,
    );
    repo.cleanup();
  });

  it("a checkout with fewer entries than the plan's shards is not the plan's", async () => {
    const root = makeCheckout(["ann"]);
    await assert.rejects(
      runShard(shardDeps({ root, shard: 0, shards: 2, artifactDir: root, run: recordingRun().run })),
      /2 shards for 1 entries: this job's checkout is not the plan's/,
    );
    rmSync(root, { recursive: true, force: true });
  });
});
