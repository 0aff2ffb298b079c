import { test } from "node:test";
import assert from "node:assert/strict";
import { gateWhenHealthy, type RestartsFrom } from "../../../harness/health-gate.ts";
import type { ContainerState, Docker } from "../../../harness/docker.ts";
import type { Stack } from "../../../harness/stack.ts";

/**
 * A crash-looping container as Docker shows it: restarting, with `RestartCount` read in turn from
 * `counts` (the last one repeats). The load generator's gate must not be asked: the wait is over
 * before, and a fake that throws makes a gate that keeps waiting fail at once instead of after 60 s.
 */
function crashLoop(counts: number[], from: RestartsFrom) {
  let reads = 0;
  const docker = {
    inspect: async () => ({ running: true, status: "restarting", health: null }) as unknown as ContainerState,
    inspectJson: async () => ({
      RestartCount: counts[Math.min(reads++, counts.length - 1)],
      State: { Status: "restarting", Running: true, Restarting: true, ExitCode: 1 },
    }),
    logs: async () => ({ stdout: "", stderr: 'nginx: [emerg] invalid parameter "backlogg=511"\n' }),
  } as unknown as Docker;
  const stack = {
    compose: { project: "srechaos-run1" },
    loadgen: {
      gate: async () => {
        throw new Error("the gate was asked of a container in a crash loop");
      },
    },
  } as unknown as Stack;
  const ctx = { stack, docker, quoteKey: "k".repeat(32), def: { quoteMaxAgeSeconds: 30 } };
  return gateWhenHealthy(ctx, "http://entry", "c1", "entry", from);
}

test("a first gate counts the restarts Docker made before the wait began (the stack's start takes seconds)", async () => {
  const gate = await crashLoop([5], "start");
  assert.equal(gate.passed, false);
  assert.equal(gate.failure?.kind, "restart-loop");
  assert.equal(gate.failure?.restarts, 5);
  assert.match(gate.checks[0]!.detail, /backlogg=511/);
});

test("a gate after calibration counts only the restarts of its own wait", async () => {
  // 5 before the wait (not counted), then 10: five of its own.
  const gate = await crashLoop([5, 10], "now");
  assert.equal(gate.failure?.kind, "restart-loop");
  assert.equal(gate.failure?.restarts, 5);
  // Counted from the start, the same 5 would already have ended the wait at its first look.
  await assert.rejects(crashLoop([4, 5, 9], "now"), /the gate was asked/);
});
