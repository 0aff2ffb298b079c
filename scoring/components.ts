/**
 * Building blocks of a score: a named component with the figure behind it, made NaN-proof, and
 * the sum that is the score. Pure.
 */
import type { Component } from "../record/run-record.ts";

/** What every scoring function returns: the score is the sum of the components' points. */
export interface ScoreResult {
  score: number;
  scoreUnit: "points" | "seconds";
  components: Component[];
}

const round = (x: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
const finiteOr = (x: number, d: number): number => (Number.isFinite(x) ? x : d);

/** A component with its points rounded to 0.01 and no NaN or Infinity anywhere. */
export function component(
  id: string,
  label: string,
  value: number | null,
  unit: string,
  points: number,
  maxPoints: number,
  explanation: string,
): Component {
  return {
    id,
    label,
    value: value === null || !Number.isFinite(value) ? null : round(value, 3),
    unit,
    points: round(finiteOr(points, 0)),
    maxPoints: round(finiteOr(maxPoints, 0)),
    explanation,
  };
}

/** The score: sum of the points, never negative (the run record requires it), rounded to 0.01. */
export function total(components: Component[], scoreUnit: ScoreResult["scoreUnit"]): ScoreResult {
  const sum = components.reduce((s, c) => s + c.points, 0);
  return { score: round(Math.max(0, sum)), scoreUnit, components };
}

/** Clamps to [lo, hi]; NaN becomes lo. */
export function clamp(x: number, lo: number, hi: number): number {
  return Number.isFinite(x) ? Math.min(hi, Math.max(lo, x)) : lo;
}

/** Formats a number for an explanation. */
export function fmt(x: number | null, digits = 0): string {
  return x === null || !Number.isFinite(x) ? "n/a" : x.toFixed(digits);
}

/** Formats a ratio as a percentage. */
export function pct(x: number, digits = 1): string {
  return `${(clamp(x, 0, 1) * 100).toFixed(digits)}%`;
}

/**
 * Points for a ratio to the reference, with no cap: `weight × log2(1 + ratio)`. The reference
 * itself (ratio 1) earns `weight`; every doubling of (1 + ratio) earns `weight` more, so a better
 * entry always scores more while a noisy ratio near the top moves the score less than a linear
 * rule would. 0 for a ratio of 0 (or below, or not finite).
 */
export function logRatioPoints(weight: number, ratio: number): number {
  return Number.isFinite(ratio) && ratio > 0 ? weight * Math.log2(1 + ratio) : 0;
}
