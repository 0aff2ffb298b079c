/**
 * From Prometheus to `Measurements`: per-second counts, latency quantiles and probe results of one
 * load run, read from the raw counters (differences of counter values a second apart, so nothing
 * is extrapolated). The conversion is pure; `queryRawSeconds` is the only part that does I/O.
 */
import {
  emptyCounts,
  OUTCOMES,
  type FaultWindow,
  type Measurements,
  type Outcome,
  type OutcomeCounts,
  type PhaseStats,
  REQUEST_KINDS,
  type RequestKind,
  type Sample,
} from "../scoring/measurements.ts";
import type { Prometheus, RangeSeries } from "./prometheus.ts";

/**
 * The only series a score may read: the platform's own scrape targets, by job AND instance
 * (harness/stack/prometheus.yml fixes both). A series that some other writer put into Prometheus
 * under the same metric name, even with the same job, never matches these.
 */
export const SCRAPE_TARGETS = {
  /** The load generator's /metrics. */
  loadgen: 'job="loadgen",instance="loadgen:9464"',
  /** The blackbox probe of the entry (the probe job relabels its instance to `entry`). */
  probe: 'job="probe",instance="entry"',
} as const;

const KINDS = REQUEST_KINDS;
type Kind = RequestKind;

/** Raw per-second data, before it is folded into Measurements. */
export interface RawSeconds {
  /** Requests ending in second i, by kind and outcome. */
  counts: Record<Kind, OutcomeCounts>[];
  /** Histogram bucket increments per second: le (seconds) → count. */
  buckets: Map<number, number>[];
  dropped: number[];
  probeUp: (number | null)[];
  /** Whether a fresh scrape of the load generator landed in second i (false: a scrape gap). */
  loadScraped: boolean[];
  /** The load generator's worst late wake-up in second i, in seconds (null: no reading). */
  pacerLag: (number | null)[];
  /** Iterations the load generator had started by the window's end (its own counter; 0 without data). */
  iterations: number;
}

/** Values of a counter at each step, forward-filled over gaps and 0 before the first point. */
export function counterAt(series: RangeSeries | undefined, times: number[]): number[] {
  const pts = series?.points ?? [];
  const out: number[] = [];
  let j = 0;
  let last = 0;
  for (const t of times) {
    while (j < pts.length && pts[j]![0] <= t + 1e-6) last = pts[j++]![1];
    out.push(last);
  }
  return out;
}

/** Per-interval increments of a counter sampled at `times` (length times.length - 1, never negative). */
export function increments(series: RangeSeries | undefined, times: number[]): number[] {
  const v = counterAt(series, times);
  return v.slice(1).map((x, i) => Math.max(0, x - v[i]!));
}

/**
 * Per interval [t0+i, t0+i+1): did a fresh scrape land in it? `series` is `timestamp(...)` of the
 * scraped target sampled at t0+1 … t0+seconds (the time of the newest sample at each step).
 * Without one, that interval's counter increments read 0 although requests may have completed.
 */
export function freshScrapes(series: RangeSeries | undefined, t0: number, seconds: number): boolean[] {
  const out = Array.from({ length: seconds }, () => false);
  for (const [t, ts] of series?.points ?? []) {
    const i = Math.round(t - (t0 + 1));
    if (i >= 0 && i < seconds) out[i] = ts > t0 + i;
  }
  return out;
}

/** A gauge sampled at t0+1 … t0+seconds, as the value of each second [t0+i, t0+i+1) (null: none). */
export function perSecondGauge(
  series: RangeSeries | undefined,
  t0: number,
  seconds: number,
): (number | null)[] {
  const out: (number | null)[] = Array.from({ length: seconds }, () => null);
  for (const [t, v] of series?.points ?? []) {
    const i = Math.round(t - (t0 + 1));
    if (i >= 0 && i < seconds) out[i] = v;
  }
  return out;
}

