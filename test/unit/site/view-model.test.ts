import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChallengeId, RunRecord } from "../../../record/run-record.ts";
import { applyRun, newEntryRecord } from "../../../record/entry-record.ts";
import { Linker, normalizeBasePath } from "../../../site/links.ts";
import {
  buildModel,
  formatScore,
  paginate,
  rank,
  runsWithPages,
  siteContext,
  summarize,
  trendOf,
  type RunSummary,
} from "../../../site/view-model.ts";
import { runPage } from "../../../site/run-view.ts";
import { synthRun } from "../../fixtures/results/generate.ts";

let seed = 100;
function run(login: string, challenge: ChallengeId, day: number, score: number): RunRecord {
  const r = synthRun({
    login,
    challenge,
    seed: seed++,
    at: new Date(Date.UTC(2026, 10, day)),
    skill: 0.5,
    points: 10,
  });
  return { ...r, score };
}
const summary = (r: RunRecord): RunSummary => summarize(r);
const ctx = siteContext([{ id: "robust-service", title: "Robust service", summary: "", data: {} }], "/x/");

test("rank: higher first, ties share a rank and are listed by login (competition ranking)", () => {
  const ranked = rank([
    { login: "dave", score: 10 },
    { login: "bob", score: 30 },
    { login: "carol", score: 20 },
    { login: "alice", score: 20 },
    { login: "erin", score: 10 },
  ]);
  assert.deepEqual(
    ranked.map((r) => `${r.rank} ${r.login}`),
    ["1 bob", "2 alice", "2 carol", "4 dave", "4 erin"],
  );
});

test("trendOf compares with the previous run", () => {
  const cases = [
    { latest: 5, previous: undefined, expected: "new" },
    { latest: 5, previous: 3, expected: "▲ +2" },
    { latest: 3, previous: 5.34, expected: "▼ -2.3" },
    { latest: 4, previous: 4, expected: "= " },
  ];
  for (const c of cases) {
    const t = trendOf(c.latest, c.previous);
    assert.equal(t.symbol === "new" ? "new" : `${t.symbol} ${t.delta}`, c.expected);
  }
});

