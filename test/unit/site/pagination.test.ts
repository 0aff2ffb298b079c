/**
 * Board pagination in a built site: rows per page, ranks that run on across pages (a tie on a page
 * boundary keeps its rank), pager links that resolve to the built files with and without a base path,
 * and a full page of the longest rows under the size aim.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix } from "node:path";
import type { RunRecord } from "../../../record/run-record.ts";
import { buildSite } from "../../../site/build.ts";
import { pageFile } from "../../../site/links.ts";
import { BOARD_PAGE_SIZE } from "../../../site/view-model.ts";
import { synthRun, writeResults } from "../../fixtures/results/generate.ts";

const CHALLENGES = join(dirname(new URL(import.meta.url).pathname), "../../fixtures/results/challenges");

/** One robust-service run per login, with the given score. */
function runs(scores: [string, number][]): RunRecord[] {
  return scores.map(([login, score], i) => ({
    ...synthRun({
      login,
      challenge: "robust-service",
      seed: 500 + i,
      at: new Date(Date.UTC(2026, 10, 1, 0, i)),
      skill: 0.5,
      points: 8,
    }),
    score,
  }));
}

async function withSite(
  records: RunRecord[],
  opts: { basePath?: string; boardPageSize?: number },
  fn: (out: string) => void,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "site-pages-"));
  try {
    writeResults(join(dir, "results"), records, () => "robust-service");
    await buildSite({
      resultsDir: join(dir, "results"),
      outDir: join(dir, "out"),
      challengesDir: CHALLENGES,
      ...opts,
    });
    fn(join(dir, "out"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rowsOf = (html: string) =>
  [...html.matchAll(/<tr><td class="num">(\d+)<\/td><th scope="row"><a href="([^"]+)">([^<]+)<\/a>/g)].map(
    (m) => ({ rank: Number(m[1]), href: m[2]!, login: m[3]! }),
  );
const pagerOf = (html: string) =>
  [...(/<nav class="pager"[^>]*>(.*?)<\/nav>/.exec(html)?.[1] ?? "").matchAll(/<li>(.*?)<\/li>/g)].map(
    (m) => /href="([^"]+)"/.exec(m[1]!)?.[1] ?? `current ${/>(\d+)</.exec(m[1]!)?.[1]}`,
  );

// Seven entries, three per page: the tie at 50 straddles pages 2 and 3, the tie at 80 sits on page 1.
const SCORES: [string, number][] = [
  ["gina", 10],
  ["fred", 50],
  ["erin", 50],
  ["dave", 60],
  ["carl", 80],
  ["bea", 80],
  ["abe", 90],
];
const BOARD = ["board/robust-service/", "board/robust-service/page/2/", "board/robust-service/page/3/"];

test("a board is split into pages of the page size; ranks run on across pages, ties included", () =>
  withSite(runs(SCORES), { boardPageSize: 3 }, (out) => {
    const pages = BOARD.map((p) => rowsOf(readFileSync(join(out, pageFile(p)), "utf8")));
    assert.deepEqual(
      pages.map((rows) => rows.map((r) => `${r.rank} ${r.login}`)),
      [["1 abe", "2 bea", "2 carl"], ["4 dave", "5 erin", "5 fred"], ["7 gina"]],
    );
    assert.ok(!existsSync(join(out, "board/robust-service/page/4")), "no empty page after the last");
    // Each row's link (relative: no base path) resolves to the entry's built contributor page.
    for (const [i, rows] of pages.entries())
      for (const r of rows) assert.ok(existsSync(join(out, posix.join(BOARD[i]!, r.href))), r.href);
  }));

test("every board page links to every other page and marks its own, relative and under a base path", async () => {
  await withSite(runs(SCORES), { boardPageSize: 3 }, (out) => {
    for (const [i, p] of BOARD.entries()) {
      const pager = pagerOf(readFileSync(join(out, pageFile(p)), "utf8"));
      assert.equal(pager.length, 3, p);
      assert.equal(pager[i], `current ${i + 1}`, p);
      for (const [j, href] of pager.entries()) {
        if (j === i) continue;
        // A relative href from this page's folder lands on the other page's folder.
        assert.equal(posix.join(p, href), BOARD[j], `${p} → ${href}`);
      }
    }
  });
  await withSite(runs(SCORES), { boardPageSize: 3, basePath: "/repo/" }, (out) => {
    const pager = pagerOf(readFileSync(join(out, pageFile(BOARD[1]!)), "utf8"));
    assert.deepEqual(pager, [
      "/repo/board/robust-service/",
      "current 2",
      "/repo/board/robust-service/page/3/",
    ]);
  });
});

test("a board that fits on one page has no pager", () =>
  withSite(runs(SCORES.slice(0, 2)), {}, (out) => {
    const html = readFileSync(join(out, pageFile(BOARD[0]!)), "utf8");
    assert.equal(rowsOf(html).length, 2);
    assert.doesNotMatch(html, /class="pager"/);
    assert.ok(!existsSync(join(out, pageFile(BOARD[1]!))));
  }));

test("a full board page of the longest logins, under a long base path, stays under 150 KB", () => {
  // 39 characters is GitHub's longest login; ten runs each, so every row has a sparkline and a trend.
  const records: RunRecord[] = [];
  for (let i = 0; i < BOARD_PAGE_SIZE; i++) {
    const login = `l${String(i).padStart(4, "0")}-${"x".repeat(33)}`;
    for (let k = 0; k < 10; k++) {
      records.push({
        ...synthRun({
          login,
          challenge: "robust-service",
          seed: 10_000 + i * 10 + k,
          at: new Date(Date.UTC(2026, 10, 1 + k, 0, 0, i)),
          skill: 0.5,
          points: 4,
        }),
        score: 1000 + i + k * 0.37,
      });
    }
  }
  return withSite(records, { basePath: "/a-rather-long-repository-name/" }, (out) => {
    const html = readFileSync(join(out, pageFile(BOARD[0]!)), "utf8");
    assert.equal(rowsOf(html).length, BOARD_PAGE_SIZE);
    const size = Buffer.byteLength(html);
    assert.ok(size <= 150 * 1024, `${size} bytes`);
  });
});
