/**
 * Black box, `publish` mode (workflow_run of evaluate): what it writes, the sticky comment and its
 * rank, reruns, and the results remote's credentials. Finding the PR: publish-lookup.test.ts.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { esc, runTable } from "./table.ts";
import type { Runner } from "./runner.ts";
import {
  BASE,
  commentBodies,
  event,
  FOUND,
  GOOD,
  GOOD_FILES,
  LOGIN,
  meta,
  PR,
  publish,
  published,
  record,
  RUN_PATH,
  SEED,
  SEEDED,
  SHA,
  SITE,
  state,
  WRITTEN,
} from "./publish-world.ts";

/** GOOD's score as the comment prints it (one decimal), escaped for a RegExp. */
const one = esc(GOOD.score.toFixed(1));

const MARKER = `<!-- sre-chaos:comment login=${LOGIN} -->`;
const entry = (r: Runner) => JSON.parse(r.show(`entries/${LOGIN}.json`) ?? "null");
const COMMENT_422 = { status: 422, message: "Validation Failed" };
const LATER = record({ runId: "20261101T090000Z-00000009" });

/** The comment of a run over GitHub's limit: a failed, invalid run keeps every long text. */
function hugeRecord() {
  const long = (i: number) => `${i} ${"@&<x> ".repeat(400)}`.slice(0, 2000);
  return record({
    runId: "20261101T100000Z-0000beef",
    verification: {
      ...GOOD.verification,
      passed: false,
      checks: Array.from({ length: 64 }, (_, i) => ({ name: `check ${i}`, passed: false, detail: long(i) })),
    },
    integrity: {
      valid: false,
      problems: Array.from({ length: 32 }, (_, i) => `problem ${i} ${"y".repeat(280)}`),
    },
    components: Array.from({ length: 32 }, (_, i) => ({
      ...GOOD.components[0],
      id: `c${i}`,
      label: long(i),
      explanation: long(i),
    })),
  });
}