/** Prometheus-style quantile from bucket counts (upper bound in seconds → count), in ms. */
export function histogramQuantileMs(buckets: Map<number, number>, q: number): number | null {
  const les = [...buckets.keys()].sort((a, b) => a - b);
  const cumulative: number[] = [];
  let acc = 0;
  for (const le of les) cumulative.push((acc += buckets.get(le) ?? 0));
  const total = acc;
  if (total <= 0) return null;
  const rank = q * total;
  for (let i = 0; i < les.length; i++) {
    if (cumulative[i]! >= rank) {
      const upper = les[i]!;
      if (!Number.isFinite(upper)) return (les[i - 1] ?? 0) * 1000;
      const lower = i === 0 ? 0 : les[i - 1]!;
      const below = i === 0 ? 0 : cumulative[i - 1]!;
      const inBucket = cumulative[i]! - below;
      const frac = inBucket > 0 ? (rank - below) / inBucket : 1;
      return (lower + (upper - lower) * frac) * 1000;
    }
  }
  return null;
}

function addCounts(a: OutcomeCounts, b: OutcomeCounts): OutcomeCounts {
  const r = emptyCounts();
  for (const o of OUTCOMES) r[o] = a[o] + b[o];
  return r;
}

function sumKinds(c: Record<Kind, OutcomeCounts>): OutcomeCounts {
  return addCounts(addCounts(c.echo, c.page), c.quote);
}

/** Folds raw per-second data, phases and faults into the scoring input. */
export function toMeasurements(
  raw: RawSeconds,
  phases: { name: string; start: number; end: number; targetRate: number }[],
  faults: FaultWindow[],
  restarts: number,
  resources: { cpu: (number | null)[]; memory: (number | null)[] },
): Measurements {
  const n = raw.counts.length;
  const samples: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const b = raw.buckets[i]!;
    samples.push({
      t: i,
      counts: sumKinds(raw.counts[i]!),
      dropped: raw.dropped[i] ?? 0,
      p50: histogramQuantileMs(b, 0.5),
      p95: histogramQuantileMs(b, 0.95),
      p99: histogramQuantileMs(b, 0.99),
      probeUp: raw.probeUp[i] ?? null,
      loadScraped: raw.loadScraped[i] ?? null,
      cpu: resources.cpu[i] ?? null,
      memory: resources.memory[i] ?? null,
    });
  }
  const phaseStats: PhaseStats[] = phases.map((p) => {
    const from = Math.max(0, Math.floor(p.start));
    const to = Math.min(n, Math.ceil(p.end));
    let counts = emptyCounts();
    const byKind = Object.fromEntries(KINDS.map((k) => [k, emptyCounts()])) as Record<Kind, OutcomeCounts>;
    const buckets = new Map<number, number>();
    let dropped = 0;
    let cpuSeconds: number | null = null;
    for (let i = from; i < to; i++) {
      counts = addCounts(counts, sumKinds(raw.counts[i]!));
      for (const k of KINDS) byKind[k] = addCounts(byKind[k], raw.counts[i]![k]);
      for (const [le, c] of raw.buckets[i]!) buckets.set(le, (buckets.get(le) ?? 0) + c);
      dropped += raw.dropped[i] ?? 0;
      const cpu = resources.cpu[i];
      if (cpu !== null && cpu !== undefined) cpuSeconds = (cpuSeconds ?? 0) + cpu;
    }
    return {
      name: p.name,
      start: p.start,
      end: p.end,
      targetRate: p.targetRate,
      counts,
      byKind,
      dropped,
      p50: histogramQuantileMs(buckets, 0.5),
      p95: histogramQuantileMs(buckets, 0.95),
      p99: histogramQuantileMs(buckets, 0.99),
      cpuSeconds,
    };
  });
  const duration = phases.length ? Math.max(...phases.map((p) => p.end)) : n;
  return { stepSeconds: 1, duration, samples, phases: phaseStats, faults, restarts };
}

/** Requests per second by kind and outcome, from the load generator's counters. */
function countsPerSecond(
  series: RangeSeries[],
  times: number[],
  seconds: number,
): Record<Kind, OutcomeCounts>[] {
  const counts: Record<Kind, OutcomeCounts>[] = Array.from({ length: seconds }, () => ({
    echo: emptyCounts(),
    page: emptyCounts(),
    quote: emptyCounts(),
  }));
  for (const s of series) {
    const kind = s.labels.kind as Kind;
    const outcome = s.labels.outcome as Outcome;
    if (!KINDS.includes(kind) || !OUTCOMES.includes(outcome)) continue;
    increments(s, times).forEach((v, i) => (counts[i]![kind][outcome] += v));
  }
  return counts;
}

