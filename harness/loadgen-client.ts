/** Drives the load generator daemon (loadgen/) over its HTTP API. */
import type { Check } from "../record/run-record.ts";
import type { StagePlan } from "../scoring/plan.ts";
import { httpJson } from "./http.ts";

/** One stage as the load generator's POST /run takes it: the plan's stage, as is. */
export type LoadStage = StagePlan;

export interface LoadConfig {
  runId: string;
  target: string;
  stages: LoadStage[];
  mix: { echo: number; page: number; quote: number };
  timeoutMs: number;
  maxInFlight: number;
  quoteKey: string;
  quoteMaxAgeSeconds: number;
  fastFailMs: number;
}

export interface LoadStatus {
  running: boolean;
  runId: string;
  stage: string;
  stageIndex: number;
  elapsed: number;
  duration: number;
  lastSecond: { requests: number; ok: number; errors: number; dropped: number; p99Ms: number | null };
  totals: Record<string, number>;
  done: boolean;
  aborted: boolean;
}

export interface GateResult {
  passed: boolean;
  checks: Check[];
}

export interface LoadGen {
  /** The contract checks before load; a quote older than `quoteMaxAgeSeconds` is a wrong answer. */
  gate(target: string, quoteKey: string, quoteMaxAgeSeconds: number): Promise<GateResult>;
  start(config: LoadConfig): Promise<void>;
  status(): Promise<LoadStatus>;
  stop(): Promise<void>;
}

export function createLoadGen(baseUrl: string): LoadGen {
  return {
    gate: (target, quoteKey, quoteMaxAgeSeconds) =>
      httpJson<GateResult>(`${baseUrl}/gate`, {
        method: "POST",
        body: { target, quoteKey, quoteMaxAgeSeconds },
        timeoutMs: 30_000,
      }),
    async start(config) {
      await httpJson(`${baseUrl}/run`, { method: "POST", body: config });
    },
    status: () => httpJson<LoadStatus>(`${baseUrl}/status`, { timeoutMs: 10_000 }),
    async stop() {
      await httpJson(`${baseUrl}/stop`, { method: "POST" });
    },
  };
}
