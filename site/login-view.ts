/**
 * One login's share of the site (pure): its contributor page, which of its runs get a page, and its
 * entry for the board of its current challenge. Everything here depends on that login's runs only,
 * so the build can make it in a worker thread while it reads the login's records.
 */
import { sparkline } from "./charts.ts";
import { formatDate, formatScore, trendOf, type Trend } from "./format.ts";
import { paths } from "./links.ts";
import type { BoardEntry } from "./board-view.ts";
import type { PageBase, RunSummary, SiteContext } from "./view-model.ts";

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

const byRunId = (a: { runId: string }, b: { runId: string }) => (a.runId < b.runId ? -1 : 1);

/** The first of the highest scores. */
const bestOf = <T extends { score: number }>(list: readonly T[]): T =>
  list.reduce((b, r) => (r.score > b.score ? r : b), list[0]!);

/** A login's runs per challenge, oldest first (run ids sort by time). */
export function byChallenge<T extends Pick<RunSummary, "runId" | "challenge">>(
  runs: readonly T[],
): Map<string, T[]> {
  const per = new Map<string, T[]>();
  for (const r of [...runs].sort(byRunId)) {
    const list = per.get(r.challenge);
    if (list) list.push(r);
    else per.set(r.challenge, [r]);
  }
  return per;
}

/**
 * Which runs get their own page: per login and challenge, the latest N and the best (the first of
 * equal bests). Pure and order-independent, so the build can call it per login while it reads.
 */
export function runsWithPages(
  runs: readonly Pick<RunSummary, "runId" | "login" | "challenge" | "score">[],
  perChallenge: number,
): Set<string> {
  const groups = new Map<string, (typeof runs)[number][]>();
  for (const r of runs) {
    const k = `${r.login}/${r.challenge}`;
    const list = groups.get(k);
    if (list) list.push(r);
    else groups.set(k, [r]);
  }
  const ids = new Set<string>();
  for (const list of groups.values()) {
    list.sort(byRunId);
    for (const r of list.slice(-perChallenge)) ids.add(r.runId);
    ids.add(bestOf(list).runId);
  }
  return ids;
}

/** The entry's current challenge: its entry record's, else the challenge of its latest run. */
export function currentChallenge(runs: readonly RunSummary[], fromEntry: string | undefined): string | null {
  if (fromEntry !== undefined) return fromEntry;
  let latest: RunSummary | undefined;
  for (const r of runs) if (!latest || r.runId > latest.runId) latest = r;
  return latest?.challenge ?? null;
}

export interface LoginModelInput {
  login: string;
  runs: readonly RunSummary[];
  /** The challenge of `entries/<login>.json`, when there is one. */
  entryChallenge: string | undefined;
  ctx: SiteContext;
  /** The runs that have a page (see runsWithPages). */
  withPage: ReadonlySet<string>;
}

/** A login's contributor page and its board entry (null when it has no run on its current challenge). */
export function loginModel(input: LoginModelInput): {
  contributor: ContributorPage;
  entry: BoardEntry | null;
} {
  const per = byChallenge(input.runs);
  const current = currentChallenge(input.runs, input.entryChallenge);
  const onBoard = current === null ? undefined : per.get(current);
  return {
    contributor: contributorPage(input, per, current),
    entry: onBoard ? boardEntry(input.login, onBoard, input.withPage) : null,
  };
}

/** What the board shows of an entry, from its runs on the board's challenge (oldest first). */
function boardEntry(login: string, list: readonly RunSummary[], withPage: ReadonlySet<string>): BoardEntry {
  const latest = list[list.length - 1]!;
  const recent = list.slice(-10).map((r) => r.score);
  return {
    login,
    challenge: latest.challenge,
    score: latest.score,
    scoreText: formatScore(latest.score, latest.scoreUnit),
    components: latest.components.slice(0, 4).map((k) => ({
      label: k.label,
      points: `${Math.round(k.points * 10) / 10}/${Math.round(k.maxPoints * 10) / 10}`,
    })),
    runs: list.length,
    lastRun: formatDate(latest.finishedAt),
    lastRunId: withPage.has(latest.runId) ? latest.runId : null,
    trend: trendOf(latest.score, list[list.length - 2]?.score),
    spark: sparkline(recent, `${login}: last ${recent.length} scores`),
  };
}

function contributorPage(
  { login, ctx, withPage }: LoginModelInput,
  per: ReadonlyMap<string, readonly RunSummary[]>,
  current: string | null,
): ContributorPage {
  const path = paths.contributor(login);
  const runHref = (runId: string) => (withPage.has(runId) ? ctx.link.href(path, paths.run(runId)) : null);
  return {
    ...ctx.base(path, login),
    kind: "contributor",
    login,
    current,
    challenges: ctx.challengeIds
      .filter((id) => per.get(id)?.length)
      .map((id) => {
        const list = per.get(id)!;
        const best = bestOf(list);
        const latest = list[list.length - 1]!;
        return {
          challenge: id,
          title: ctx.titleOf(id),
          boardHref: ctx.link.href(path, paths.board(id)),
          current: current === id,
          best: formatScore(best.score, best.scoreUnit),
          latest: formatScore(latest.score, latest.scoreUnit),
          count: list.length,
          spark: sparkline(
            list.map((r) => r.score),
            `${login} on ${ctx.titleOf(id)}: ${list.length} scores`,
          ),
          runs: list
            .map((r, i) => ({
              runId: r.runId,
              href: runHref(r.runId),
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
}
