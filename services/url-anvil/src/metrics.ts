/** url-anvil's Prometheus metrics, on a registry of its own so tests can run several apps. */
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** The app's metrics and their registry. */
export interface AnvilMetrics {
  registry: Registry;
  requests: Counter<"route" | "status">;
  duration: Histogram<"route">;
  quote: Counter<"result">;
}

/** Creates the registry; `defaultMetrics` adds process CPU/memory/event-loop series. */
export function createMetrics(defaultMetrics: boolean): AnvilMetrics {
  const registry = new Registry();
  if (defaultMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: "http_requests_total",
      help: "Requests by route and status (shed requests count under their route with 503).",
      labelNames: ["route", "status"],
      registers: [registry],
    }),
    duration: new Histogram({
      name: "http_request_duration_seconds",
      help: "Time from request to the end of the response, by route.",
      labelNames: ["route"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    quote: new Counter({
      name: "url_anvil_quote_answers_total",
      help: "How /api/quote answered: fresh (from upstream), cached (< refresh interval), stale, unavailable.",
      labelNames: ["result"],
      registers: [registry],
    }),
  };
}
