// The service contract (docs/ENTRY.md) in plain Node: no dependencies, nothing to download.
import http from "node:http";

const PORT = Number(process.env.PORT || 8080);
const UPSTREAM = "http://upstream:8080/quote";
// A quote younger than FRESH_MS is served as it is; an older one is refreshed in the background
// (one request at a time reaches the dependency). While the dependency fails, the cached copy is
// served for at most STALE_MS: the platform counts a quote older than 30 s as a wrong answer.
const FRESH_MS = 1000;
const STALE_MS = 25_000;
// Fail fast: a slow dependency must not hold our requests.
const UPSTREAM_TIMEOUT_MS = 500;

const INDEX = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>SRE Chaos entry</title></head>
<body><h1>Hello from Node</h1><p>Try <a href="/api/quote">/api/quote</a>.</p></body></html>
`;

/** @type {{ body: Buffer, at: number } | null} */
let cached = null;
/** @type {Promise<void> | null} */
let refreshing = null;

function refresh() {
  refreshing ??= (async () => {
    try {
      const res = await fetch(UPSTREAM, { signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS) });
      const body = Buffer.from(await res.arrayBuffer());
      // Only a good answer is cached: an error must not replace a usable copy.
      if (res.status === 200) cached = { body, at: Date.now() };
    } catch {
      // Timeout or connection error: keep the copy we have.
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

function send(res, status, type, body) {
  res.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

async function quote(res) {
  const age = cached ? Date.now() - cached.at : Infinity;
  if (age >= FRESH_MS) {
    const pending = refresh();
    // Nothing usable yet: wait for this refresh rather than fail at once.
    if (age >= STALE_MS) await pending;
  }
  if (cached && Date.now() - cached.at < STALE_MS) send(res, 200, "application/json", cached.body);
  else send(res, 502, "text/plain", "the dependency is failing and no recent quote is cached\n");
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain", "GET only\n");
  switch (url.pathname) {
    case "/":
      return send(res, 200, "text/html; charset=utf-8", INDEX);
    case "/healthz":
      return send(res, 200, "text/plain", "ok\n");
    case "/api/echo": {
      // Only a hex nonce is echoed: anything else could inject content into the answer.
      const nonce = url.searchParams.get("nonce") ?? "";
      if (!/^[0-9a-fA-F]{1,128}$/.test(nonce))
        return send(res, 400, "text/plain", "nonce must be 1-128 hex digits\n");
      return send(res, 200, "text/plain", `nonce=${nonce}\n`);
    }
    case "/api/quote":
      return void quote(res).catch(() => send(res, 500, "text/plain", "internal error\n"));
    default:
      return send(res, 404, "text/plain", "not found\n");
  }
});
server.keepAliveTimeout = 65_000;
server.listen(PORT, () => console.log(`listening on :${PORT}`));

// Docker stops the container with SIGTERM; as PID 1, node would otherwise ignore it.
process.on("SIGTERM", () => server.close(() => process.exit(0)));
