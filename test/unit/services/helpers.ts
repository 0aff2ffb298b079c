/** Shared helpers for the services' tests: in-process servers on 127.0.0.1 ephemeral ports. */
import { createUpstream, type Upstream } from "../../../services/upstream/src/server.ts";
import type { Faults } from "../../../services/upstream/src/faults.ts";

export const TEST_KEY_HEX = "000102030405060708090a0b0c0d0e0f";

/** Deterministic PRNG (mulberry32), so ratio tests give the same answer on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A running upstream with its URLs and a typed fault setter. */
export interface RunningUpstream {
  up: Upstream;
  base: string;
  control: string;
  setFaults(f: Partial<Faults> & { mode: Faults["mode"] }): Promise<Response>;
  close(): Promise<void>;
}

export async function startUpstream(random?: () => number): Promise<RunningUpstream> {
  const up = createUpstream({ quoteKey: Buffer.from(TEST_KEY_HEX, "hex"), random });
  const { port, controlPort } = await up.listen(0, 0, "127.0.0.1");
  const control = `http://127.0.0.1:${controlPort}`;
  return {
    up,
    base: `http://127.0.0.1:${port}`,
    control,
    setFaults: (f) =>
      fetch(`${control}/faults`, {
        method: "PUT",
        body: JSON.stringify(f),
        headers: { "content-type": "application/json" },
      }),
    close: () => up.close(),
  };
}