/** Each second's latency histogram as answers per bucket (`le` → count, no longer cumulative). */
function bucketsPerSecond(series: RangeSeries[], times: number[], seconds: number): Map<number, number>[] {
  const perSecond = Array.from({ length: seconds }, () => new Map<number, number>());
  for (const s of series) {
    const le = s.labels.le === "+Inf" ? Infinity : Number(s.labels.le);
    if (Number.isNaN(le)) continue;
    increments(s, times).forEach((v, i) => perSecond[i]!.set(le, v));
  }
  for (const m of perSecond) {
    const les = [...m.keys()].sort((a, b) => a - b);
    let prev = 0;
    for (const le of les) {
      const cum = m.get(le)!;
      m.set(le, Math.max(0, cum - prev));
      prev = Math.max(prev, cum);
    }
  }
  return perSecond;
}

/** The PromQL `queryRawSeconds` sends for one load run, every selector pinned to SCRAPE_TARGETS. */
export function rawQueries(loadRunId: string) {
  const sel = `${SCRAPE_TARGETS.loadgen},run_id="${loadRunId}"`;
  return {
    byKindOutcome: `sum by (kind, outcome) (loadgen_requests_total{${sel}})`,
    buckets: `sum by (le) (loadgen_request_duration_seconds_bucket{${sel}})`,
    dropped: `sum(loadgen_dropped_iterations_total{${sel}})`,
    iterations: `sum(loadgen_iterations_total{${sel}})`,
    probe: `min(min_over_time(probe_success{${SCRAPE_TARGETS.probe}}[1s]))`,
    scrapes: `max(timestamp(up{${SCRAPE_TARGETS.loadgen}}))`,
    pacerLag: `max(loadgen_pacer_lag_seconds{${sel}})`,
  };
}

/** Reads one load run (by its loadgen run id) from Prometheus into per-second raw data. */
/**
 * Seconds after a load's end at which its counters are read for the last time: the longest
 * deadline of an answer (robust-service's 2 s) plus one scrape interval (1 s). The reader waits
 * longer than this after the end (harness/load-run.ts, SCRAPE_SETTLE_MS).
 */
export const TAIL_SECONDS = 3;

export async function queryRawSeconds(
  prom: Prometheus,
  loadRunId: string,
  t0: number,
  seconds: number,
): Promise<RawSeconds> {
  // The counters' last reading is taken TAIL_SECONDS after the load's end, not at it: the newest
  // scrape at t0+seconds is up to a scrape interval old, and answers still in flight land later.
  // Read at the end itself, a 3 s trial lost a quarter of its requests (by a random share, with
  // the scrape's phase). The tail's completions count in the last second.
  const times = [...Array.from({ length: seconds }, (_, i) => t0 + i), t0 + seconds + TAIL_SECONDS];
  const start = t0;
  const end = t0 + seconds;
  const counterEnd = end + TAIL_SECONDS;
  const q = rawQueries(loadRunId);
  const [byKindOutcome, buckets, dropped, iterations, probe, scrapes, pacerLag] = await Promise.all([
    prom.queryRange(q.byKindOutcome, start, counterEnd, 1),
    prom.queryRange(q.buckets, start, counterEnd, 1),
    prom.queryRange(q.dropped, start, counterEnd, 1),
    prom.queryRange(q.iterations, start, counterEnd, 1),
    prom.queryRange(q.probe, start + 1, end, 1),
    prom.queryRange(q.scrapes, start + 1, end, 1),
    prom.queryRange(q.pacerLag, start + 1, end, 1),
  ]);
  const probeUp = perSecondGauge(probe[0], t0, seconds).map((v) => (v === null ? null : v >= 1 ? 1 : 0));
  return {
    counts: countsPerSecond(byKindOutcome, times, seconds),
    buckets: bucketsPerSecond(buckets, times, seconds),
    dropped: increments(dropped[0], times),
    probeUp,
    loadScraped: freshScrapes(scrapes[0], t0, seconds),
    pacerLag: perSecondGauge(pacerLag[0], t0, seconds),
    iterations: counterAt(iterations[0], times).at(-1) ?? 0,
  };
}
