/** The figures bench/reproducibility.ts prints: mean, coefficient of variation, Kendall's τ. Pure. */

/** One measured run, as the benchmark keeps it. */
export interface Row {
  challenge: string;
  login: string;
  /** Run under the slower-runner emulation. */
  slow: boolean;
  score: number;
  /** The figure behind the score (capacity req/s, goodput req/s, streak s); null when not measured. */
  raw: number | null;
  /** The reference's capacity in that run (req/s); null when none was measured. */
  reference: number | null;
  /** False when the harness judged the run invalid: its score says nothing about the entry. */
  valid: boolean;
}

/** Arithmetic mean; null for no values. */
export function mean(xs: number[]): number | null {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

/** Sample standard deviation ÷ mean; null with fewer than 2 values or a mean of 0. */
export function cv(xs: number[]): number | null {
  const m = mean(xs);
  if (m === null || xs.length < 2 || m === 0) return null;
  const variance = xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
  return Math.sqrt(variance) / Math.abs(m);
}

/**
 * Kendall's τ-b between observed scores and the designed order, `scores[i]` being the score of
 * the entry designed to rank i-th (best first): 1 when the scores fall strictly in that order, −1
 * when exactly reversed. Tied scores count as neither agreeing nor disagreeing (τ-b's correction).
 */
export function kendallTau(scores: number[]): number {
  let concordant = 0;
  let discordant = 0;
  let ties = 0;
  const n = scores.length;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      // Designed: i is better than j, so a concordant pair has scores[i] > scores[j].
      const d = scores[i]! - scores[j]!;
      if (d > 0) concordant++;
      else if (d < 0) discordant++;
      else ties++;
    }
  const pairs = (n * (n - 1)) / 2;
  const denom = Math.sqrt(pairs * (pairs - ties));
  return denom > 0 ? (concordant - discordant) / denom : 0;
}
