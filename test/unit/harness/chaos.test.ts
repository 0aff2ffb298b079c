import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { ChaosRun, type ChaosContext } from "../../../harness/chaos.ts";
import type { Docker } from "../../../harness/docker.ts";
import type { Toxiproxy } from "../../../harness/toxiproxy.ts";
import type { UpstreamControl } from "../../../harness/upstream-client.ts";

/**
 * Recording fakes of the three control surfaces: every call is appended to `calls` with the
 * (fake) clock's milliseconds since the timeline's t0, e.g. `pause("c1") @0`.
 */
function fakes() {
  const calls: string[] = [];
  const rec =
    (name: string) =>
    async (...args: unknown[]) => {
      calls.push(`${name}(${args.map((a) => JSON.stringify(a)).join(",")}) @${Date.now() - T0}`);
    };
  const docker = {
    pause: rec("pause"),
    unpause: rec("unpause"),
    crash: rec("crash"),
    restart: rec("restart"),
    update: rec("update"),
  } as unknown as Docker;
  const toxiproxy = {
    addToxic: rec("addToxic"),
    removeToxic: rec("removeToxic"),
    setEnabled: rec("setEnabled"),
    createProxy: rec("createProxy"),
  } as Toxiproxy;
  const upstream = { set: rec("upstream.set"), clear: rec("upstream.clear") } as UpstreamControl;
  const ctx: ChaosContext = { docker, entry: "c1", toxiproxy, upstream, log: () => undefined };
  return { calls, ctx };
}

/** The fake clock's start; any fixed instant works. */
const T0 = Date.UTC(2026, 0, 1);

/**
 * Fakes setTimeout and Date from T0 for test `t`; the real clock is never waited on. `advance`
 * moves the fake clock on by `ms`, a millisecond at a time, settling after each step.
 */
function fakeClock(t: TestContext) {
  const timers = t.mock.timers;
  timers.enable({ apis: ["setTimeout", "Date"], now: T0 });
  return {
    tick: (ms: number) => timers.tick(ms),
    async advance(ms: number): Promise<void> {
      await settle();
      for (let i = 0; i < ms; i++) {
        timers.tick(1);
        await settle();
      }
    },
  };
}

/** Lets the fakes' promises settle: a fault's revert is scheduled once its apply has resolved. */
const settle = () => new Promise<void>((r) => setImmediate(r));

test("a timeline applies and undoes each fault at its offsets, in order, and records its windows", async (t) => {
  const clock = fakeClock(t);
  const { calls, ctx } = fakes();
  const chaos = new ChaosRun(ctx, Date.now());
  chaos.schedule([
    { at: 0, duration: 0.1, action: "pause", target: "entry", params: {} },
    { at: 0.03, duration: 0, action: "kill", target: "entry", params: {} },
    { at: 0.05, duration: 0.1, action: "latency", target: "upstream", params: { latencyMs: 200 } },
    { at: 0.1, duration: 0.05, action: "upstream-flaky", target: "upstream", params: { errorRate: 0.3 } },
  ]);
  await clock.advance(400);
  const windows = await chaos.finish();
  // At 100 ms and at 150 ms two calls are due; the fake clock runs them in the order they were
  // scheduled (the flaky start before the pause's undo, the latency's undo before the flaky one's).
  assert.deepEqual(calls, [
    'pause("c1") @1', // setTimeout's shortest delay is 1 ms
    'crash("c1") @30',
    'addToxic("upstream",{"name":"latency-50","type":"latency","attributes":{"latency":200,"jitter":0}}) @50',
    'upstream.set({"mode":"flaky","errorRate":0.3,"latencyMs":0,"errorStatus":500}) @100',
    'unpause("c1") @100',
    'removeToxic("upstream","latency-50") @150',
    "upstream.clear() @150",
  ]);
  assert.deepEqual(
    windows.map((w) => [w.action, w.start, w.end]),
    [
      ["pause", 0.001, 0.1],
      ["kill", 0.03, 0.03],
      ["latency", 0.05, 0.15],
      ["upstream-flaky", 0.1, 0.15],
    ],
  );
});

test("finish() undoes a fault that is still active and cancels those not started", async (t) => {
  const clock = fakeClock(t);
  const { calls, ctx } = fakes();
  const chaos = new ChaosRun(ctx, Date.now());
  chaos.schedule([
    { at: 0, duration: 60, action: "outage", target: "entry", params: {} },
    { at: 30, duration: 5, action: "pause", target: "entry", params: {} },
  ]);
  await clock.advance(50);
  const windows = await chaos.finish();
  // Nothing is left to fire: a minute later still no pause and no second undo.
  clock.tick(60_000);
  await settle();
  assert.deepEqual(calls, ['setEnabled("entry",false) @1', 'setEnabled("entry",true) @50']);
  assert.deepEqual(
    windows.map((w) => [w.action, w.start, w.end]),
    [["outage", 0.001, 0.05]],
  );
});

test("an unknown action is refused before anything starts", () => {
  const { calls, ctx } = fakes();
  const chaos = new ChaosRun(ctx, Date.now());
  assert.throws(
    () =>
      chaos.schedule([
        { at: 0, duration: 1, action: "pause", target: "entry", params: {} },
        { at: 1, duration: 1, action: "rm -rf", target: "entry", params: {} },
      ]),
    /unknown action "rm -rf"/,
  );
  assert.deepEqual(calls, []);
});

test("a fault that fails to apply is recorded with its error and not undone", async (t) => {
  const clock = fakeClock(t);
  const { calls, ctx } = fakes();
  ctx.docker.update = async () => {
    throw new Error("Minimum memory limit can not be less than memory usage");
  };
  const chaos = new ChaosRun(ctx, Date.now());
  chaos.schedule([
    { at: 0, duration: 0.05, action: "memory-squeeze", target: "entry", params: { memoryMiB: 8 } },
  ]);
  await clock.advance(150);
  const [w] = await chaos.finish();
  assert.match(String(w!.params!.error), /Minimum memory/);
  assert.deepEqual(calls, []);
});
