/**
 * Per-second verdicts shared by the challenges that judge seconds (graceful-degradation's time to
 * recover, longest-upkeep's streak). Pure.
 */
import type { ChallengeDef } from "./challenge-schema.ts";
import { totalOf, type Measurements, type Sample } from "./measurements.ts";
import { sloMiss } from "./slo.ts";

/** Per-second samples indexed by second (missing seconds are undefined: gaps in Prometheus data). */
export function samplesBySecond(m: Measurements): (Sample | undefined)[] {
  const step = m.stepSeconds > 0 ? m.stepSeconds : 1;
  const out: (Sample | undefined)[] = [];
  for (const s of m.samples) {
    const i = Math.floor(s.t / step);
    if (i >= 0 && Number.isFinite(i) && i < 100_000) out[i] = s;
  }
  return out;
}

/**
 * What the load generator says of one second: true within SLO, false not, null unknown. No request
 * completed and none dropped although a fresh scrape of the load generator landed: false (load was
 * offered all along and the app answered nothing — a frozen app looks like this). The same without
 * a fresh scrape (a scrape gap, or when unknown): null — that second's requests are counted in the
 * next fresh scrape, not in it.
 */
export function loadVerdict(def: ChallengeDef, s: Sample): boolean | null {
  if (totalOf(s.counts) + s.dropped > 0) return sloMiss(def.slo, s.counts, s.dropped, s.p99) === null;
  return s.loadScraped === true ? false : null;
}

/**
 * For each of the first `n` seconds, the next later sample with a known load verdict: the second
 * whose counters hold a scrape gap's requests (undefined when no later second has one).
 */
export function gapCarriers(
  def: ChallengeDef,
  by: (Sample | undefined)[],
  n: number,
): (Sample | undefined)[] {
  const carriers: (Sample | undefined)[] = new Array(n);
  let next: Sample | undefined;
  for (let i = n - 1; i >= 0; i--) {
    carriers[i] = next;
    const s = by[i];
    if (s && loadVerdict(def, s) !== null) next = s;
  }
  return carriers;
}

/** One second's load verdict, a scrape gap's taken from its carrier (null: still unknown). */
export function carriedVerdict(def: ChallengeDef, s: Sample, carrier: Sample | undefined): boolean | null {
  const own = loadVerdict(def, s);
  return own === null && carrier ? loadVerdict(def, carrier) : own;
}
