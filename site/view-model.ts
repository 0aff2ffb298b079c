/**
 * The site's view-model (pure): validated records in, plain page objects out. Templates only render
 * what is here. Decisions (docs/SITE.md): a board ranks the entries whose *current* challenge it is, by
 * the score of their latest run on it (rescoring keeps that current), ties share a rank; trend compares
 * the latest run with the previous one on the same challenge.
 */
import { CHALLENGE_IDS, type RunRecord } from "../record/run-record.ts";
import type { EntryRecord } from "../record/entry-record.ts";
import { sparkline } from "./charts.ts";
import { Linker, paths } from "./links.ts";
import type { ChallengeInfo } from "./scoring-view.ts";
import { formatDate, formatScore, paginate, plural, rank, trendOf, type Trend } from "./format.ts";

export { formatDate, formatScore, paginate, plural, rank, trendOf, type Trend };

export const BOARD_PAGE_SIZE = 200;
/**
 * Per-run pages for a published results set: each entry's latest run per challenge, plus its best
 * (docs/SITE.md: 50,000 pages of charts would blow the build-time budget). Local history keeps all.
 */
export const RUN_PAGES_PER_CHALLENGE = 1;

/** Common to every page: where it lives and how it links home. */
export interface PageBase {
  /** Directory of the page (`` for the root); the file is `<dir>index.html`. */
  dir: string;
  title: string;
  nav: { label: string; href: string; current: boolean }[];
  css: string;
}

