/**
 * publish is idempotent: a rerun after the comment failed posts the comment without writing the run
 * twice, and a rerun adds no commit at all to the results branch. The comment also stays below
 * GitHub's size limit, and compares the run with the entrant's previous and best.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { capComment, MAX_COMMENT_CHARS } from "../../../action/src/comment.ts";
import { runPublish } from "../../../action/src/modes/publish.ts";
import { fake, LOGIN, meta, PR, publishSetup, record, wrEvent } from "./publish-fixture.ts";

describe("publish reruns", () => {
  const s = publishSetup();
  const commits = () =>
    Number(
      execFileSync("git", ["rev-list", "--count", "results"], { cwd: s.results.bare, encoding: "utf8" }),
    );

  it("a rerun after a failed comment posts it, counts the run once and adds no commit", async () => {
    s.write({ "meta.json": meta(), "run.json": record() });
    const broken = fake();
    broken.createComment = async () => {
      throw new Error("GitHub API POST /repos/o/r/issues/7/comments failed (502)");
    };
    await assert.rejects(runPublish(wrEvent, s.deps(broken)), /502/);
    const after = commits();
    assert.equal(
      JSON.parse(s.results.show(`entries/${LOGIN}.json`) ?? "null").runs["robust-service"].count,
      1,
    );

    const api = fake();
    const out = await runPublish(wrEvent, s.deps(api));
    assert.equal(out.comment.created, true);
    assert.deepEqual(
      api.callsOf("createComment").map((a) => a[0]),
      [PR],
    );
    assert.equal(commits(), after, "the rerun wrote nothing, not even an empty commit");
    assert.equal(
      JSON.parse(s.results.show(`entries/${LOGIN}.json`) ?? "null").runs["robust-service"].count,
      1,
    );
    assert.match(String(api.callsOf("createComment")[0]?.[1]), /Your first run on robust-service/);
  });

  it("the next run is compared with the previous and the best", async () => {
    s.write({ "meta.json": meta(), "run.json": record({ runId: "20261101T090000Z-00000009" }) });
    const api = fake();
    await runPublish(wrEvent, s.deps(api));
    const body = String(api.callsOf("createComment")[0]?.[1]);
    assert.match(body, /Change: ±0 against your previous run \(82\.6\), ±0 against your best \(82\.6\)\./);
  });

  it("a rerun of a later run whose comment failed still compares it with the runs before it", async () => {
    s.write({ "meta.json": meta(), "run.json": record({ runId: "20261101T100000Z-0000000a" }) });
    const broken = fake();
    broken.createComment = async () => {
      throw new Error("GitHub API POST /repos/o/r/issues/7/comments failed (502)");
    };
    await assert.rejects(runPublish(wrEvent, s.deps(broken)), /502/);
    const api = fake();
    await runPublish(wrEvent, s.deps(api));
    const body = String(api.callsOf("createComment")[0]?.[1]);
    assert.doesNotMatch(body, /Your first run/);
    const one = String(record({}).score.toFixed(1)).replace(".", "\\.");
    assert.match(
      body,
      new RegExp(`Change: ±0 against your previous run \\(${one}\\), ±0 against your best \\(${one}\\)\\.`),
    );
  });
});

describe("the comment's size", () => {
  const cases = [
    { case: "a short body", body: "a\nb\n", cut: false },
    { case: "a long table", body: "| x |\n".repeat(20_000), cut: true },
    { case: "a long code block", body: "```text\n" + "▁\n".repeat(40_000) + "```\n", cut: true },
  ];
  for (const c of cases) {
    it(`${c.case}: below GitHub's 65,536 characters${c.cut ? ", with a note" : ", unchanged"}`, () => {
      const out = capComment(c.body);
      assert.ok(out.length <= MAX_COMMENT_CHARS && out.length < 65_536);
      assert.equal(out === c.body, !c.cut);
      if (c.cut) assert.match(out, /The rest was cut/);
      assert.equal((out.match(/^```/gm)?.length ?? 0) % 2, 0, "no code block left open");
    });
  }
});
