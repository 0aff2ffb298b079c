import { test } from "node:test";
import assert from "node:assert/strict";
import { NORMAL, decide, parseFaults } from "../../../services/upstream/src/faults.ts";
import { seeded, startUpstream } from "./helpers.ts";

const rejected = [
  { case: "not an object", input: [1], error: "body must be a JSON object" },
  { case: "null", input: null, error: "body must be a JSON object" },
  { case: "no mode", input: {}, error: "mode must be one of normal, slow, flaky, down, got undefined" },
  {
    case: "unknown mode",
    input: { mode: "broken" },
    error: 'mode must be one of normal, slow, flaky, down, got "broken"',
  },
  { case: "unknown field", input: { mode: "slow", latency: 5 }, error: 'unknown field "latency"' },
  {
    case: "negative latency",
    input: { mode: "slow", latencyMs: -1 },
    error: "latencyMs must be an integer from 0 to 60000, got -1",
  },
  {
    case: "fractional latency",
    input: { mode: "slow", latencyMs: 1.5 },
    error: "latencyMs must be an integer from 0 to 60000, got 1.5",
  },
  {
    case: "string jitter",
    input: { mode: "slow", jitterMs: "5" },
    error: 'jitterMs must be an integer from 0 to 60000, got "5"',
  },
  {
    case: "rate above 1",
    input: { mode: "flaky", errorRate: 1.5 },
    error: "errorRate must be a number from 0 to 1, got 1.5",
  },
  { case: "flaky without rate", input: { mode: "flaky" }, error: "errorRate is required in mode flaky" },
  {
    case: "status 200",
    input: { mode: "down", errorStatus: 200 },
    error: "errorStatus must be 0 (drop the connection) or an integer from 400 to 599, got 200",
  },
];

test("parseFaults rejects bad bodies with a message naming the field", () => {
  for (const c of rejected) {
    const r = parseFaults(c.input);
    assert.equal(r.ok, false, c.case);
    if (!r.ok) assert.ok(r.errors.includes(c.error), `${c.case}: ${JSON.stringify(r.errors)}`);
  }
});

test("parseFaults fills left-out fields from NORMAL", () => {
  const cases = [
    { input: { mode: "normal" }, expected: { ...NORMAL } },
    {
      input: { mode: "slow", latencyMs: 800, jitterMs: 100 },
      expected: { ...NORMAL, mode: "slow", latencyMs: 800, jitterMs: 100 },
    },
    {
      input: { mode: "flaky", errorRate: 0.5, errorStatus: 500 },
      expected: { ...NORMAL, mode: "flaky", errorRate: 0.5 },
    },
    { input: { mode: "down", errorStatus: 0 }, expected: { ...NORMAL, mode: "down", errorStatus: 0 } },
  ];
  for (const c of cases) assert.deepEqual(parseFaults(c.input), { ok: true, faults: c.expected });
});

test("decide: jitter stays within ± jitterMs and never goes negative", () => {
  const r = seeded(7);
  const f = { ...NORMAL, mode: "slow" as const, latencyMs: 100, jitterMs: 50 };
  const delays = Array.from({ length: 500 }, () => decide(f, r).delayMs);
  assert.ok(Math.min(...delays) >= 50 && Math.max(...delays) <= 150);
  assert.ok(Math.min(...delays) < 70 && Math.max(...delays) > 130, "jitter spreads both ways");
  const low = { ...f, latencyMs: 10 };
  assert.ok(Array.from({ length: 100 }, () => decide(low, r).delayMs).every((d) => d >= 0));
});

test("control API: 400 with the reasons, 404/405 elsewhere, GET shows the state", async () => {
  const u = await startUpstream();
  try {
    const bad = await fetch(`${u.control}/faults`, { method: "PUT", body: "{not json" });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /not valid JSON/);
    const invalid = await u.setFaults({ mode: "flaky", errorRate: 2 });
    assert.equal(invalid.status, 400);
    assert.match(
      ((await invalid.json()) as { error: string }).error,
      /errorRate must be a number from 0 to 1/,
    );
    assert.equal(u.up.faults().mode, "normal", "a rejected PUT changes nothing");
    assert.equal((await fetch(`${u.control}/faults`, { method: "POST" })).status, 405);
    assert.equal((await fetch(`${u.control}/other`)).status, 404);
    await u.setFaults({ mode: "slow", latencyMs: 10 });
    assert.deepEqual(await (await fetch(`${u.control}/faults`)).json(), {
      ...NORMAL,
      mode: "slow",
      latencyMs: 10,
    });
    // The control API lives only on the control port.
    assert.equal((await fetch(`${u.base}/faults`)).status, 404);
  } finally {
    await u.close();
  }
});
