/**
 * A rescore of 1,000 entries end to end, without Docker: the plan mode cuts the checkout's entries
 * into shards, every shard job of every matrix runs its slice (the harness replaced by recorded run
 * records that carry valid measurements) into its artifact folder as download-artifact lays them
 * out, and the publisher folds them into one commit of a real bare repository. Five bad artifacts
 * are each reported by name and cost the other runs nothing.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { listEntries, publishRescore, rescoreMatrix, runShard } from "../../../action/src/modes/rescore.ts";
import { RESCORE_DEFAULTS, shardSlice } from "../../../action/src/rescore-plan.ts";
import { applyRun, newEntryRecord } from "../../../record/entry-record.ts";
import { serializeEntryRecord } from "../../../action/src/results.ts";
import { BASE_COMMIT, ROOT } from "./publish-fixture.ts";
import { makeResultsRepo, type TestResults } from "./results-repo.ts";
import { challengeOf, makeCheckout, recordingRun, rescoreRecord, shardDeps } from "./rescore-fixture.ts";

const N = 1000;
const logins = Array.from({ length: N }, (_, i) => `user-${String(i).padStart(4, "0")}`);
const index = new Map(logins.map((l, i) => [l, i]));

describe(`rescore of ${N} entries: plan → shard jobs → one publish`, () => {
  let root = "";
  let downloads = "";
  let results: TestResults;
  let shards = 0;
  before(async () => {
    root = makeCheckout(logins);
    downloads = mkdtempSync(path.join(tmpdir(), "rescore-downloads-"));
    results = makeResultsRepo();
    // user-0000 has a run on the board already: the rescore's run is its second.
    const old = { ...rescoreRecord("user-0000"), runId: "20261001T080000Z-00000001", score: 50 };
    await results.store.publish(
      async () => [
        {
          path: "entries/user-0000.json",
          content: serializeEntryRecord(applyRun(newEntryRecord("user-0000", "robust-service"), old)),
        },
      ],
      "seed",
    );
  });
  after(() => {
    for (const d of [root, downloads]) rmSync(d, { recursive: true, force: true });
    results.cleanup();
  });

  it("the plan: 256 shard jobs of at most 4 entries, in one matrix", async () => {
    // The plan job's own artifact is downloaded beside the shards' (it keeps their folders).
    const { plan, outputs } = await rescoreMatrix(
      root,
      { shards: null, ...RESCORE_DEFAULTS },
      path.join(downloads, "sre-chaos-shard-plan"),
    );
    assert.deepEqual([plan.entries, plan.shards, plan.perShard, plan.groups.length], [N, 256, 4, 1]);
    shards = Number(outputs.shards);
    const jobs = [1, 2, 3, 4].flatMap(
      (g) => JSON.parse(outputs[`matrix-${g}`]!).include as { shard: number }[],
    );
    assert.equal(jobs.length, 256);
    // Every matrix job, as rescore-shard.yml runs it; its upload lands in sre-chaos-shard-<i>/.
    const { calls, run } = recordingRun((login) => challengeOf(index.get(login)!));
    for (const { shard } of jobs) {
      await runShard(
        shardDeps({
          root,
          shard,
          shards,
          artifactDir: path.join(downloads, `sre-chaos-shard-${shard}`),
          run,
        }),
      );
    }
    assert.equal(calls.length, N);
    assert.deepEqual(calls.map((c) => c.login).sort(), logins);
  });

  it("publishes all valid runs in ONE commit and names each bad artifact", async () => {
    const all = await listEntries(root);
    const dir = (shard: number, login: string) =>
      path.join(downloads, `sre-chaos-shard-${shard}`, `sre-chaos-run-${login}`);
    const owned = (shard: number) => shardSlice(all, shards, shard);
    const edit = (shard: number, login: string, file: string, f: (x: Record<string, unknown>) => object) => {
      const p = path.join(dir(shard, login), file);
      writeFileSync(p, JSON.stringify(f(JSON.parse(readFileSync(p, "utf8")))));
    };
    // Shard 5 also uploads a run of an entry shard 6 evaluates (shard 6's own copy still counts).
    const stolen = owned(6)[0]!;
    cpSync(dir(6, stolen), dir(5, stolen), { recursive: true });
    // A folder holding another entry's meta, a malformed run, a raised score, another harness.
    const [wrong, broken, raised, other] = [owned(10)[1]!, owned(20)[2]!, owned(30)[0]!, owned(40)[3]!];
    edit(10, wrong, "meta.json", (m) => ({ ...m, login: "user-0999" }));
    writeFileSync(path.join(dir(20, broken), "run.json"), '{"schemaVersion": 1, "login": ');
    edit(30, raised, "run.json", (r) => ({ ...r, score: Number(r.score) + 5 }));
    edit(40, other, "run.json", (r) => ({
      ...r,
      provenance: { ...(r.provenance as object), harnessCommit: "0".repeat(40) },
    }));

    const before = Number(execFileSync("git", ["rev-list", "--count", "results"], { cwd: results.bare }));
    const summaries: string[] = [];
    let error = "";
    await publishRescore({
      root,
      entries: all,
      shards,
      scoringRoot: ROOT,
      baseCommit: BASE_COMMIT,
      results: results.store,
      artifactDir: downloads,
      summary: async (m) => void summaries.push(m),
      log: () => undefined,
    }).catch((e: Error) => (error = e.message));

    const lines = error.split("\n  ");
    assert.equal(lines[0], "5 rescore artifact(s) refused:");
    const refused = lines.slice(1);
    const expect = [
      [`sre-chaos-shard-5/sre-chaos-run-${stolen}`, `${stolen} is evaluated by shard 6, not by shard 5`],
      [
        `sre-chaos-shard-10/sre-chaos-run-${wrong}`,
        `run.json login ${wrong} differs from meta.json user-0999`,
      ],
      [`sre-chaos-shard-20/sre-chaos-run-${broken}`, "run.json: invalid run record: not JSON"],
      [`sre-chaos-shard-30/sre-chaos-run-${raised}`, "score refused"],
      [`sre-chaos-shard-40/sre-chaos-run-${other}`, `measured by harness ${"0".repeat(40)}`],
    ];
    for (const [name, why] of expect)
      assert.ok(
        refused.some((x) => x.startsWith(`${name}: `) && x.includes(why!)),
        `${name}: ${why} in\n${refused.join("\n")}`,
      );

    // One commit on top of the seed, holding every other run and its entry record.
    const after = Number(execFileSync("git", ["rev-list", "--count", "results"], { cwd: results.bare }));
    assert.equal(after - before, 1);
    const bad = new Set([wrong, broken, raised, other]);
    const good = logins.filter((l) => !bad.has(l));
    const files = new Set(results.files());
    assert.equal(files.size, 1 + 2 * good.length);
    const runId = rescoreRecord("x").runId;
    for (const l of good) {
      assert.ok(files.has(`entries/${l}.json`), l);
      assert.ok(files.has(`runs/${l}/${runId}.json`), l);
    }
    for (const l of bad) assert.ok(!files.has(`entries/${l}.json`), l);
    // Folded onto what was there: user-0000's second run, and the best stays the higher score.
    const first = JSON.parse(results.show("entries/user-0000.json") ?? "null");
    assert.equal(first.runs["robust-service"].count, 2);
    assert.equal(first.runs["robust-service"].latest.runId, runId);
    assert.equal(first.runs["robust-service"].best.score, rescoreRecord("x").score);
    // Each entry's run is the recomputed record of its own challenge.
    const sample = JSON.parse(results.show(`runs/user-0002/${runId}.json`) ?? "null");
    assert.deepEqual(
      [sample.login, sample.challenge, sample.provenance.local],
      ["user-0002", challengeOf(2), false],
    );
    assert.match(
      summaries[0] ?? "",
      new RegExp(
        `^${good.length} run\\(s\\) published in [0-9a-f]{7}, 5 refused, 0 entries without a run\\.$`,
        "m",
      ),
    );
  });
});
