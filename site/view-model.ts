/**
 * The site's view-model (pure): validated records in, plain page objects out. Templates only render
 * what is here. Decisions (docs/SITE.md): a board ranks the entries whose *current* challenge it is, by
 * the score of their latest run on it (rescoring keeps that current), ties share a rank; trend compares
 * the latest run with the previous one on the same challenge.
 */
import { CHALLENGE_IDS, type RunRecord } from "../record/run-record.ts";
import type { EntryRecord } from "../record/entry-record.ts";
import { Linker, paths } from "./links.ts";
import type { ChallengeInfo } from "./scoring-view.ts";
import { formatDate, formatScore, paginate, plural, rank, trendOf, type Trend } from "./format.ts";
import {
  boardPages,
  indexPage,
  rankBoards,
  type BoardEntry,
  type BoardPage,
  type BoardRow,
  type IndexPage,
} from "./board-view.ts";
import { loginModel, runsWithPages, type ContributorPage } from "./login-view.ts";

export { formatDate, formatScore, paginate, plural, rank, trendOf, type Trend };
export { runsWithPages, type BoardPage, type BoardRow, type ContributorPage, type IndexPage };

/**
 * Rows per board page: a page of the longest logins under a long base path is about 125 KB, inside
 * the 150 KB aim (test/unit/site/pagination.test.ts); 200 rows were not.
 */
export const BOARD_PAGE_SIZE = 150;
/**
 * Per-run pages for a published results set: each entry's latest run per challenge, plus its best
 * (docs/SITE.md: 50,000 pages of charts would blow the build-time budget). Local history keeps all.
 */
export const RUN_PAGES_PER_CHALLENGE = 1;

/** Common to every page: where it lives and how it links home. */
export interface PageBase {
  /** Where the page lives (see links.ts): a directory (`board/x/`, `` for the root) or a file. */
  path: string;
  title: string;
  nav: { label: string; href: string; current: boolean }[];
  css: string;
}

export interface SiteModel {
  index: IndexPage;
  boards: BoardPage[];
  contributors: ContributorPage[];
}

/**
 * What boards and history pages need of a run, and no more: 50,000 of these stay in memory during a
 * big build, so the rest of the record (series, checks, provenance) is dropped early.
 */
export type RunSummary = Pick<
  RunRecord,
  "runId" | "login" | "challenge" | "score" | "scoreUnit" | "finishedAt" | "components"
> & { passed: boolean; invalid: boolean };

/** The summary of a (validated) run record. */
export function summarize(r: Omit<RunRecord, "series" | "measurements">): RunSummary {
  return {
    runId: r.runId,
    login: r.login,
    challenge: r.challenge,
    score: r.score,
    scoreUnit: r.scoreUnit,
    finishedAt: r.finishedAt,
    components: r.components,
    passed: r.verification.passed,
    invalid: r.integrity !== undefined && !r.integrity.valid,
  };
}

/** What every page shares: challenge ids and titles, links, the page frame. */
export interface SiteContext {
  link: Linker;
  challengeIds: string[];
  titleOf(id: string): string;
  base(path: string, title: string): PageBase;
}

/** The shared context from the challenge definitions and the base path. */
export function siteContext(challenges: readonly ChallengeInfo[], basePath: string | null): SiteContext {
  const link = new Linker(basePath);
  const titles = new Map(challenges.map((c) => [c.id, c.title]));
  const challengeIds = [...new Set([...challenges.map((c) => c.id), ...CHALLENGE_IDS])];
  const titleOf = (id: string) => titles.get(id) ?? id;
  return {
    link,
    challengeIds,
    titleOf,
    base: (path, title) => ({
      path,
      title,
      css: link.href(path, paths.css),
      nav: [
        { label: "Overview", to: paths.index },
        ...challengeIds.map((id) => ({ label: titleOf(id), to: paths.board(id) })),
        { label: "Scoring", to: paths.scoring },
      ].map((n) => ({ label: n.label, href: link.href(path, n.to), current: n.to === path })),
    }),
  };
}

export interface ModelInput {
  runs: readonly RunSummary[];
  entries: readonly EntryRecord[];
  ctx: SiteContext;
  pageSize?: number;
  runPagesPerChallenge?: number;
}

/** Runs per login, logins sorted. */
function byLogin(runs: readonly RunSummary[]): Map<string, RunSummary[]> {
  const by = new Map<string, RunSummary[]>();
  for (const r of runs) {
    const list = by.get(r.login);
    if (list) list.push(r);
    else by.set(r.login, [r]);
  }
  return new Map([...by].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * Builds every page's model from validated records, in one process. The build does the same in
 * parts: `loginModel` per login (in worker threads), then `rankBoards`, `boardPages` and `indexPage`.
 */
export function buildModel(input: ModelInput): SiteModel {
  const { ctx } = input;
  const perChallenge = input.runPagesPerChallenge ?? RUN_PAGES_PER_CHALLENGE;
  const entryChallenge = new Map(input.entries.map((e) => [e.login, e.challenge as string]));
  const contributors: ContributorPage[] = [];
  const entries: BoardEntry[] = [];
  for (const [login, runs] of byLogin(input.runs)) {
    const m = loginModel({
      login,
      runs,
      entryChallenge: entryChallenge.get(login),
      ctx,
      withPage: runsWithPages(runs, perChallenge),
    });
    contributors.push(m.contributor);
    if (m.entry) entries.push(m.entry);
  }
  const ranked = rankBoards(entries, ctx);
  const boards = [...ranked].flatMap(([id, list]) =>
    boardPages(id, list, ctx, input.pageSize ?? BOARD_PAGE_SIZE),
  );
  const index = indexPage(ranked, { runs: input.runs.length, contributors: contributors.length }, ctx);
  return { index, boards, contributors };
}
