/**
 * The one ranking rule, used by the PR comment, the job summary and the site, so a contributor is
 * never told one rank while the board shows another: a challenge's board holds the entries whose
 * current challenge it is, ranked by the score of their latest run on it (rescoring keeps that
 * current); equal scores share a rank ("1, 2, 2, 4") and are listed by login.
 */
import type { EntryRecord } from "./entry-record.ts";
import type { ChallengeId } from "./run-record.ts";

/** Sorts by score (highest first, then login) and numbers them; equal scores share a rank. */
export function rank<T extends { score: number; login: string }>(
  items: readonly T[],
): (T & { rank: number })[] {
  const sorted = [...items].sort(
    (a, b) => b.score - a.score || (a.login < b.login ? -1 : a.login > b.login ? 1 : 0),
  );
  let prevScore = NaN;
  let prevRank = 0;
  return sorted.map((it, i) => {
    const r = it.score === prevScore ? prevRank : i + 1;
    prevScore = it.score;
    prevRank = r;
    return { ...it, rank: r };
  });
}

/** Who is on a challenge's board and with which score, from the entry records. */
export function boardOf(
  entries: readonly EntryRecord[],
  challenge: ChallengeId,
): { login: string; score: number }[] {
  return entries.flatMap((e) => {
    const runs = e.challenge === challenge ? e.runs[challenge] : undefined;
    return runs ? [{ login: e.login, score: runs.latest.score }] : [];
  });
}

/** A login's place on a challenge's board, or null when it is not on it (another current challenge). */
export function rankOn(
  entries: readonly EntryRecord[],
  challenge: ChallengeId,
  login: string,
): { rank: number; total: number } | null {
  const ranked = rank(boardOf(entries, challenge));
  const me = ranked.find((r) => r.login.toLowerCase() === login.toLowerCase());
  return me ? { rank: me.rank, total: ranked.length } : null;
}
