import { test } from "node:test";
import assert from "node:assert/strict";
import { createQuoteCache } from "../../../services/url-anvil/src/quote-cache.ts";

/** A recording fake upstream: each call returns a pending promise the test settles. */
function fakeUpstream() {
  const calls: { resolve: (b: Buffer) => void; reject: (e: Error) => void }[] = [];
  return {
    calls,
    fetchQuote: () =>
      new Promise<Buffer>((resolve, reject) => {
        calls.push({ resolve, reject });
      }),
  };
}

const tick = () => new Promise((r) => setImmediate(r));

test("concurrent callers share one fetch; within refreshMs nobody asks upstream", async () => {
  let now = 0;
  const up = fakeUpstream();
  const cache = createQuoteCache({ fetchQuote: up.fetchQuote, now: () => now });
  const waiting = [cache.get(), cache.get(), cache.get()];
  assert.equal(up.calls.length, 1);
  up.calls[0]!.resolve(Buffer.from("q1"));
  for (const a of await Promise.all(waiting)) assert.deepEqual(a, { kind: "fresh", body: Buffer.from("q1") });
  now = 999;
  assert.deepEqual(await cache.get(), { kind: "cached", body: Buffer.from("q1") });
  assert.equal(up.calls.length, 1);
  now = 1_000;
  const next = cache.get();
  assert.equal(up.calls.length, 2, "refreshes once refreshMs has passed");
  up.calls[1]!.resolve(Buffer.from("q2"));
  assert.equal((await next).kind, "fresh");
});

test("failure: stale up to staleMs, then unavailable; retries spaced by retryMs", async () => {
  let now = 0;
  const up = fakeUpstream();
  const cache = createQuoteCache({ fetchQuote: up.fetchQuote, now: () => now });
  const first = cache.get();
  up.calls[0]!.resolve(Buffer.from("q1"));
  await first;
  now = 5_000;
  const failing = cache.get();
  up.calls[1]!.reject(new Error("upstream answered 503"));
  assert.deepEqual(await failing, { kind: "stale", body: Buffer.from("q1"), ageMs: 5_000 });
  now = 5_100;
  assert.equal((await cache.get()).kind, "stale");
  assert.equal(up.calls.length, 2, "no new attempt within retryMs");
  now = 25_000;
  assert.equal((await cache.get()).kind, "stale", "25 s old is still served");
  assert.equal(up.calls.length, 3, "an attempt after retryMs");
  up.calls[2]!.reject(new Error("reset"));
  await tick();
  now = 25_001;
  assert.deepEqual(await cache.get(), { kind: "unavailable", reason: "reset" });
});

test("degraded with a stale copy: callers do not wait for the background attempt", async () => {
  let now = 0;
  const up = fakeUpstream();
  const cache = createQuoteCache({ fetchQuote: up.fetchQuote, now: () => now });
  const first = cache.get();
  up.calls[0]!.resolve(Buffer.from("q1"));
  await first;
  now = 2_000;
  const failing = cache.get();
  up.calls[1]!.reject(new Error("timeout"));
  await failing;
  now = 2_500;
  // The attempt stays pending (a slow upstream), yet the answer is immediate.
  assert.equal((await cache.get()).kind, "stale");
  assert.equal(up.calls.length, 3);
  assert.equal((await cache.get()).kind, "stale");
  assert.equal(up.calls.length, 3, "still one attempt in flight");
  up.calls[2]!.resolve(Buffer.from("q2"));
  await tick();
  assert.deepEqual(await cache.get(), { kind: "cached", body: Buffer.from("q2") });
});

test("no cache and upstream failing: unavailable, never a rejection", async () => {
  const up = fakeUpstream();
  const cache = createQuoteCache({ fetchQuote: up.fetchQuote, now: () => 0 });
  const a = cache.get();
  up.calls[0]!.reject(new Error("connection refused"));
  assert.deepEqual(await a, { kind: "unavailable", reason: "connection refused" });
});
