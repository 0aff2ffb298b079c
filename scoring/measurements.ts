/**
 * What the harness measured, in the shape the scoring functions take. Built by the harness from
 * Prometheus (load generator and blackbox metrics) and the Docker Engine; plain data, no I/O.
 */

/** How one request ended, as the load generator labels it (`outcome` label). */
export const OUTCOMES = ["ok", "fast_fail", "http_error", "wrong_body", "timeout", "conn_error"] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The kinds of request in the load mix (`kind` label). */
export const REQUEST_KINDS = ["echo", "page", "quote"] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** Counts of requests by outcome. */
export type OutcomeCounts = Record<Outcome, number>;

export function emptyCounts(): OutcomeCounts {
  return { ok: 0, fast_fail: 0, http_error: 0, wrong_body: 0, timeout: 0, conn_error: 0 };
}

export function totalOf(c: OutcomeCounts): number {
  return c.ok + c.fast_fail + c.http_error + c.wrong_body + c.timeout + c.conn_error;
}

/** One second (or one `stepSeconds` interval) of the run, t seconds after load start. */
export interface Sample {
  t: number;
  /** Completed requests in the interval, by outcome. */
  counts: OutcomeCounts;
  /** Iterations the load generator could not start (in-flight bound reached). */
  dropped: number;
  /** Latency quantiles of the interval's requests, in ms; null when there were none. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** Blackbox probe result: 1 up, 0 down, null when no probe landed in the interval. */
  probeUp: number | null;
  /**
   * Whether a fresh scrape of the load generator landed in the interval: false means a scrape gap
   * (its counts read 0 and show up in the next interval); null or absent when not known.
   */
  loadScraped?: boolean | null;
  /** Entry CPU use (cores) and memory (MiB), from the Docker Engine; null when not sampled. */
  cpu: number | null;
  memory: number | null;
}

/** Aggregates over one load phase (a stage of the scenario), computed over its whole window. */
export interface PhaseStats {
  name: string;
  /** Seconds from load start. */
  start: number;
  end: number;
  /** Arrival rate the load generator aimed at (req/s) at the end of the phase. */
  targetRate: number;
  counts: OutcomeCounts;
  /** The same counts split by request kind (echo, page, quote). */
  byKind: Record<RequestKind, OutcomeCounts>;
  dropped: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** CPU-seconds the entry used during the phase, when known. */
  cpuSeconds: number | null;
}

export interface FaultWindow {
  action: string;
  target: string;
  start: number;
  end: number;
  params?: Record<string, string | number | boolean>;
}

export interface Measurements {
  stepSeconds: number;
  /** Length of the load (seconds); samples cover [0, duration). */
  duration: number;
  samples: Sample[];
  phases: PhaseStats[];
  faults: FaultWindow[];
  /** Container restarts of the entry during the run (Docker's RestartCount delta). */
  restarts: number;
}
