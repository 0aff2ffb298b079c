/**
 * Small pure helpers of the site's view-model: formatting, ranking, trend and pagination.
 */
import type { RunRecord } from "../record/run-record.ts";

export interface Trend {
  symbol: "▲" | "▼" | "=" | "new";
  delta: string;
  label: string;
}

/** `2026-11-28 14:03 UTC` from an ISO time; deterministic (no locale, no current time). */
export function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** A score with its unit: points to one decimal, seconds as whole seconds. */
export function formatScore(score: number, unit: RunRecord["scoreUnit"]): string {
  return unit === "seconds" ? `${Math.round(score)} s` : `${score.toFixed(1)}`;
}

/** "1 entry", "3 entries". */
export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** ▲/▼/= versus the previous run, or "new" for a first run. */
export function trendOf(latest: number, previous: number | undefined): Trend {
  if (previous === undefined) return { symbol: "new", delta: "", label: "first run" };
  const d = Math.round((latest - previous) * 10) / 10;
  if (d > 0) return { symbol: "▲", delta: `+${d}`, label: `up ${d} since the previous run` };
  if (d < 0) return { symbol: "▼", delta: `${d}`, label: `down ${-d} since the previous run` };
  return { symbol: "=", delta: "", label: "same as the previous run" };
}

/**
 * A component's figure as a person reads it, on the site and in the PR comment: a ratio (0..1) as a
 * percentage ("83.4 %", not "0.834 ratio"), anything else rounded to 0.01 with its unit.
 */
export function componentValue(value: number, unit: string): string {
  if (unit === "ratio") return `${Math.round(value * 1000) / 10} %`;
  return `${Math.round(value * 100) / 100} ${unit}`;
}

/** The ranking rule is shared with the PR comment: record/ranking.ts. */
export { rank } from "../record/ranking.ts";

/** Splits rows into pages of `size` (at least one page, possibly empty). */
export function paginate<T>(rows: readonly T[], size: number): T[][] {
  const pages: T[][] = [];
  for (let i = 0; i < rows.length; i += size) pages.push(rows.slice(i, i + size));
  return pages.length ? pages : [[]];
}
