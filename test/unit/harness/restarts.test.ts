import { test } from "node:test";
import assert from "node:assert/strict";
import { watchRestarts } from "../../../harness/load-watch.ts";
import type { ContainerState, Docker } from "../../../harness/docker.ts";

test("restarts are counted from start times, also across a docker restart that resets RestartCount", async () => {
  // What `docker inspect` answers over time: a crash restart (count 1), then `docker restart` (count 0).
  const states: Partial<ContainerState>[] = [
    { startedAt: "t0", running: true },
    { startedAt: "t1", running: false }, // not running yet: not counted until it is
    { startedAt: "t1", running: true },
    { startedAt: "t2", running: true },
    { startedAt: "t2", running: true },
  ];
  let i = 0;
  const docker = {
    inspect: async () => states[Math.min(i++, states.length - 1)] as ContainerState,
  } as unknown as Docker;
  const w = watchRestarts(docker, "c", "t0");
  w.stop();
  for (let k = 0; k < states.length; k++) await w.check();
  assert.equal(w.count, 2);
});