runTable("black box: publish mode", [
  {
    name: "a good artifact: run and entry written once, one comment, outputs and summary",
    ...published({
      summary: new RegExp(
        `## SRE Chaos Challenge: robust-service[\\s\\S]*\\*\\*Score: ${esc(GOOD.score.toFixed(1))} points\\*\\*`,
      ),
      check: (r) => {
        const run = JSON.parse(r.show(RUN_PATH) ?? "null");
        assert.deepEqual(
          [
            run.provenance.pullRequest,
            run.provenance.headSha,
            run.provenance.harnessCommit,
            run.provenance.workflowRunId,
          ],
          [PR, SHA, BASE, event().workflow_run.id],
        );
        assert.equal(entry(r).runs["robust-service"].count, 1);
        const [body] = commentBodies(r);
        assert.ok(body?.startsWith(MARKER));
        assert.match(body ?? "", /Your first run on robust-service/);
        assert.ok(body?.includes(`${SITE}run/${GOOD.runId}.html`));
      },
    }),
  },
  {
    name: "the comment's rank is the board's: entries on another current challenge do not count (2 of 2, not 3)",
    ...published({
      summary: /Rank on the robust-service board: \*\*2 of 2\*\*/,
      check: (r) =>
        assert.match(commentBodies(r)[0] ?? "", /Rank on the robust-service board: \*\*2 of 2\*\*/),
    }),
  },
  {
    name: "an entrant who switched challenge is told the run is not on that board",
    ...published({
      seed: {
        ...SEED,
        [`entries/${LOGIN}.json`]: JSON.stringify({
          schemaVersion: 1,
          login: LOGIN,
          challenge: "graceful-degradation",
          challengeSetBy: LOGIN,
          challengeSetAt: "2026-11-28T12:00:00Z",
          runs: {},
        }),
      },
      check: (r) => {
        assert.match(
          commentBodies(r)[0] ?? "",
          /Not on the robust-service board: your current challenge is graceful-degradation\./,
        );
        assert.equal(entry(r).challenge, "graceful-degradation", "the choice survives the publish");
      },
    }),
  },
  {
    name: "the token is never in .git/config or on disk; git sends it as basic credentials",
    ...published({
      check: (r) => {
        assert.ok(r.fake.git.length > 0, "the results branch went through the server");
        assert.deepEqual(
          new Set(r.fake.git.map((g) => g.credentials)),
          new Set([`x-access-token:${r.token}`]),
        );
        const config = readFileSync(path.join(r.runnerTemp, "sre-chaos-results", ".git", "config"), "utf8");
        assert.match(config, new RegExp(`url = ${r.fake.url}/Codertocat/Hello-World.git\\n`));
      },
    }),
  },
  {
    name: "a rerun updates the comment in place and adds no commit",
    ...published({
      before: (r) => r.run(publish(r, GOOD_FILES)),
      calls: [...FOUND, `GET issues/${PR}/comments`, /^PATCH issues\/comments\/\d+$/],
      results: { commits: 0, files: WRITTEN },
      check: (r) => assert.equal(entry(r).runs["robust-service"].count, 1, "counted once"),
    }),
  },
  {
    name: "the comment failed (422): the job fails naming the endpoint, the run is written",
    ...published({
      state: state({ fail: { [`POST issues/${PR}/comments`]: COMMENT_422 } }),
      status: 1,
      error:
        /GitHub API POST \/repos\/Codertocat\/Hello-World\/issues\/7\/comments failed \(422\): Validation Failed/,
      outputs: {},
    }),
  },
  {
    name: "a rerun after a failed comment posts it, counts the run once and adds no commit",
    ...published({
      state: state({ fail: { [`POST issues/${PR}/comments`]: COMMENT_422 } }),
      before: async (r) => {
        await r.run(publish(r, GOOD_FILES));
        r.fake.state.fail = {};
      },
      results: { commits: 0, files: WRITTEN },
      check: (r) => {
        assert.equal(entry(r).runs["robust-service"].count, 1);
        assert.match(commentBodies(r).at(-1) ?? "", /Your first run on robust-service/);
      },
    }),
  },
  {
    name: "a rerun of a later run whose comment failed compares it with the run before it",
    ...published({
      before: async (r) => {
        await r.run(publish(r, GOOD_FILES));
        r.fake.state.fail = { [`PATCH issues/comments/${r.fake.state.comments[PR]![0]!.id}`]: COMMENT_422 };
        await r.run(publish(r, { "meta.json": meta(), "run.json": LATER }));
        r.fake.state.fail = {};
      },
      launch: (r) => publish(r, { "meta.json": meta(), "run.json": LATER }),
      calls: [...FOUND, `GET issues/${PR}/comments`, /^PATCH issues\/comments\/\d+$/],
      outputs: { "run-id": LATER.runId },
      results: { commits: 0, files: [...WRITTEN, `runs/${LOGIN}/${LATER.runId}.json`] },
      check: (r) => {
        const body = commentBodies(r).at(-1) ?? "";
        assert.doesNotMatch(body, /Your first run/);
        assert.match(
          body,
          new RegExp(
            `Change: ±0 against your previous run \\(${one}\\), ±0 against your best \\(${one}\\)\\.`,
          ),
        );
      },
    }),
  },
  {
    name: "a user's comment carrying the marker is not taken over",
    ...published({
      state: state({ comments: { [PR]: [{ id: 1, body: `${MARKER}\nfake score 9999`, user: LOGIN }] } }),
    }),
  },
  {
    name: "another bot's comment starting with the marker is not treated as ours",
    ...published({
      state: state({
        comments: { [PR]: [{ id: 2, body: `${MARKER}\nscore 9999`, user: "other-app[bot]", type: "Bot" }] },
      }),
    }),
  },
  {
    name: "our bot's comment with the marker is updated in place",
    ...published({
      state: state({
        comments: { [PR]: [{ id: 3, body: `${MARKER}\nold`, user: "github-actions[bot]", type: "Bot" }] },
      }),
      calls: [...FOUND, `GET issues/${PR}/comments`, "PATCH issues/comments/3"],
    }),
  },
  {
    name: "an invalid entry: the violations are commented (escaped), nothing written",
    ...published({
      launch: (r) =>
        publish(r, {
          "meta.json": meta({ outcome: "invalid" }),
          "validation.json": [
            {
              file: `contributors/${LOGIN}/Dockerfile`,
              rule: "dockerfile-rules",
              message: "FROM must be nginx <b>",
            },
          ],
        }),
      outputs: { login: LOGIN, "run-id": "" },
      results: { commits: 0, files: SEEDED },
      summary: /entry not run[\s\S]*dockerfile-rules/,
      check: (r) => assert.doesNotMatch(commentBodies(r)[0] ?? "", /<b>/),
    }),
  },
  {
    name: "a comment over GitHub's limit is capped below 65,536 characters and posted",
    ...published({
      launch: (r) => publish(r, { "meta.json": meta(), "run.json": hugeRecord() }),
      outputs: { "run-id": "20261101T100000Z-0000beef" },
      results: { commits: 1 },
      check: (r) => {
        const body = commentBodies(r)[0] ?? "";
        assert.ok(body.length < 65_536, `${body.length} characters`);
        assert.match(body, /The rest was cut/);
        assert.equal(JSON.parse(r.show(`runs/${LOGIN}/20261101T100000Z-0000beef.json`) ?? "null").score, 0);
      },
    }),
  },
]);
