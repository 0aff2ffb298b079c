/**
 * The /api/quote policy: relay upstream's quote, keep the last good one, and protect upstream.
 * - at most one upstream fetch in flight; concurrent callers share it;
 * - a quote younger than `refreshMs` is served without asking upstream (overload never
 *   multiplies into upstream load);
 * - when upstream fails, the last good quote is served while it is at most `staleMs` old
 *   (the contract allows 30 s; 25 s leaves margin for clock and queueing);
 * - after a failure, upstream is asked again only after `retryMs`, so a dead dependency costs
 *   a few requests a second, and callers without a cache get a fast 503;
 * - while degraded (the last fetch failed) and a stale quote is at hand, nobody waits for the
 *   next attempt: it runs in the background and callers get the stale quote at once, so a slow
 *   dependency does not add its timeout to every other request.
 */

/** What the route should send. */
export type QuoteAnswer =
  | { kind: "fresh" | "cached"; body: Buffer }
  | { kind: "stale"; body: Buffer; ageMs: number }
  | { kind: "unavailable"; reason: string };

/** Tunables; defaults are what the reference app runs with. */
export interface QuoteCacheOptions {
  /** Fetches the upstream body; rejects when upstream fails. */
  fetchQuote: () => Promise<Buffer>;
  now?: () => number;
  refreshMs?: number;
  staleMs?: number;
  retryMs?: number;
}

/** Creates the cache; `get()` never rejects. */
export function createQuoteCache(o: QuoteCacheOptions): { get(): Promise<QuoteAnswer> } {
  const now = o.now ?? Date.now;
  const refreshMs = o.refreshMs ?? 1_000;
  const staleMs = o.staleMs ?? 25_000;
  const retryMs = o.retryMs ?? 200;
  let cached: { body: Buffer; at: number } | null = null;
  let lastFailureAt = -Infinity;
  let degraded = false;
  let lastError = "upstream not asked yet";
  let inflight: Promise<QuoteAnswer> | null = null;

  const fallback = (reason: string): QuoteAnswer => {
    if (cached && now() - cached.at <= staleMs)
      return { kind: "stale", body: cached.body, ageMs: now() - cached.at };
    return { kind: "unavailable", reason };
  };

  const refresh = async (): Promise<QuoteAnswer> => {
    try {
      const body = await o.fetchQuote();
      cached = { body, at: now() };
      degraded = false;
      return { kind: "fresh", body };
    } catch (e) {
      lastFailureAt = now();
      degraded = true;
      lastError = e instanceof Error ? e.message : String(e);
      return fallback(lastError);
    }
  };

  return {
    get() {
      const t = now();
      if (cached && t - cached.at < refreshMs) return Promise.resolve({ kind: "cached", body: cached.body });
      if (!inflight && t - lastFailureAt >= retryMs) {
        inflight = refresh().finally(() => {
          inflight = null;
        });
      }
      const stale = cached !== null && t - cached.at <= staleMs;
      if (inflight && !(degraded && stale)) return inflight;
      return Promise.resolve(fallback(lastError));
    },
  };
}
