import { test } from "node:test";
import assert from "node:assert/strict";
import { createUrlAnvil, type UrlAnvilOptions } from "../../../services/url-anvil/src/server.ts";
import { startUpstream, type RunningUpstream } from "./helpers.ts";

async function withApp(
  opts: Partial<UrlAnvilOptions>,
  fn: (base: string, u: RunningUpstream) => Promise<void>,
): Promise<void> {
  const u = await startUpstream();
  const app = createUrlAnvil({ upstreamUrl: u.base, ...opts });
  const port = await app.listen(0, "127.0.0.1");
  try {
    await fn(`http://127.0.0.1:${port}`, u);
  } finally {
    await app.close(100);
    await u.close();
  }
}

test("contract: /, /healthz, /metrics, 404 elsewhere", async () => {
  await withApp({}, async (base) => {
    const root = await fetch(`${base}/`);
    assert.equal(root.status, 200);
    assert.match(root.headers.get("content-type") ?? "", /text\/html/);
    assert.match(await root.text(), /<html/);
    const health = await fetch(`${base}/healthz`);
    assert.equal(health.status, 200);
    assert.equal((await health.text()).trim(), "ok");
    assert.equal((await fetch(`${base}/nope`)).status, 404);
    assert.equal((await fetch(`${base}/api/quote/x`)).status, 404);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /http_requests_total\{route="\/",status="200"\} 1/);
    assert.match(metrics, /http_requests_total\{route="other",status="404"\} 2/);
    assert.match(metrics, /http_request_duration_seconds_bucket/);
  });
});

test("echo: the nonce verbatim, 400 for missing, repeated, non-hex or over 128 digits", async () => {
  const cases = [
    { case: "lower hex", query: "?nonce=deadbeef01", status: 200 },
    { case: "upper hex kept as sent", query: "?nonce=DEADbeef", status: 200 },
    { case: "128 digits", query: `?nonce=${"a".repeat(128)}`, status: 200 },
    { case: "129 digits", query: `?nonce=${"a".repeat(129)}`, status: 400 },
    { case: "missing", query: "", status: 400 },
    { case: "empty", query: "?nonce=", status: 400 },
    { case: "non-hex", query: "?nonce=xyz", status: 400 },
    { case: "markup", query: "?nonce=%3Cscript%3E", status: 400 },
    { case: "given twice", query: "?nonce=aa&nonce=bb", status: 400 },
  ];
  await withApp({}, async (base) => {
    for (const c of cases) {
      const res = await fetch(`${base}/api/echo${c.query}`);
      const body = await res.text();
      assert.equal(res.status, c.status, c.case);
      if (c.status === 200) assert.ok(body.includes(new URLSearchParams(c.query).get("nonce")!), c.case);
    }
  });
});

