/**
 * A Prometheus that holds series in memory and evaluates the few PromQL shapes the harness sends
 * (`sum by (…) (m{…})`, `sum(m{…})`, `min(min_over_time(m{…}[1s]))`, `max(timestamp(m{…}))`), with
 * real label matching: so a test can put a foreign writer's series beside the platform's and see
 * which of them a query reads.
 */
import type { Prometheus, RangeSeries } from "../../../harness/prometheus.ts";

export interface StoredSeries {
  /** Every label, `__name__` included. */
  labels: Record<string, string>;
  /** [unix seconds, value], in time order. */
  points: [number, number][];
}

/** Parses `name{a="x",b="y"}` (equality matchers only: the harness sends no other kind). */
function selector(query: string): { name: string; matchers: [string, string][] } {
  const m = /([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/.exec(query);
  if (!m) throw new Error(`fake prometheus: no selector in ${query}`);
  const matchers: [string, string][] = [];
  for (const part of m[2]!.split(",").filter((p) => p.trim())) {
    const kv = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"\s*$/.exec(part);
    if (!kv) throw new Error(`fake prometheus: unsupported matcher ${part}`);
    matchers.push([kv[1]!, kv[2]!]);
  }
  return { name: m[1]!, matchers };
}

/** The newest point in (t - window, t]: 5 minutes of lookback as Prometheus, or a `[1s]` range. */
function at(s: StoredSeries, t: number, window: number): [number, number] | null {
  let last: [number, number] | null = null;
  for (const p of s.points) if (p[0] <= t + 1e-9) last = p;
  return last && t - last[0] < window ? last : null;
}

/** A fake over `series`; `queries` records every query string it was sent. */
export function fakePrometheus(series: StoredSeries[]): Prometheus & { queries: string[] } {
  const queries: string[] = [];
  return {
    queries,
    ready: async () => undefined,
    version: async () => "fake",
    targetsUp: async () => undefined,
    async queryRange(query, start, end, step) {
      queries.push(query);
      const { name, matchers } = selector(query);
      const matching = series.filter(
        (s) => s.labels.__name__ === name && matchers.every(([k, v]) => s.labels[k] === v),
      );
      const by =
        /^sum by \(([^)]*)\)/
          .exec(query)?.[1]
          ?.split(",")
          .map((x) => x.trim()) ?? [];
      const agg = query.startsWith("min(") ? Math.min : query.startsWith("max(") ? Math.max : null;
      const useTimestamp = query.includes("timestamp(");
      const window = query.includes("[1s]") ? 1 : 300;
      const groups = new Map<string, { labels: Record<string, string>; members: StoredSeries[] }>();
      for (const s of matching) {
        const labels = Object.fromEntries(by.map((k) => [k, s.labels[k] ?? ""]));
        const key = JSON.stringify(labels);
        if (!groups.has(key)) groups.set(key, { labels, members: [] });
        groups.get(key)!.members.push(s);
      }
      const out: RangeSeries[] = [];
      for (const g of groups.values()) {
        const points: [number, number][] = [];
        for (let t = start; t <= end + 1e-9; t += step) {
          const values = g.members
            .map((s) => at(s, t, window))
            .filter((p): p is [number, number] => p !== null)
            .map((p) => (useTimestamp ? p[0] : p[1]));
          if (!values.length) continue;
          points.push([t, agg ? agg(...values) : values.reduce((a, v) => a + v, 0)]);
        }
        if (points.length) out.push({ labels: g.labels, points });
      }
      return out;
    },
  };
}
