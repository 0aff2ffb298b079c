/**
 * One ranking rule (record/ranking.ts) for the PR comment and the site: for the same results, the
 * rank a contributor is told on the PR is the rank the board shows.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyRun, newEntryRecord, type EntryRecord } from "../../../record/entry-record.ts";
import { rankOn } from "../../../record/ranking.ts";
import type { ChallengeId, RunRecord } from "../../../record/run-record.ts";
import { buildModel, siteContext, summarize } from "../../../site/view-model.ts";
import { synthRun } from "../../fixtures/results/generate.ts";

let seed = 500;
const run = (login: string, challenge: ChallengeId, day: number, score: number): RunRecord => ({
  ...synthRun({
    login,
    challenge,
    seed: seed++,
    at: new Date(Date.UTC(2026, 10, day)),
    skill: 0.5,
    points: 10,
  }),
  score,
});

/** The results branch after these runs, with each login's current challenge. */
function results(runs: RunRecord[], current: Record<string, ChallengeId>) {
  const entries = new Map<string, EntryRecord>();
  for (const r of runs)
    entries.set(r.login, applyRun(entries.get(r.login) ?? newEntryRecord(r.login, current[r.login]!), r));
  return { runs, entries: [...entries.values()] };
}

const ctx = siteContext(
  [
    { id: "robust-service", title: "Robust service", summary: "", data: {} },
    { id: "longest-upkeep", title: "Longest upkeep", summary: "", data: {} },
  ],
  "/",
);

const cases = [
  {
    // Once told "3 of 3" (ranked by best, counting everyone who ever ran it) while the board showed 1 of 2.
    case: "a better best of someone now on another challenge, and an old best of a rival",
    runs: [
      run("alice", "robust-service", 1, 95),
      run("alice", "longest-upkeep", 2, 300),
      run("bob", "robust-service", 1, 90),
      run("bob", "robust-service", 3, 40),
      run("me", "robust-service", 4, 50),
    ],
    current: { alice: "longest-upkeep", bob: "robust-service", me: "robust-service" } as Record<
      string,
      ChallengeId
    >,
    want: { login: "me", challenge: "robust-service" as ChallengeId, rank: { rank: 1, total: 2 } },
  },
  {
    case: "equal scores share a rank",
    runs: [
      run("a", "robust-service", 1, 60),
      run("me", "robust-service", 2, 60),
      run("c", "robust-service", 3, 70),
    ],
    current: { a: "robust-service", me: "robust-service", c: "robust-service" } as Record<
      string,
      ChallengeId
    >,
    want: { login: "me", challenge: "robust-service" as ChallengeId, rank: { rank: 2, total: 3 } },
  },
  {
    case: "a run on a challenge that is not the entry's current one: not on that board",
    runs: [run("me", "robust-service", 1, 60), run("me", "longest-upkeep", 2, 100)],
    current: { me: "robust-service" } as Record<string, ChallengeId>,
    want: { login: "me", challenge: "longest-upkeep" as ChallengeId, rank: null },
  },
];

for (const c of cases) {
  test(`comment and board agree: ${c.case}`, () => {
    const { runs, entries } = results(c.runs, c.current);
    assert.deepEqual(rankOn(entries, c.want.challenge, c.want.login), c.want.rank);
    const m = buildModel({ runs: runs.map(summarize), entries, ctx });
    for (const board of m.boards) {
      for (const row of board.rows) {
        assert.deepEqual(
          rankOn(entries, board.challenge as ChallengeId, row.login),
          { rank: row.rank, total: board.total },
          `${row.login} on ${board.challenge}`,
        );
      }
    }
  });
}