test("quote: upstream's JSON body relayed unchanged", async () => {
  await withApp({ refreshMs: 0 }, async (base, u) => {
    const res = await fetch(`${base}/api/quote`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/json");
    const body = await res.text();
    const q = JSON.parse(body) as { id: string; token: string };
    assert.match(q.token, /^[0-9a-f]{64}$/);
    // Byte-for-byte what upstream produced: its own serialisation of the same object.
    assert.equal(body, JSON.stringify(q));
    const second = JSON.parse(await (await fetch(`${base}/api/quote`)).text()) as { id: string };
    assert.notEqual(second.id, q.id, "refreshMs 0 asks upstream every time");
    assert.ok(u.up.faults().mode === "normal");
  });
});

test("quote: within refreshMs the cached quote is served and upstream is not asked", async () => {
  await withApp({ refreshMs: 60_000 }, async (base, u) => {
    const first = await (await fetch(`${base}/api/quote`)).text();
    const bodies = await Promise.all(
      Array.from({ length: 20 }, () => fetch(`${base}/api/quote`).then((r) => r.text())),
    );
    assert.ok(bodies.every((b) => b === first));
    const metrics = await (await fetch(`${u.base}/metrics`)).text();
    assert.match(metrics, /upstream_requests_total\{status="200"\} 1\n/);
  });
});

test("quote: concurrent requests share one upstream fetch", async () => {
  await withApp({ refreshMs: 0 }, async (base, u) => {
    await u.setFaults({ mode: "slow", latencyMs: 150 });
    const bodies = await Promise.all(
      Array.from({ length: 10 }, () => fetch(`${base}/api/quote`).then((r) => r.text())),
    );
    assert.equal(new Set(bodies).size, 1);
    const metrics = await (await fetch(`${u.base}/metrics`)).text();
    assert.match(metrics, /upstream_requests_total\{status="200"\} 1\n/);
  });
});

test("quote: stale copy while upstream is down, 503 once it is older than staleMs", async () => {
  let now = 1_000_000;
  await withApp({ refreshMs: 1_000, retryMs: 0, staleMs: 25_000, now: () => now }, async (base, u) => {
    const fresh = await fetch(`${base}/api/quote`);
    const body = await fresh.text();
    assert.equal(fresh.headers.get("x-cache"), "miss");
    assert.equal((await u.setFaults({ mode: "down", errorStatus: 503 })).status, 200);
    now += 10_000;
    const stale = await fetch(`${base}/api/quote`);
    assert.equal(stale.status, 200);
    assert.equal(stale.headers.get("x-cache"), "stale");
    assert.equal(await stale.text(), body);
    now += 15_001;
    const gone = await fetch(`${base}/api/quote`);
    assert.equal(gone.status, 503);
    assert.equal(gone.headers.get("retry-after"), "1");
  });
});

test("quote: 503 with Retry-After fast when upstream is down and nothing is cached", async () => {
  await withApp({}, async (base, u) => {
    await u.setFaults({ mode: "down", errorStatus: 0 });
    const res = await fetch(`${base}/api/quote`);
    assert.equal(res.status, 503);
    assert.equal(res.headers.get("retry-after"), "1");
    // Slow upstream: the 300 ms deadline answers long before upstream would.
    await u.setFaults({ mode: "slow", latencyMs: 2_000 });
    await new Promise((r) => setTimeout(r, 250)); // past retryMs
    const t = Date.now();
    assert.equal((await fetch(`${base}/api/quote`)).status, 503);
    assert.ok(Date.now() - t < 1_000, `took ${Date.now() - t} ms`);
  });
});

test("load shedding: over MAX_INFLIGHT answers 503 at once; /healthz still answers", async () => {
  await withApp({ maxInflight: 1, refreshMs: 0 }, async (base, u) => {
    await u.setFaults({ mode: "slow", latencyMs: 250 });
    const held = fetch(`${base}/api/quote`);
    await new Promise((r) => setTimeout(r, 60));
    const t = Date.now();
    const shed = await fetch(`${base}/api/echo?nonce=ab`);
    assert.equal(shed.status, 503);
    assert.equal(shed.headers.get("retry-after"), "1");
    assert.ok(Date.now() - t < 200, "shed at once, not after the 250 ms the held request takes");
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await held).status, 200);
    assert.equal((await fetch(`${base}/api/echo?nonce=ab`)).status, 200, "capacity is given back");
  });
});

test("quote: with a slow upstream only the first request waits out the 300 ms deadline", async () => {
  await withApp({ refreshMs: 0, retryMs: 0 }, async (base, u) => {
    const body = await (await fetch(`${base}/api/quote`)).text();
    await u.setFaults({ mode: "slow", latencyMs: 2_000 });
    let t = Date.now();
    const first = await fetch(`${base}/api/quote`);
    assert.equal(first.headers.get("x-cache"), "stale");
    assert.equal(await first.text(), body);
    assert.ok(Date.now() - t >= 280, "the first one waits for the deadline");
    t = Date.now();
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${base}/api/quote`);
      assert.equal(r.headers.get("x-cache"), "stale");
      await r.arrayBuffer();
    }
    assert.ok(Date.now() - t < 1_000, `5 stale answers (each would wait 300 ms) took ${Date.now() - t} ms`);
  });
});
