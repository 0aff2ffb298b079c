/** The one home of Prometheus queries. Range queries at 1 s steps over a run's window. */
import { httpJson, waitFor } from "./http.ts";

export interface RangeSeries {
  labels: Record<string, string>;
  /** [unix seconds, value] pairs. */
  points: [number, number][];
}

export interface Prometheus {
  ready(timeoutMs: number): Promise<void>;
  version(): Promise<string | null>;
  queryRange(query: string, start: number, end: number, step: number): Promise<RangeSeries[]>;
  /** Resolves when the last scrape of every target `selectors` pick succeeded (`up` is 1); throws otherwise. */
  targetsUp(selectors: readonly string[]): Promise<void>;
}

interface ApiAnswer<T> {
  status: string;
  data: T;
  error?: string;
}

export function createPrometheus(baseUrl: string): Prometheus {
  return {
    async ready(timeoutMs) {
      await waitFor("prometheus", timeoutMs, async () => {
        const r = await fetch(`${baseUrl}/-/ready`, { signal: AbortSignal.timeout(2000) });
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
      });
    },
    async version() {
      try {
        const a = await httpJson<ApiAnswer<{ version: string }>>(`${baseUrl}/api/v1/status/buildinfo`);
        return a.data.version;
      } catch {
        return null;
      }
    },
    async queryRange(query, start, end, step) {
      const u = new URL(`${baseUrl}/api/v1/query_range`);
      u.searchParams.set("query", query);
      u.searchParams.set("start", String(start));
      u.searchParams.set("end", String(end));
      u.searchParams.set("step", String(step));
      const a = await httpJson<
        ApiAnswer<{ result: { metric: Record<string, string>; values: [number, string][] }[] }>
      >(u.toString(), { timeoutMs: 30_000 });
      if (a.status !== "success") throw new Error(`prometheus: ${query}: ${a.error ?? a.status}`);
      return a.data.result.map((r) => ({
        labels: r.metric,
        points: r.values.map(([t, v]) => [t, Number(v)]),
      }));
    },
    async targetsUp(selectors) {
      for (const selector of selectors) {
        const u = new URL(`${baseUrl}/api/v1/query`);
        u.searchParams.set("query", `up{${selector}}`);
        const a = await httpJson<ApiAnswer<{ result: { value: [number, string] }[] }>>(u.toString());
        if (a.data.result[0]?.value[1] !== "1") throw new Error(`up{${selector}} is not 1 yet`);
      }
    },
  };
}
