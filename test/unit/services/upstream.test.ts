import { test } from "node:test";
import assert from "node:assert/strict";
import { QUOTES, makeQuote, parseQuoteKey, quoteToken } from "../../../services/upstream/src/quote.ts";
import { TEST_KEY_HEX, seeded, startUpstream } from "./helpers.ts";

// Expected token computed independently, once, with:
//   printf '%s' '0123456789abcdef:1700000000000:Hope is not a strategy.' \
//     | openssl dgst -sha256 -mac HMAC -macopt hexkey:000102030405060708090a0b0c0d0e0f
// The Go load generator must verify the same vector.
const VECTOR_TOKEN = "067e2328d8f801590ddb430a7d5d7bf4180095f794db9a643a13f3b2f41830a2";

test("quoteToken matches the HMAC-SHA256 vector computed with openssl", () => {
  const key = Buffer.from(TEST_KEY_HEX, "hex");
  assert.equal(quoteToken(key, "0123456789abcdef", 1700000000000, "Hope is not a strategy."), VECTOR_TOKEN);
  assert.notEqual(
    quoteToken(key, "0123456789abcdef", 1700000000001, "Hope is not a strategy."),
    VECTOR_TOKEN,
  );
});

test("parseQuoteKey rejects missing, non-hex and short keys", () => {
  const cases = [
    { input: undefined, error: /QUOTE_KEY is required/ },
    { input: "", error: /QUOTE_KEY is required/ },
    { input: "zz0102030405060708090a0b0c0d0e0f", error: /must be hex/ },
    { input: "0001020", error: /must be hex/ },
    { input: "0001020304", error: /too short/ },
  ];
  for (const c of cases) assert.throws(() => parseQuoteKey(c.input), c.error, String(c.input));
  assert.deepEqual(parseQuoteKey(TEST_KEY_HEX), Buffer.from(TEST_KEY_HEX, "hex"));
});

test("makeQuote signs what it returns", () => {
  const key = Buffer.from(TEST_KEY_HEX, "hex");
  const q = makeQuote(key, 1700000000123.7, seeded(1));
  assert.match(q.id, /^[0-9a-f]{16}$/);
  assert.equal(q.issuedAt, 1700000000123);
  assert.ok(QUOTES.includes(q.text));
  assert.equal(q.token, quoteToken(key, q.id, q.issuedAt, q.text));
});

test("GET /quote answers a signed quote with exactly the four fields", async () => {
  const u = await startUpstream();
  try {
    const before = Date.now();
    const res = await fetch(`${u.base}/quote`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /application\/json/);
    const q = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(q), ["id", "text", "issuedAt", "token"]);
    assert.match(String(q.id), /^[0-9a-f]{16}$/);
    assert.ok(
      Number.isInteger(q.issuedAt) &&
        (q.issuedAt as number) >= before &&
        (q.issuedAt as number) <= Date.now(),
    );
    const key = Buffer.from(TEST_KEY_HEX, "hex");
    assert.equal(q.token, quoteToken(key, String(q.id), q.issuedAt as number, String(q.text)));
    const other = (await (await fetch(`${u.base}/quote`)).json()) as { id: string };
    assert.notEqual(other.id, q.id);
  } finally {
    await u.close();
  }
});

test("slow mode adds the configured latency; DELETE restores normal", async () => {
  const u = await startUpstream();
  try {
    assert.equal((await u.setFaults({ mode: "slow", latencyMs: 300 })).status, 200);
    let t = Date.now();
    assert.equal((await fetch(`${u.base}/quote`)).status, 200);
    assert.ok(Date.now() - t >= 290, `took ${Date.now() - t} ms`);
    const del = await fetch(`${u.control}/faults`, { method: "DELETE" });
    assert.equal(((await del.json()) as { mode: string }).mode, "normal");
    t = Date.now();
    assert.equal((await fetch(`${u.base}/quote`)).status, 200);
    assert.ok(Date.now() - t < 250, `took ${Date.now() - t} ms after DELETE`);
  } finally {
    await u.close();
  }
});

test("flaky mode fails about errorRate of 200 requests, with errorStatus", async () => {
  const u = await startUpstream(seeded(42));
  try {
    await u.setFaults({ mode: "flaky", errorRate: 0.3, errorStatus: 502 });
    const counts = new Map<number, number>();
    for (let i = 0; i < 200; i++) {
      const res = await fetch(`${u.base}/quote`);
      await res.arrayBuffer();
      counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
    }
    assert.deepEqual([...counts.keys()].sort(), [200, 502]);
    const failed = counts.get(502) ?? 0;
    assert.ok(failed >= 40 && failed <= 80, `${failed} of 200 failed, expected about 60`);
  } finally {
    await u.close();
  }
});

test("down mode answers errorStatus to every quote, or drops the connection for 0", async () => {
  const u = await startUpstream();
  try {
    await u.setFaults({ mode: "down", errorStatus: 503 });
    for (let i = 0; i < 5; i++) assert.equal((await fetch(`${u.base}/quote`)).status, 503);
    // Faults change only /quote.
    assert.equal((await fetch(`${u.base}/metrics`)).status, 200);
    await u.setFaults({ mode: "down", errorStatus: 0 });
    await assert.rejects(fetch(`${u.base}/quote`));
    const metrics = await (await fetch(`${u.base}/metrics`)).text();
    assert.match(metrics, /upstream_requests_total\{status="503"\} 5/);
    assert.match(metrics, /upstream_requests_total\{status="reset"\} 1/);
    assert.match(metrics, /upstream_fault_mode\{mode="down"\} 1/);
    assert.match(metrics, /upstream_fault_mode\{mode="normal"\} 0/);
    assert.match(metrics, /upstream_request_duration_seconds_count 6/);
  } finally {
    await u.close();
  }
});
