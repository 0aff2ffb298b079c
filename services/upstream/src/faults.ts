/**
 * Fault settings of the dependency service, and their validation. The harness sets them over the
 * control API (PUT /faults) during a challenge; they change only how `GET /quote` answers.
 */

/** Fault modes, in the order the gauge `upstream_fault_mode` lists them. */
export const FAULT_MODES = ["normal", "slow", "flaky", "down"] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

/** The full, normalised fault state (GET /faults returns exactly this). */
export interface Faults {
  mode: FaultMode;
  /** Added before answering, in slow, flaky and down modes. */
  latencyMs: number;
  /** Latency varies uniformly by ± this much (never below 0), as toxiproxy's latency toxic does. */
  jitterMs: number;
  /** flaky: share of requests that fail, 0..1. */
  errorRate: number;
  /** Status of a failed request; 0 destroys the connection without an answer. */
  errorStatus: number;
}

/** No fault: what DELETE /faults restores. */
export const NORMAL: Readonly<Faults> = Object.freeze({
  mode: "normal",
  latencyMs: 0,
  jitterMs: 0,
  errorRate: 0,
  errorStatus: 500,
});

const MAX_LATENCY_MS = 60_000;
const KEYS = new Set(["mode", "latencyMs", "jitterMs", "errorRate", "errorStatus"]);

/** The outcome of validating a PUT /faults body: the new state, or every problem found. */
export type ParseResult = { ok: true; faults: Faults } | { ok: false; errors: string[] };

function intIn(errors: string[], body: Record<string, unknown>, key: string, min: number, max: number) {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    errors.push(`${key} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
    return undefined;
  }
  return v;
}

/**
 * Validates a PUT /faults body. Fields left out take their NORMAL value, so a PUT always
 * describes the whole state (the harness never depends on what was set before).
 */
export function parseFaults(body: unknown): ParseResult {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { ok: false, errors: ["body must be a JSON object"] };
  }
  const b = body as Record<string, unknown>;
  const errors: string[] = [];
  for (const k of Object.keys(b)) if (!KEYS.has(k)) errors.push(`unknown field "${k}"`);
  const mode = b.mode;
  if (typeof mode !== "string" || !(FAULT_MODES as readonly string[]).includes(mode)) {
    errors.push(`mode must be one of ${FAULT_MODES.join(", ")}, got ${JSON.stringify(mode)}`);
  }
  const latencyMs = intIn(errors, b, "latencyMs", 0, MAX_LATENCY_MS);
  const jitterMs = intIn(errors, b, "jitterMs", 0, MAX_LATENCY_MS);
  let errorRate: number | undefined;
  if (b.errorRate !== undefined) {
    if (typeof b.errorRate !== "number" || !(b.errorRate >= 0 && b.errorRate <= 1)) {
      errors.push(`errorRate must be a number from 0 to 1, got ${JSON.stringify(b.errorRate)}`);
    } else errorRate = b.errorRate;
  }
  let errorStatus: number | undefined;
  if (b.errorStatus !== undefined) {
    const s = b.errorStatus;
    if (typeof s !== "number" || !Number.isInteger(s) || !(s === 0 || (s >= 400 && s <= 599))) {
      errors.push(
        `errorStatus must be 0 (drop the connection) or an integer from 400 to 599, got ${JSON.stringify(s)}`,
      );
    } else errorStatus = s;
  }
  if (mode === "flaky" && b.errorRate === undefined) errors.push("errorRate is required in mode flaky");
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    faults: {
      mode: mode as FaultMode,
      latencyMs: latencyMs ?? NORMAL.latencyMs,
      jitterMs: jitterMs ?? NORMAL.jitterMs,
      errorRate: errorRate ?? NORMAL.errorRate,
      errorStatus: errorStatus ?? NORMAL.errorStatus,
    },
  };
}

/** What one /quote request should do under `f`: wait `delayMs`, then fail (with `status`) or answer. */
export function decide(f: Faults, random: () => number): { delayMs: number; fail: boolean } {
  if (f.mode === "normal") return { delayMs: 0, fail: false };
  const jitter = f.jitterMs ? (random() * 2 - 1) * f.jitterMs : 0;
  const delayMs = Math.max(0, Math.round(f.latencyMs + jitter));
  if (f.mode === "down") return { delayMs, fail: true };
  if (f.mode === "flaky") return { delayMs, fail: random() < f.errorRate };
  return { delayMs, fail: false };
}
