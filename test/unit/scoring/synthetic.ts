/**
 * Synthetic measurements for the scoring tests: models of apps of known quality, built the way the
 * harness builds Measurements (per-second samples and per-phase aggregates).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseChallenge, type ChallengeDef } from "../../../scoring/challenge-schema.ts";
import {
  emptyCounts,
  type FaultWindow,
  type Measurements,
  type OutcomeCounts,
  type PhaseStats,
  type RequestKind,
  type Sample,
} from "../../../scoring/measurements.ts";
import { planRun, type StagePlan } from "../../../scoring/plan.ts";
import type { ChallengeId } from "../../../record/run-record.ts";

export function def(id: ChallengeId): ChallengeDef {
  const path = fileURLToPath(new URL(`../../../scoring/challenges/${id}.yml`, import.meta.url));
  return parseChallenge(readFileSync(path, "utf8"), path);
}

export function counts(c: Partial<OutcomeCounts> = {}): OutcomeCounts {
  return { ...emptyCounts(), ...c };
}

/** Splits counts by kind with the given share of quotes (the rest are echo). */
function byKind(c: OutcomeCounts, quoteShare: number, quoteOk?: number): Record<RequestKind, OutcomeCounts> {
  const quote = emptyCounts();
  const echo = emptyCounts();
  for (const k of Object.keys(c) as (keyof OutcomeCounts)[]) {
    quote[k] = Math.round(c[k] * quoteShare);
    echo[k] = c[k] - quote[k];
  }
  if (quoteOk !== undefined) {
    const tot = Object.values(quote).reduce((a, b) => a + b, 0);
    const ok = Math.round(tot * quoteOk);
    const moved = quote.ok - ok;
    quote.ok = ok;
    quote.http_error += moved;
  }
  return { echo, page: emptyCounts(), quote };
}

/** Per second behaviour of a model app at an offered rate. */
export interface SecondModel {
  counts: OutcomeCounts;
  dropped: number;
  p99: number | null;
  probeUp: number | null;
  cpu: number | null;
  quoteOk?: number;
}

/** Builds Measurements from stages and a per-second model (t, rate, stage name) → behaviour. */
export function measure(
  stages: StagePlan[],
  model: (t: number, rate: number, stage: string) => SecondModel | null,
  opts: { faults?: FaultWindow[]; restarts?: number } = {},
): Measurements {
  const samples: Sample[] = [];
  const phases: PhaseStats[] = [];
  let at = 0;
  for (const s of stages) {
    let c = emptyCounts();
    let dropped = 0;
    let cpu: number | null = null;
    let p99: number | null = null;
    let quoteOk: number | undefined;
    for (let i = 0; i < s.duration; i++) {
      const t = at + i;
      const from = s.startRate ?? s.rate;
      const rate = from + ((s.rate - from) * (i + 1)) / s.duration;
      const m = model(t, rate, s.name);
      if (!m) continue; // a gap in Prometheus data
      samples.push({
        t,
        counts: m.counts,
        dropped: m.dropped,
        p50: m.p99,
        p95: m.p99,
        p99: m.p99,
        probeUp: m.probeUp,
        cpu: m.cpu,
        memory: 50,
      });
      for (const k of Object.keys(c) as (keyof OutcomeCounts)[]) c = { ...c, [k]: c[k] + m.counts[k] };
      dropped += m.dropped;
      if (m.cpu !== null) cpu = (cpu ?? 0) + m.cpu;
      if (m.p99 !== null) p99 = Math.max(p99 ?? 0, m.p99);
      quoteOk = m.quoteOk;
    }
    phases.push({
      name: s.name,
      start: at,
      end: at + s.duration,
      targetRate: s.rate,
      counts: c,
      byKind: byKind(c, 0.2, quoteOk),
      dropped,
      p50: p99,
      p95: p99,
      p99,
      cpuSeconds: cpu,
    });
    at += s.duration;
  }
  return {
    stepSeconds: 1,
    duration: at,
    samples,
    phases,
    faults: opts.faults ?? [],
    restarts: opts.restarts ?? 0,
  };
}

/** An honest app that serves up to `capacity` req/s within SLO and times out beyond it. */
export function honest(capacity: number, cpuPerReq = 0.0005) {
  return (_t: number, rate: number): SecondModel => {
    const r = Math.round(rate);
    if (r <= capacity)
      return {
        counts: counts({ ok: r }),
        dropped: 0,
        p99: 10 + 100 * (r / capacity),
        probeUp: 1,
        cpu: r * cpuPerReq,
      };
    return {
      counts: counts({ ok: capacity, timeout: r - capacity }),
      dropped: Math.round((r - capacity) / 2),
      p99: 2000,
      probeUp: 1,
      cpu: capacity * cpuPerReq,
    };
  };
}

/** The cheat: answers every request at once with 503 (a fast-fail), whatever the load. */
export function refuseAll() {
  return (_t: number, rate: number): SecondModel => ({
    counts: counts({ fast_fail: Math.round(rate) }),
    dropped: 0,
    p99: 2,
    probeUp: 1,
    cpu: 0.01,
  });
}

/** Nothing at all: no request completed, no probe, no CPU (an app that never answered, or no data). */
export function silent() {
  return (): SecondModel => ({ counts: counts(), dropped: 0, p99: null, probeUp: null, cpu: null });
}

/** Every request errors (slowly). */
export function allErrors() {
  return (_t: number, rate: number): SecondModel => ({
    counts: counts({ http_error: Math.round(rate) }),
    dropped: 0,
    p99: 600,
    probeUp: 0,
    cpu: 0.1,
  });
}

export const stagesOf = (d: ChallengeDef, scale = 1, referenceCapacity: number | null = 1000) =>
  planRun(d, { scale, referenceCapacity }).stages;

/**
 * Second `at` of `m` becomes a scrape gap, as Prometheus shows one: no fresh scrape of the load
 * generator landed in it, so its counters read 0 and its requests are counted in the next second.
 * Every other second had a fresh scrape.
 */
export function withScrapeGap(m: Measurements, at: number): Measurements {
  for (const x of m.samples) x.loadScraped = true;
  const [gap, next] = [m.samples.find((x) => x.t === at)!, m.samples.find((x) => x.t === at + 1)!];
  for (const k of Object.keys(gap.counts) as (keyof OutcomeCounts)[]) next.counts[k] += gap.counts[k];
  Object.assign(gap, {
    counts: emptyCounts(),
    dropped: 0,
    p50: null,
    p95: null,
    p99: null,
    loadScraped: false,
  });
  return m;
}

/** Asserts nothing in a score is NaN or infinite. */
export function finiteEverywhere(x: unknown): boolean {
  return (
    JSON.stringify(x, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? "NOT-FINITE" : v)).includes(
      "NOT-FINITE",
    ) === false
  );
}
