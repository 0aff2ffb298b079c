/**
 * The dependency service: `GET /quote` and `GET /metrics` on the service port, the fault-control
 * API on a second port that only the harness can reach (compose publishes it on 127.0.0.1).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { FAULT_MODES, NORMAL, decide, parseFaults, type Faults } from "./faults.ts";
import { makeQuote } from "./quote.ts";

/** Options of {@link createUpstream}. */
export interface UpstreamOptions {
  /** Hex-decoded QUOTE_KEY. */
  quoteKey: Buffer;
  /** Source of randomness for fault decisions and quote choice; tests pass a seeded one. */
  random?: () => number;
  /** Also export the process metrics (CPU, memory, event loop); off in tests. */
  defaultMetrics?: boolean;
}

/** A running-or-not upstream: the service server, the control server and their shared state. */
export interface Upstream {
  readonly service: Server;
  readonly control: Server;
  faults(): Faults;
  /** Binds both servers; port 0 picks a free port. Resolves with the bound ports. */
  listen(port: number, controlPort: number, host?: string): Promise<{ port: number; controlPort: number }>;
  close(): Promise<void>;
}

const MAX_BODY = 16 * 1024;

function send(res: ServerResponse, status: number, body: string, type = "text/plain; charset=utf-8"): void {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

const sendJson = (res: ServerResponse, status: number, v: unknown): void =>
  send(res, status, JSON.stringify(v), "application/json");

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) resolve(null);
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

const listenOn = (s: Server, port: number, host: string): Promise<number> =>
  new Promise((resolve, reject) => {
    s.once("error", reject);
    s.listen(port, host, () => {
      s.off("error", reject);
      resolve((s.address() as AddressInfo).port);
    });
  });

const closeServer = (s: Server): Promise<void> =>
  new Promise((resolve) => {
    if (!s.listening) return resolve();
    s.close(() => resolve());
    s.closeAllConnections();
  });

/** The service's metrics, on a registry of its own (tests run several upstreams in one process). */
function upstreamMetrics(defaultMetrics: boolean) {
  const registry = new Registry();
  if (defaultMetrics) collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: "upstream_requests_total",
    help: "GET /quote requests by outcome (HTTP status, or 'reset' for a dropped connection).",
    labelNames: ["status"],
    registers: [registry],
  });
  const duration = new Histogram({
    name: "upstream_request_duration_seconds",
    help: "Time to answer GET /quote, injected latency included.",
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const mode = new Gauge({
    name: "upstream_fault_mode",
    help: "1 for the current fault mode, 0 for the others.",
    labelNames: ["mode"],
    registers: [registry],
  });
  return { registry, requests, duration, mode };
}

/** The faults in force, shared by the service (which obeys them) and the control API (which sets them). */
interface FaultState {
  get(): Faults;
  set(f: Faults): void;
}

/** `PUT /faults`: a JSON body of at most MAX_BODY bytes, checked by parseFaults before it applies. */
function putFaults(req: IncomingMessage, res: ServerResponse, faults: FaultState): void {
  readBody(req).then(
    (text) => {
      if (text === null) return sendJson(res, 413, { error: `body over ${MAX_BODY} bytes` });
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return sendJson(res, 400, { error: "body is not valid JSON", errors: ["body is not valid JSON"] });
      }
      const r = parseFaults(body);
      if (!r.ok) return sendJson(res, 400, { error: r.errors.join("; "), errors: r.errors });
      faults.set(r.faults);
      sendJson(res, 200, faults.get());
    },
    () => sendJson(res, 400, { error: "could not read the body" }),
  );
}

/** The control API: `/faults` read (GET), set (PUT) and cleared (DELETE). */
function handleControl(req: IncomingMessage, res: ServerResponse, faults: FaultState): void {
  const path = (req.url ?? "/").split("?")[0];
  if (path !== "/faults") return sendJson(res, 404, { error: "not found: the control API is /faults" });
  if (req.method === "GET") return sendJson(res, 200, faults.get());
  if (req.method === "DELETE") {
    faults.set({ ...NORMAL });
    return sendJson(res, 200, faults.get());
  }
  if (req.method !== "PUT") {
    res.setHeader("allow", "GET, PUT, DELETE");
    return sendJson(res, 405, { error: `method ${req.method} not allowed on /faults` });
  }
  putFaults(req, res, faults);
}

/** What the service's routes use: the key, randomness, metrics, the faults in force, timers pending. */
interface ServiceState {
  opts: UpstreamOptions;
  random: () => number;
  metrics: ReturnType<typeof upstreamMetrics>;
  faults: FaultState;
  pending: Set<NodeJS.Timeout>;
}

/** Answers one `/quote` as the faults decided: a quote, an injected error, or a reset connection. */
function answerQuote(s: ServiceState, res: ServerResponse, started: bigint, fail: boolean, f: Faults) {
  if (res.destroyed) return;
  const { requests, duration } = s.metrics;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (fail && f.errorStatus === 0) {
    requests.inc({ status: "reset" });
    duration.observe(seconds);
    res.socket?.destroy();
    return;
  }
  const status = fail ? f.errorStatus : 200;
  if (fail) sendJson(res, status, { error: `injected fault: mode ${f.mode}` });
  else sendJson(res, 200, makeQuote(s.opts.quoteKey, Date.now(), s.random));
  requests.inc({ status: String(status) });
  duration.observe(seconds);
}

/** The service port: `/quote` (delayed or failed as the faults decide), `/metrics`, `/healthz`. */
function handleService(req: IncomingMessage, res: ServerResponse, s: ServiceState): void {
  const path = (req.url ?? "/").split("?")[0];
  if (req.method === "GET" && path === "/quote") {
    const started = process.hrtime.bigint();
    const f = s.faults.get();
    const { delayMs, fail } = decide(f, s.random);
    if (delayMs === 0) return answerQuote(s, res, started, fail, f);
    const t = setTimeout(() => {
      s.pending.delete(t);
      answerQuote(s, res, started, fail, f);
    }, delayMs);
    s.pending.add(t);
    return;
  }
  if (req.method === "GET" && path === "/metrics") {
    const { registry } = s.metrics;
    registry.metrics().then(
      (text) => send(res, 200, text, registry.contentType),
      (e: unknown) => send(res, 500, String(e)),
    );
    return;
  }
  if (req.method === "GET" && path === "/healthz") return send(res, 200, "ok\n");
  send(res, 404, "not found\n");
}

/** Builds the upstream service; nothing listens until `listen`. */
export function createUpstream(opts: UpstreamOptions): Upstream {
  const random = opts.random ?? Math.random;
  const pending = new Set<NodeJS.Timeout>();
  const metrics = upstreamMetrics(opts.defaultMetrics ?? false);
  let current: Faults = { ...NORMAL };
  const faults: FaultState = {
    get: () => current,
    set(f) {
      current = f;
      for (const m of FAULT_MODES) metrics.mode.set({ mode: m }, m === f.mode ? 1 : 0);
    },
  };
  faults.set(current);

  const state: ServiceState = { opts, random, metrics, faults, pending };
  const service = createServer((req, res) => handleService(req, res, state));
  service.keepAliveTimeout = 30_000;
  const control = createServer((req, res) => handleControl(req, res, faults));

  return {
    service,
    control,
    faults: faults.get,
    async listen(port, controlPort, host = "0.0.0.0") {
      return {
        port: await listenOn(service, port, host),
        controlPort: await listenOn(control, controlPort, host),
      };
    },
    async close() {
      for (const t of pending) clearTimeout(t);
      pending.clear();
      await Promise.all([closeServer(service), closeServer(control)]);
    },
  };
}
