/** The fault controls of the platform's `upstream` service (services/upstream). */
import { httpJson } from "./http.ts";

export interface UpstreamFaults {
  mode: "normal" | "slow" | "flaky" | "down";
  latencyMs?: number;
  jitterMs?: number;
  errorRate?: number;
  errorStatus?: number;
}

export interface UpstreamControl {
  set(faults: UpstreamFaults): Promise<void>;
  clear(): Promise<void>;
}

export function createUpstreamControl(baseUrl: string): UpstreamControl {
  return {
    async set(faults) {
      await httpJson(`${baseUrl}/faults`, { method: "PUT", body: faults });
    },
    async clear() {
      await httpJson(`${baseUrl}/faults`, { method: "DELETE" });
    },
  };
}