export interface BoardRow {
  rank: number;
  login: string;
  href: string;
  score: string;
  components: { label: string; points: string }[];
  runs: number;
  lastRun: string;
  lastRunHref: string | null;
  trend: Trend;
  spark: string;
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

export interface ContributorPage extends PageBase {
  kind: "contributor";
  login: string;
  current: string | null;
  challenges: {
    challenge: string;
    title: string;
    boardHref: string;
    current: boolean;
    best: string;
    latest: string;
    count: number;
    spark: string;
    runs: {
      runId: string;
      href: string | null;
      date: string;
      score: string;
      passed: boolean;
      invalid: boolean;
      trend: Trend;
    }[];
  }[];
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
export function summarize(r: Omit<RunRecord, "series">): RunSummary {
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
  base(dir: string, title: string): PageBase;
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
    base: (dir, title) => ({
      dir,
      title,
      css: link.href(dir, paths.css),
      nav: [
        { label: "Overview", to: paths.index },
        ...challengeIds.map((id) => ({ label: titleOf(id), to: paths.board(id) })),
        { label: "Scoring", to: paths.scoring },
      ].map((n) => ({ label: n.label, href: link.href(dir, n.to), current: n.to === dir })),
    }),
  };
}

/** Runs grouped by login, then challenge, oldest first (run ids sort by time). */
function groupRuns(runs: readonly RunSummary[]): Map<string, Map<string, RunSummary[]>> {
  const by = new Map<string, Map<string, RunSummary[]>>();
  for (const r of [...runs].sort((a, b) => (a.runId < b.runId ? -1 : 1))) {
    const perLogin = by.get(r.login) ?? new Map<string, RunSummary[]>();
    by.set(r.login, perLogin);
    const list = perLogin.get(r.challenge) ?? [];
    perLogin.set(r.challenge, list);
    list.push(r);
  }
  return by;
}

/**
 * Which runs get their own page: per login and challenge, the latest N and the best (the first of
 * equal bests). Pure and order-independent, so the build can call it per login while it streams.
 */
export function runsWithPages(
  runs: readonly Pick<RunSummary, "runId" | "login" | "challenge" | "score">[],
  perChallenge: number,
): Set<string> {
  const groups = new Map<string, (typeof runs)[number][]>();
  for (const r of runs) {
    const k = `${r.login}/${r.challenge}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const ids = new Set<string>();
  for (const list of groups.values()) {
    list.sort((a, b) => (a.runId < b.runId ? -1 : 1));
    for (const r of list.slice(-perChallenge)) ids.add(r.runId);
    ids.add(list.reduce((b, r) => (r.score > b.score ? r : b), list[0]!).runId);
  }
  return ids;
}

export interface ModelInput {
  runs: readonly RunSummary[];
  entries: readonly EntryRecord[];
  ctx: SiteContext;
  pageSize?: number;
  runPagesPerChallenge?: number;
}

/** Builds every page's model from validated records. */
export function buildModel(input: ModelInput): SiteModel {
  const { link, challengeIds, titleOf, base } = input.ctx;
  const pageSize = input.pageSize ?? BOARD_PAGE_SIZE;
  const grouped = groupRuns(input.runs);
  const withPage = runsWithPages(input.runs, input.runPagesPerChallenge ?? RUN_PAGES_PER_CHALLENGE);
  const currentOf = new Map(input.entries.map((e) => [e.login, e.challenge as string]));
  for (const [login, perLogin] of grouped) {
    if (currentOf.has(login)) continue;
    const latest = [...perLogin.values()]
      .map((l) => l[l.length - 1]!)
      .sort((a, b) => (a.runId < b.runId ? 1 : -1))[0];
    if (latest) currentOf.set(login, latest.challenge);
  }
  const runHref = (from: string, runId: string) =>
    withPage.has(runId) ? link.href(from, paths.run(runId)) : null;

  const boards: BoardPage[] = [];
  const indexBoards: IndexPage["boards"] = [];
  for (const id of challengeIds) {
    const candidates = [...grouped]
      .filter(([login, per]) => currentOf.get(login) === id && per.get(id)?.length)
      .map(([login, per]) => {
        const list = per.get(id)!;
        const latest = list[list.length - 1]!;
        return { login, score: latest.score, latest, previous: list[list.length - 2], list };
      });
    const ranked = rank(candidates);
    const pages = paginate(ranked, pageSize);
    pages.forEach((rows, i) => {
      const dir = paths.board(id, i + 1);
      boards.push({
        ...base(dir, `${titleOf(id)} board${pages.length > 1 ? ` (page ${i + 1})` : ""}`),
        kind: "board",
        challenge: id,
        challengeTitle: titleOf(id),
        total: ranked.length,
        totalLabel: plural(ranked.length, "entry", "entries"),
        pager:
          pages.length > 1
            ? pages.map((_, j) => ({
                label: String(j + 1),
                href: j === i ? null : link.href(dir, paths.board(id, j + 1)),
                current: j === i,
              }))
            : [],
        rows: rows.map((c) => ({
          rank: c.rank,
          login: c.login,
          href: link.href(dir, paths.contributor(c.login)),
          score: formatScore(c.score, c.latest.scoreUnit),
          components: c.latest.components.slice(0, 4).map((k) => ({
            label: k.label,
            points: `${Math.round(k.points * 10) / 10}/${Math.round(k.maxPoints * 10) / 10}`,
          })),
          runs: c.list.length,
          lastRun: formatDate(c.latest.finishedAt),
          lastRunHref: runHref(dir, c.latest.runId),
          trend: trendOf(c.score, c.previous?.score),
          spark: sparkline(
            c.list.slice(-10).map((r) => r.score),
            `${c.login}: last ${Math.min(10, c.list.length)} scores`,
          ),
        })),
      });
    });
    indexBoards.push({
      title: titleOf(id),
      href: link.href(paths.index, paths.board(id)),
      entries: ranked.length,
      entriesLabel: ranked.length ? plural(ranked.length, "entry", "entries") : "No entries yet",
      leaders: ranked.slice(0, 3).map((c) => ({
        rank: c.rank,
        login: c.login,
        score: formatScore(c.score, c.latest.scoreUnit),
        href: link.href(paths.index, paths.contributor(c.login)),
      })),
    });
  }

  const contributors: ContributorPage[] = [...grouped.keys()].sort().map((login) => {
    const dir = paths.contributor(login);
    const per = grouped.get(login)!;
    return {
      ...base(dir, login),
      kind: "contributor",
      login,
      current: currentOf.get(login) ?? null,
      challenges: challengeIds
        .filter((id) => per.get(id)?.length)
        .map((id) => {
          const list = per.get(id)!;
          const best = list.reduce((b, r) => (r.score > b.score ? r : b), list[0]!);
          const latest = list[list.length - 1]!;
          return {
            challenge: id,
            title: titleOf(id),
            boardHref: link.href(dir, paths.board(id)),
            current: currentOf.get(login) === id,
            best: formatScore(best.score, best.scoreUnit),
            latest: formatScore(latest.score, latest.scoreUnit),
            count: list.length,
            spark: sparkline(
              list.map((r) => r.score),
              `${login} on ${titleOf(id)}: ${list.length} scores`,
            ),
            runs: list
              .map((r, i) => ({
                runId: r.runId,
                href: runHref(dir, r.runId),
                date: formatDate(r.finishedAt),
                score: formatScore(r.score, r.scoreUnit),
                passed: r.passed,
                invalid: r.invalid,
                trend: trendOf(r.score, list[i - 1]?.score),
              }))
              .reverse(),
          };
        }),
    };
  });

  const index: IndexPage = {
    ...base(paths.index, "SRE Chaos Challenge leaderboard"),
    kind: "index",
    boards: indexBoards,
    runs: input.runs.length,
    contributors: grouped.size,
  };
  return { index, boards, contributors };
}
