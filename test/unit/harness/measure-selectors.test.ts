import { test } from "node:test";
import assert from "node:assert/strict";
import { queryRawSeconds, rawQueries, SCRAPE_TARGETS } from "../../../harness/measure.ts";
import { fakePrometheus, type StoredSeries } from "./fake-prometheus.ts";

const T0 = 1_000;
const SECONDS = 4;
const RUN = "entry-0a1b2c3d";
const LOADGEN = { job: "loadgen", instance: "loadgen:9464" };
const PROBE = { job: "probe", instance: "entry" };

/** A counter scraped at T0+0.5, T0+1.5, …, rising by `perSecond` each scrape. */
function counter(name: string, labels: Record<string, string>, perSecond: number, skip: number[] = []) {
  const points: [number, number][] = [];
  for (let i = 0; i <= SECONDS; i++) if (!skip.includes(i)) points.push([T0 + i + 0.5, perSecond * (i + 1)]);
  return { labels: { __name__: name, ...labels }, points };
}

/** The platform's own series of one honest second-by-second load: 10 ok echo requests a second. */
const platform = (skip: number[] = []): StoredSeries[] => [
  counter("loadgen_requests_total", { ...LOADGEN, run_id: RUN, kind: "echo", outcome: "ok" }, 10, skip),
  counter("loadgen_iterations_total", { ...LOADGEN, run_id: RUN }, 10, skip),
  counter("loadgen_dropped_iterations_total", { ...LOADGEN, run_id: RUN }, 0, skip),
  counter(
    "loadgen_request_duration_seconds_bucket",
    { ...LOADGEN, run_id: RUN, kind: "echo", le: "+Inf" },
    10,
    skip,
  ),
  counter("up", LOADGEN, 0, skip),
  // One probe landed, and it failed.
  { labels: { __name__: "probe_success", ...PROBE }, points: [[T0 + 1.5, 0]] },
];

/** A writer other than the platform: same names, run id and even job, another instance (or none). */
const foreign: StoredSeries[] = [
  counter(
    "loadgen_requests_total",
    { job: "loadgen", instance: "entry:8080", run_id: RUN, kind: "echo", outcome: "ok" },
    1000,
  ),
  counter("loadgen_requests_total", { run_id: RUN, kind: "echo", outcome: "ok" }, 1000),
  counter("loadgen_iterations_total", { job: "loadgen", instance: "entry:8080", run_id: RUN }, 1000),
  counter("up", { job: "loadgen", instance: "entry:8080" }, 0),
  {
    labels: { __name__: "probe_success", job: "probe", instance: "blackbox:9115" },
    points: [0, 1, 2, 3, 4].map((i): [number, number] => [T0 + i + 0.7, 1]),
  },
];

test("every query of a load pins the platform's scrape targets by job and instance", () => {
  for (const [name, q] of Object.entries(rawQueries(RUN))) {
    const pinned =
      q.includes(`{${SCRAPE_TARGETS.loadgen},run_id="${RUN}"}`) ||
      q.includes(`{${SCRAPE_TARGETS.loadgen}}`) ||
      q.includes(`{${SCRAPE_TARGETS.probe}}`);
    assert.ok(pinned, `${name}: ${q}`);
  }
  assert.match(SCRAPE_TARGETS.loadgen, /job="loadgen"/);
  assert.match(SCRAPE_TARGETS.loadgen, /instance="loadgen:9464"/);
  assert.match(SCRAPE_TARGETS.probe, /job="probe"/);
  assert.match(SCRAPE_TARGETS.probe, /instance="entry"/);
});

test("a foreign writer's series beside the platform's is never summed in", async () => {
  const cases = [
    { case: "platform only", input: platform(), expected: { ok: [10, 10, 10, 20], iterations: 50 } },
    {
      case: "platform and a foreign writer",
      input: [...platform(), ...foreign],
      expected: { ok: [10, 10, 10, 20], iterations: 50 },
    },
  ];
  for (const c of cases) {
    const prom = fakePrometheus(c.input);
    const raw = await queryRawSeconds(prom, RUN, T0, SECONDS);
    assert.deepEqual(
      raw.counts.map((s) => s.echo.ok),
      c.expected.ok,
      c.case,
    );
    assert.equal(raw.iterations, c.expected.iterations, c.case);
    assert.deepEqual(raw.probeUp, [null, 0, null, null], `${c.case}: the foreign probe's 1s are not read`);
  }
});

test("a foreign `up` series cannot fill the load generator's scrape gaps", async () => {
  const raw = await queryRawSeconds(fakePrometheus([...platform([2]), ...foreign]), RUN, T0, SECONDS);
  // The platform's scrape at T0+2.5 is missing: second 2 has no fresh scrape, whatever `up` says elsewhere.
  assert.deepEqual(raw.loadScraped, [true, true, false, true]);
});

test("answers scraped after the load's last whole second count in its last second", async () => {
  // Scrapes at T0+0.5 … T0+5.5; the load of SECONDS s ended at T0+4, and its last answers landed in
  // the scrapes at T0+4.5 (45) and T0+5.5 (47). Read at T0+4 only, 7 of 47 were lost.
  const points: [number, number][] = [10, 20, 30, 40, 45, 47].map((v, i) => [T0 + i + 0.5, v]);
  const series = (name: string, extra: Record<string, string> = {}): StoredSeries => ({
    labels: { __name__: name, ...LOADGEN, run_id: RUN, ...extra },
    points,
  });
  const prom = fakePrometheus([
    series("loadgen_requests_total", { kind: "echo", outcome: "ok" }),
    series("loadgen_iterations_total"),
  ]);
  const raw = await queryRawSeconds(prom, RUN, T0, SECONDS);
  assert.deepEqual(
    raw.counts.map((s) => s.echo.ok),
    [10, 10, 10, 17],
  );
  assert.equal(raw.iterations, 47);
});
