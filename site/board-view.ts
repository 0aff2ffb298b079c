/**
 * The boards and the overview (pure): every login's board entry in, ranked and paginated pages out.
 * The ranking rule is record/ranking.ts, the one the PR comment uses too.
 */
import { paginate, plural, rank, type Trend } from "./format.ts";
import { paths } from "./links.ts";
import type { PageBase, SiteContext } from "./view-model.ts";

/** What a board shows of one entry, before it is ranked: made per login (login-view.ts). */
export interface BoardEntry {
  login: string;
  /** The board's challenge: the entry's current one. */
  challenge: string;
  /** The latest run's score on it: what ranks. */
  score: number;
  scoreText: string;
  components: { label: string; points: string }[];
  runs: number;
  lastRun: string;
  /** The latest run's id when it has a page, else null. */
  lastRunId: string | null;
  trend: Trend;
  spark: string;
}

export interface BoardRow extends Omit<BoardEntry, "challenge" | "score" | "scoreText" | "lastRunId"> {
  rank: number;
  href: string;
  score: string;
  lastRunHref: string | null;
}

export interface BoardPage extends PageBase {
  kind: "board";
  challenge: string;
  challengeTitle: string;
  total: number;
  totalLabel: string;
  rows: BoardRow[];
  pager: { label: string; href: string | null; current: boolean }[];
}

export interface IndexPage extends PageBase {
  kind: "index";
  boards: {
    title: string;
    href: string;
    entries: number;
    entriesLabel: string;
    leaders: { rank: number; login: string; score: string; href: string }[];
  }[];
  runs: number;
  contributors: number;
}

/** Ranked entries of one board, best first. */
export type Ranked = (BoardEntry & { rank: number })[];

/** Every board's entries, ranked: one pass to group, one sort per board. */
export function rankBoards(entries: readonly BoardEntry[], ctx: SiteContext): Map<string, Ranked> {
  const by = new Map<string, BoardEntry[]>(ctx.challengeIds.map((id) => [id, []]));
  for (const e of entries) by.get(e.challenge)?.push(e);
  return new Map([...by].map(([id, list]) => [id, rank(list)]));
}

/** A board's pages of `pageSize` rows; ranks run on across pages and every page links to the others. */
export function boardPages(id: string, ranked: Ranked, ctx: SiteContext, pageSize: number): BoardPage[] {
  const { link, titleOf } = ctx;
  const pages = paginate(ranked, pageSize);
  return pages.map((rows, i) => {
    const path = paths.board(id, i + 1);
    return {
      ...ctx.base(path, `${titleOf(id)} board${pages.length > 1 ? ` (page ${i + 1})` : ""}`),
      kind: "board",
      challenge: id,
      challengeTitle: titleOf(id),
      total: ranked.length,
      totalLabel: plural(ranked.length, "entry", "entries"),
      pager:
        pages.length > 1
          ? pages.map((_, j) => ({
              label: String(j + 1),
              href: j === i ? null : link.href(path, paths.board(id, j + 1)),
              current: j === i,
            }))
          : [],
      rows: rows.map((e) => ({
        rank: e.rank,
        login: e.login,
        href: link.href(path, paths.contributor(e.login)),
        score: e.scoreText,
        components: e.components,
        runs: e.runs,
        lastRun: e.lastRun,
        lastRunHref: e.lastRunId === null ? null : link.href(path, paths.run(e.lastRunId)),
        trend: e.trend,
        spark: e.spark,
      })),
    };
  });
}

/** The overview: each board's size and top three. */
export function indexPage(
  boards: ReadonlyMap<string, Ranked>,
  counts: { runs: number; contributors: number },
  ctx: SiteContext,
): IndexPage {
  const { link, titleOf } = ctx;
  return {
    ...ctx.base(paths.index, "SRE Chaos Challenge leaderboard"),
    kind: "index",
    boards: [...boards].map(([id, ranked]) => ({
      title: titleOf(id),
      href: link.href(paths.index, paths.board(id)),
      entries: ranked.length,
      entriesLabel: ranked.length ? plural(ranked.length, "entry", "entries") : "No entries yet",
      leaders: ranked.slice(0, 3).map((e) => ({
        rank: e.rank,
        login: e.login,
        score: e.scoreText,
        href: link.href(paths.index, paths.contributor(e.login)),
      })),
    })),
    ...counts,
  };
}
