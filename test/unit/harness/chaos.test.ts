import { test } from "node:test";
import assert from "node:assert/strict";
import { ChaosRun, type ChaosContext } from "../../../harness/chaos.ts";
import type { Docker } from "../../../harness/docker.ts";
import type { Toxiproxy } from "../../../harness/toxiproxy.ts";
import type { UpstreamControl } from "../../../harness/upstream-client.ts";

/** Recording fakes of the three control surfaces: every call is appended to `calls`. */
function fakes() {
  const calls: string[] = [];
  const rec =
    (name: string) =>
    async (...args: unknown[]) => {
      calls.push(`${name}(${args.map((a) => JSON.stringify(a)).join(",")})`);
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("a timeline applies and undoes each fault at its offsets and records its window", async () => {
  const { calls, ctx } = fakes();
  const chaos = new ChaosRun(ctx, Date.now());
  chaos.schedule([
    { at: 0, duration: 0.1, action: "pause", target: "entry" },
    // Not at the same offset as the latency below: two timers due in the same millisecond but
    // scheduled with delays 1 ms apart sit in different timer lists, whose order is not defined.
    { at: 0.03, duration: 0, action: "kill", target: "entry" },
    { at: 0.05, duration: 0.1, action: "latency", target: "upstream", params: { latencyMs: 200 } },
    { at: 0.1, duration: 0.05, action: "upstream-flaky", target: "upstream", params: { errorRate: 0.3 } },
  ]);
  await sleep(400);
  const windows = await chaos.finish();
  assert.deepEqual(
    calls,
    [
      'pause("c1")',
      'crash("c1")',
      'addToxic("upstream",{"name":"latency-50","type":"latency","attributes":{"latency":200,"jitter":0}})',
      'unpause("c1")',
      'upstream.set({"mode":"flaky","errorRate":0.3,"latencyMs":0,"errorStatus":500})',
      "upstream.clear()",
      'removeToxic("upstream","latency-50")',
    ].sort((a, b) => calls.indexOf(a) - calls.indexOf(b)),
  );
  assert.equal(calls.length, 7);
  assert.deepEqual(
    windows.map((w) => w.action),
    ["pause", "kill", "latency", "upstream-flaky"],
  );
  const pause = windows[0]!;
  assert.ok(pause.end - pause.start >= 0.08, `pause lasted ${pause.end - pause.start}`);
  assert.equal(windows[1]!.end, windows[1]!.start);
});

test("finish() undoes a fault that is still active and cancels those not started", async () => {
  const { calls, ctx } = fakes();
  const chaos = new ChaosRun(ctx, Date.now());
  chaos.schedule([
    { at: 0, duration: 60, action: "outage", target: "entry" },
    { at: 30, duration: 5, action: "pause", target: "entry" },
  ]);
  await sleep(50);
  const windows = await chaos.finish();
  assert.deepEqual(calls, ['setEnabled("entry",false)', 'setEnabled("entry",true)']);
  assert.equal(windows.length, 1);
});

test("an unknown action is refused before anything starts", () => {
  const { calls, ctx } = fakes();
  const chaos = new ChaosRun(ctx, Date.now());
  assert.throws(
    () =>
      chaos.schedule([
        { at: 0, duration: 1, action: "pause", target: "entry" },
        { at: 1, duration: 1, action: "rm -rf", target: "entry" },
      ]),
    /unknown action "rm -rf"/,
  );
  assert.deepEqual(calls, []);
});

test("a fault that fails to apply is recorded with its error and not undone", async () => {
  const { calls, ctx } = fakes();
  ctx.docker.update = async () => {
    throw new Error("Minimum memory limit can not be less than memory usage");
  };
  const chaos = new ChaosRun(ctx, Date.now());
  chaos.schedule([
    { at: 0, duration: 0.05, action: "memory-squeeze", target: "entry", params: { memoryMiB: 8 } },
  ]);
  await sleep(150);
  const [w] = await chaos.finish();
  assert.match(String(w!.params!.error), /Minimum memory/);
  assert.deepEqual(calls, []);
});
