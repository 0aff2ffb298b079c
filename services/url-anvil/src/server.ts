/**
 * url-anvil: the reference implementation of the service contract (docs/ENTRY.md), written the way
 * the platform hopes entries will be: a bounded amount of work in flight (excess is shed with a
 * fast 503), a dependency that is coalesced, cached and served stale when it fails, keep-alive,
 * metrics, and a graceful drain on shutdown.
 */
import { createServer, type Agent, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createMetrics, type AnvilMetrics } from "./metrics.ts";
import { createQuoteCache, type QuoteAnswer } from "./quote-cache.ts";
import { getWithDeadline, keepAliveAgent } from "./upstream-fetch.ts";

/** Options of {@link createUrlAnvil}. */
export interface UrlAnvilOptions {
  /** Base URL of the dependency; `/quote` is appended. */
  upstreamUrl: string;
  /** Requests in progress beyond which new ones are shed (503). /healthz and /metrics are never shed. */
  maxInflight?: number;
  quoteTimeoutMs?: number;
  refreshMs?: number;
  staleMs?: number;
  retryMs?: number;
  now?: () => number;
  defaultMetrics?: boolean;
}

/** The app: bind with `listen`, stop with `close` (drains in-flight requests first). */
export interface UrlAnvil {
  readonly server: Server;
  listen(port: number, host?: string): Promise<number>;
  /** Stops accepting, reports not-ready, waits up to `graceMs` for in-flight requests, then closes. */
  close(graceMs?: number): Promise<void>;
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>url-anvil</title></head>
<body><h1>url-anvil</h1>
<p>The reference implementation of the SRE Chaos Challenge service contract.</p>
<ul><li><a href="/healthz">/healthz</a></li><li><a href="/api/echo?nonce=c0ffee">/api/echo?nonce=c0ffee</a></li>
<li><a href="/api/quote">/api/quote</a></li><li><a href="/metrics">/metrics</a></li></ul>
</body></html>
`;

const NONCE = /^[0-9a-fA-F]{1,128}$/;
const ROUTES = new Set(["/", "/healthz", "/api/echo", "/api/quote", "/metrics"]);
/** Cheap, operational routes that must answer even under overload. */
const NEVER_SHED = new Set(["/healthz", "/metrics"]);

function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    ...headers,
    "content-length": String(Buffer.byteLength(body)),
  });
  res.end(body);
}

/** The dependency's `/quote`, as the cache fetches it: only what looks like a quote is kept. */
function quoteFetcher(quoteUrl: string, timeoutMs: number, agent: Agent): () => Promise<Buffer> {
  return async () => {
    const r = await getWithDeadline(quoteUrl, timeoutMs, agent);
    if (r.status !== 200) throw new Error(`upstream answered ${r.status}`);
    // Relay only what looks like a quote: an error page cached as a quote would be served for 25 s.
    const parsed: unknown = JSON.parse(r.body.toString("utf8"));
    if (
      typeof parsed !== "object" ||
      parsed === null ||
      typeof (parsed as { token?: unknown }).token !== "string"
    ) {
      throw new Error("upstream answer is not a quote");
    }
    return r.body;
  };
}

/** `/api/echo`: the one nonce, given once, echoed back. */
function echo(res: ServerResponse, query: URLSearchParams) {
  const nonces = query.getAll("nonce");
  const nonce = nonces[0];
  if (nonces.length !== 1 || nonce === undefined || !NONCE.test(nonce)) {
    return send(res, 400, "nonce must be given once, as 1 to 128 hex digits\n");
  }
  return send(res, 200, `nonce=${nonce}\n`, { "cache-control": "no-store" });
}

/** `/api/quote`: the cache's answer, fresh, cached or stale (with its age), or a fast 503. */
function quote(res: ServerResponse, a: QuoteAnswer) {
  if (a.kind === "unavailable") {
    return send(res, 503, `quote unavailable: ${a.reason}\n`, { "retry-after": "1" });
  }
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "cache-control": "no-store",
  };
  headers["x-cache"] = a.kind === "stale" ? "stale" : a.kind === "cached" ? "hit" : "miss";
  if (a.kind === "stale") headers.age = String(Math.floor(a.ageMs / 1000));
  return send(res, 200, a.body, headers);
}

/** What the routes read of the app: its metrics, its quote cache, whether it drains. */
interface AppState {
  m: AnvilMetrics;
  cache: ReturnType<typeof createQuoteCache>;
  draining: () => boolean;
}

async function handle(app: AppState, req: IncomingMessage, res: ServerResponse, url: URL) {
  if (req.method !== "GET" && req.method !== "HEAD") {
    return send(res, 405, "method not allowed\n", { allow: "GET, HEAD" });
  }
  switch (url.pathname) {
    case "/":
      return send(res, 200, PAGE, { "content-type": "text/html; charset=utf-8" });
    case "/healthz":
      return app.draining() ? send(res, 503, "draining\n") : send(res, 200, "ok\n");
    case "/metrics":
      return send(res, 200, await app.m.registry.metrics(), { "content-type": app.m.registry.contentType });
    case "/api/echo":
      return echo(res, url.searchParams);
    case "/api/quote": {
      const a = await app.cache.get();
      app.m.quote.inc({ result: a.kind });
      return quote(res, a);
    }
    default:
      return send(res, 404, "not found\n");
  }
}

/** Binds `server`; resolves with the port it got. */
function listenOn(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops accepting, lets in-flight requests finish for up to `graceMs`, then cuts what is left. */
function drain(server: Server, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** Builds the app; nothing listens until `listen`. */
export function createUrlAnvil(opts: UrlAnvilOptions): UrlAnvil {
  const maxInflight = opts.maxInflight ?? 256;
  const quoteUrl = new URL(
    "quote",
    opts.upstreamUrl.endsWith("/") ? opts.upstreamUrl : `${opts.upstreamUrl}/`,
  ).href;
  const agent = keepAliveAgent();
  const m = createMetrics(opts.defaultMetrics ?? false);
  let inflight = 0;
  let draining = false;
  const cache = createQuoteCache({
    now: opts.now,
    refreshMs: opts.refreshMs,
    staleMs: opts.staleMs,
    retryMs: opts.retryMs,
    fetchQuote: quoteFetcher(quoteUrl, opts.quoteTimeoutMs ?? 300, agent),
  });
  const app: AppState = { m, cache, draining: () => draining };

  const server = createServer((req, res) => {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? "/", "http://anvil.invalid");
    const route = ROUTES.has(url.pathname) ? url.pathname : "other";
    res.on("close", () => {
      m.requests.inc({ route, status: String(res.statusCode) });
      m.duration.observe({ route }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    if (draining) res.setHeader("connection", "close");
    if (NEVER_SHED.has(route)) {
      handle(app, req, res, url).catch((e: unknown) => send(res, 500, `${String(e)}\n`));
      return;
    }
    // Shedding before any work: a request over the limit costs microseconds, not a queue slot.
    if (inflight >= maxInflight) return send(res, 503, "overloaded, retry shortly\n", { "retry-after": "1" });
    inflight++;
    res.on("close", () => inflight--);
    handle(app, req, res, url).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, `internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    });
  });
  // Longer than typical client/proxy idle timeouts, so the load's connections are reused.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  return {
    server,
    listen: (port, host = "0.0.0.0") => listenOn(server, port, host),
    async close(graceMs = 10_000) {
      draining = true;
      agent.destroy();
      if (server.listening) await drain(server, graceMs);
    },
  };
}