test("paginate: pages of at most `size`, always at least one", () => {
  assert.deepEqual(paginate([], 2), [[]]);
  assert.deepEqual(paginate([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
  assert.deepEqual(paginate([1, 2], 2), [[1, 2]]);
});

test("formatScore by unit", () => {
  assert.equal(formatScore(86, "points"), "86.0");
  assert.equal(formatScore(1234.6, "seconds"), "1235 s");
});

test("runsWithPages keeps the latest N per login and challenge, plus the best", () => {
  const runs = [
    run("a", "robust-service", 1, 90), // best, old
    run("a", "robust-service", 2, 10),
    run("a", "robust-service", 3, 20),
    run("a", "robust-service", 4, 30),
    run("a", "longest-upkeep", 5, 1),
  ];
  const ids = runsWithPages(runs, 2);
  assert.deepEqual([...ids].sort(), [runs[0]!, runs[2]!, runs[3]!, runs[4]!].map((r) => r.runId).sort());
});

test("boards: current challenge from entries/ when present, else from the latest run", () => {
  const runs = [
    run("alice", "robust-service", 1, 50),
    run("alice", "longest-upkeep", 2, 900), // latest, but entries/ says robust-service
    run("bob", "robust-service", 1, 60),
    run("bob", "longest-upkeep", 3, 700), // no entry record: latest run decides
  ];
  const alice = applyRun(newEntryRecord("alice", "robust-service"), runs[0]!);
  const m = buildModel({ runs: runs.map(summary), entries: [alice], ctx });
  const board = (id: string) => m.boards.find((b) => b.challenge === id)!;
  assert.deepEqual(
    board("robust-service").rows.map((r) => r.login),
    ["alice"],
  );
  assert.deepEqual(
    board("longest-upkeep").rows.map((r) => r.login),
    ["bob"],
  );
  assert.deepEqual(board("graceful-degradation").rows, []);
  assert.equal(m.index.contributors, 2);
  assert.equal(m.index.runs, 4);
  const bobPage = m.contributors.find((c) => c.login === "bob")!;
  assert.deepEqual(
    bobPage.challenges.map((c) => [c.challenge, c.current]),
    [
      ["robust-service", false],
      ["longest-upkeep", true],
    ],
  );
});

test("board rows: latest score, trend versus the previous run, run count, links under the base path", () => {
  const runs = [run("alice", "robust-service", 1, 50), run("alice", "robust-service", 2, 40)];
  const m = buildModel({ runs: runs.map(summary), entries: [], ctx });
  const row = m.boards.find((b) => b.challenge === "robust-service")!.rows[0]!;
  assert.equal(row.score, "40.0");
  assert.equal(row.runs, 2);
  assert.equal(`${row.trend.symbol} ${row.trend.delta}`, "▼ -10");
  assert.equal(row.href, "/x/c/alice.html");
  assert.equal(row.lastRunHref, `/x/run/${runs[1]!.runId}.html`);
  assert.match(row.spark, /^<svg class="spark"/);
});

test("boards paginate, each page links to the others", () => {
  const runs = ["a", "b", "c", "d", "e"].map((l, i) => run(l, "robust-service", 1, i * 10));
  const m = buildModel({ runs: runs.map(summary), entries: [], ctx, pageSize: 2 });
  const pages = m.boards.filter((b) => b.challenge === "robust-service");
  assert.deepEqual(
    pages.map((p) => p.path),
    ["board/robust-service/", "board/robust-service/page/2/", "board/robust-service/page/3/"],
  );
  assert.deepEqual(
    pages.map((p) => p.rows.map((r) => `${r.rank}${r.login}`)),
    [["1e", "2d"], ["3c", "4b"], ["5a"]],
  );
  assert.deepEqual(
    pages[1]!.pager.map((p) => p.href),
    ["/x/board/robust-service/", null, "/x/board/robust-service/page/3/"],
  );
});

test("a run without a page is listed on the contributor page without a link", () => {
  const runs = [1, 2, 3, 4, 5].map((d) => run("alice", "robust-service", d, d));
  const m = buildModel({ runs: runs.map(summary), entries: [], ctx, runPagesPerChallenge: 2 });
  const hist = m.contributors[0]!.challenges[0]!.runs;
  assert.deepEqual(
    hist.map((h) => h.href !== null),
    [true, true, false, false, false],
  );
});

test("run page: components, null values, escaped-later free text kept verbatim in the model", () => {
  const r = synthRun({
    login: "zed",
    challenge: "graceful-degradation",
    seed: 9,
    at: new Date(Date.UTC(2026, 0, 1)),
    skill: 0.1,
    points: 30,
    description: "<b>hi</b>",
  });
  const p = runPage(r, ctx);
  assert.equal(p.description, "<b>hi</b>"); // the template escapes it
  assert.equal(p.components.find((c) => c.label === "Recovery time")!.value, "not measured");
  assert.equal(p.charts.length, 6);
  assert.equal(p.faults.length, 3);
  assert.equal(p.contributorHref, "/x/c/zed.html");
});

test("links: relative without a base path, absolute under one", () => {
  const rel = new Linker(null);
  assert.equal(rel.href("", ""), "./");
  assert.equal(rel.href("", "board/x/"), "board/x/");
  assert.equal(rel.href("run/abc/", "c/alice/"), "../../c/alice/");
  assert.equal(rel.href("board/x/page/2/", "site.css"), "../../../../site.css");
  assert.equal(new Linker("/repo/").href("run/abc/", "c/alice/"), "/repo/c/alice/");
});

test("normalizeBasePath accepts plain paths and refuses anything else", () => {
  const cases: [string | undefined, string | null | "throws"][] = [
    [undefined, null],
    ["", null],
    ["/", "/"],
    ["repo", "/repo/"],
    ["/repo/", "/repo/"],
    ["/a/b", "/a/b/"],
    ["/../x/", "throws"],
    ['/x"><script>/', "throws"],
    ["javascript:alert(1)", "throws"],
  ];
  for (const [input, expected] of cases) {
    if (expected === "throws") assert.throws(() => normalizeBasePath(input), String(input));
    else assert.equal(normalizeBasePath(input), expected, String(input));
  }
});
