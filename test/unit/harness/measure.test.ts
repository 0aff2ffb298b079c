import { test } from "node:test";
import assert from "node:assert/strict";
import {
  counterAt,
  freshScrapes,
  histogramQuantileMs,
  increments,
  toMeasurements,
  type RawSeconds,
} from "../../../harness/measure.ts";
import { emptyCounts } from "../../../scoring/measurements.ts";

const series = (points: [number, number][]) => ({ labels: {}, points });

test("counterAt forward-fills gaps and reads 0 before the first point", () => {
  const cases = [
    { case: "no series", s: undefined, times: [0, 1, 2], expected: [0, 0, 0] },
    {
      case: "dense",
      s: series([
        [0, 1],
        [1, 3],
        [2, 6],
      ]),
      times: [0, 1, 2],
      expected: [1, 3, 6],
    },
    {
      case: "gap",
      s: series([
        [0, 1],
        [2, 6],
      ]),
      times: [0, 1, 2],
      expected: [1, 1, 6],
    },
    { case: "late start", s: series([[2, 5]]), times: [0, 1, 2], expected: [0, 0, 5] },
  ];
  for (const c of cases) assert.deepEqual(counterAt(c.s, c.times), c.expected, c.case);
});

test("increments are per-interval differences and never negative", () => {
  assert.deepEqual(
    increments(
      series([
        [0, 0],
        [1, 10],
        [2, 25],
        [3, 25],
      ]),
      [0, 1, 2, 3],
    ),
    [10, 15, 0],
  );
  // A counter reset (loadgen restarted) must not produce negative traffic.
  assert.deepEqual(
    increments(
      series([
        [0, 10],
        [1, 2],
      ]),
      [0, 1],
    ),
    [0],
  );
});

test("histogramQuantileMs interpolates within the bucket like Prometheus", () => {
  const b = new Map<number, number>([
    [0.01, 50],
    [0.1, 40],
    [1, 10],
    [Infinity, 0],
  ]);
  assert.equal(histogramQuantileMs(b, 0.5), 10);
  // rank 99 falls in (0.1, 1]: 9 of 10 → 0.1 + 0.9*0.9 = 0.91 s
  assert.ok(Math.abs(histogramQuantileMs(b, 0.99)! - 910) < 1e-6);
  assert.equal(histogramQuantileMs(new Map(), 0.99), null);
  assert.equal(
    histogramQuantileMs(
      new Map([
        [0.1, 0],
        [Infinity, 0],
      ]),
      0.5,
    ),
    null,
  );
  // Everything above the last finite bound: the bound itself, as Prometheus does.
  assert.equal(
    histogramQuantileMs(
      new Map([
        [0.5, 0],
        [Infinity, 4],
      ]),
      0.5,
    ),
    500,
  );
});

test("toMeasurements folds seconds into phases with per-kind counts", () => {
  const sec = (ok: number, timeout: number) => ({
    echo: { ...emptyCounts(), ok, timeout },
    page: { ...emptyCounts(), ok: 1 },
    quote: emptyCounts(),
  });
  const raw: RawSeconds = {
    counts: [sec(10, 0), sec(20, 1), sec(30, 2)],
    buckets: [
      new Map([[0.01, 11]]),
      new Map([
        [0.01, 21],
        [1, 1],
      ]),
      new Map([
        [0.01, 31],
        [1, 2],
      ]),
    ],
    dropped: [0, 1, 2],
    probeUp: [1, null, 0],
    loadScraped: [true, false, true],
    pacerLag: [0.01, null, 0.02],
    iterations: 70,
  };
  const m = toMeasurements(
    raw,
    [
      { name: "a", start: 0, end: 1, targetRate: 10 },
      { name: "b", start: 1, end: 3, targetRate: 30 },
    ],
    [],
    1,
    { cpu: [0.5, 0.5, null], memory: [10, 11, 12] },
  );
  assert.equal(m.samples.length, 3);
  assert.equal(m.duration, 3);
  assert.equal(m.samples[1]!.counts.ok, 21);
  assert.equal(m.samples[1]!.probeUp, null);
  assert.deepEqual(
    m.samples.map((x) => x.loadScraped),
    [true, false, true],
  );
  const b = m.phases[1]!;
  assert.equal(b.counts.ok, 52);
  assert.equal(b.counts.timeout, 3);
  assert.equal(b.byKind.echo.ok, 50);
  assert.equal(b.byKind.page.ok, 2);
  assert.equal(b.dropped, 3);
  assert.equal(b.cpuSeconds, 0.5);
  assert.equal(m.phases[0]!.cpuSeconds, 0.5);
  assert.equal(m.restarts, 1);
});

test("freshScrapes: an interval without a new scrape of the load generator is a gap", () => {
  // timestamp(up) sampled at t0+1 … t0+4: scrapes at 100.2, 101.2, (none in [102, 103)), 103.3.
  const t0 = 100;
  const ts = series([
    [101, 100.2],
    [102, 101.2],
    [103, 101.2],
    [104, 103.3],
  ]);
  assert.deepEqual(freshScrapes(ts, t0, 4), [true, true, false, true]);
  // No data at all: every interval is a gap (the probe decides, as before).
  assert.deepEqual(freshScrapes(undefined, t0, 2), [false, false]);
});
