import { test } from "node:test";
import assert from "node:assert/strict";
import { climbLadder, type JudgedTrial } from "../../../harness/ladder-schedule.ts";
import type { App } from "../../../harness/app-switch.ts";
import type { StagePlan } from "../../../scoring/plan.ts";

const stages: StagePlan[] = [100, 200, 400, 800, 1600].map((rate, i) => ({
  name: `step-0${i + 1}`,
  duration: 3,
  executor: "constant-arrival-rate",
  rate,
}));

interface T extends JudgedTrial {
  app: App;
  step: string;
  attempt: number;
}

/**
 * A recording fake of the ladder's side effects: each app holds every step up to its capacity
 * (req/s), and `flaky` lists the trials (app step attempt) that fail by chance.
 */
function fake(capacity: Partial<Record<App, number>>, flaky: string[] = []) {
  const calls: string[] = [];
  const deps = {
    activate: async (app: App) => void calls.push(`activate ${app}`),
    drive: async (app: App, stage: StagePlan, attempt: number) => {
      calls.push(`drive ${app} ${stage.name}${attempt > 1 ? ` #${attempt}` : ""}`);
      return { app, stage, attempt };
    },
    read: async (app: App, d: { stage: StagePlan; attempt: number }): Promise<T> => {
      calls.push(`read ${app} ${d.stage.name}${d.attempt > 1 ? ` #${d.attempt}` : ""}`);
      const chance = flaky.includes(`${app} ${d.stage.name} ${d.attempt}`);
      const within = d.stage.rate <= (capacity[app] ?? 0) && !chance;
      return {
        app,
        step: d.stage.name,
        attempt: d.attempt,
        verdict: { within, p99: within ? 50 : 900, near: false },
      };
    },
  };
  return { calls, deps };
}

const options = { stages, maxTrials: 3, stopAfter: 2, halfStep: false, log: () => undefined };

test("entry and reference take turns step by step; each trial is read while the other app's next one runs", async () => {
  const { calls, deps } = fake({ reference: 200, entry: 400 });
  const lanes = await climbLadder(["reference", "entry"], deps, options);
  assert.deepEqual(calls.slice(0, 10), [
    "activate reference",
    "drive reference step-01",
    "activate entry",
    "drive entry step-01",
    "read reference step-01",
    "activate reference",
    "drive reference step-02",
    "read entry step-01",
    "activate entry",
    "drive entry step-02",
  ]);
  // Every trial is read exactly once, after it was driven.
  const driven = calls.filter((c) => c.startsWith("drive")).map((c) => c.slice(6));
  const read = calls.filter((c) => c.startsWith("read")).map((c) => c.slice(5));
  assert.deepEqual([...read].sort(), [...driven].sort());
  // The reference holds 2 steps and fails 400 and 800 (each twice: a failure is tried again).
  assert.deepEqual(
    lanes.reference!.kept.map((t) => [t.step, t.verdict.within]),
    [
      ["step-01", true],
      ["step-02", true],
      ["step-03", false],
      ["step-04", false],
    ],
  );
  assert.equal(lanes.reference!.trials.length, 6);
  // The entry climbs one step further, alone once the reference has stopped.
  assert.deepEqual(
    lanes.entry!.kept.map((t) => t.step),
    ["step-01", "step-02", "step-03", "step-04", "step-05"],
  );
  assert.ok(calls.lastIndexOf("drive reference step-04 #2") < calls.indexOf("drive entry step-05"));
  // Every trial is run by the app alone: one activation before each drive.
  calls.forEach((c, i) => c.startsWith("drive") && assert.equal(calls[i - 1], `activate ${c.split(" ")[1]}`));
});

test("a failure by chance is outvoted: the step holds and the search goes on", async () => {
  const { deps } = fake({ reference: 0, entry: 800 }, ["entry step-02 1"]);
  const lanes = await climbLadder(["entry"], deps, options);
  const step2 = lanes.entry!.trials.filter((t) => t.step === "step-02");
  assert.deepEqual(
    step2.map((t) => t.verdict.within),
    [false, true, true],
  );
  assert.equal(lanes.entry!.kept[1]!.attempt, 2);
  assert.deepEqual(
    lanes.entry!.kept.map((t) => t.verdict.within),
    [true, true, true, true, false],
  );
});

test("an app alone runs the next step while its last trial waits to be read; a guess no longer needed is dropped", async () => {
  const { calls, deps } = fake({ reference: 100 });
  const lines: string[] = [];
  const lanes = await climbLadder(["reference"], deps, {
    ...options,
    maxTrials: 1,
    log: (l) => lines.push(l),
  });
  assert.deepEqual(calls, [
    "activate reference",
    "drive reference step-01",
    "activate reference",
    "drive reference step-02",
    "read reference step-01",
    "activate reference",
    "drive reference step-03",
    "read reference step-02",
    "activate reference",
    "drive reference step-04",
    "read reference step-03",
  ]);
  assert.deepEqual(
    lanes.reference!.kept.map((t) => [t.step, t.verdict.within]),
    [
      ["step-01", true],
      ["step-02", false],
      ["step-03", false],
    ],
  );
  assert.ok(
    lines.includes("reference step-04: the trial run ahead is not needed; dropped"),
    lines.join("\n"),
  );
});

test("a guess is dropped when the last trial must be repeated, and the repeat runs next", async () => {
  const { calls, deps } = fake({ entry: 1600 }, ["entry step-02 1"]);
  const lanes = await climbLadder(["entry"], deps, options);
  const at = calls.indexOf("read entry step-02");
  assert.deepEqual(calls.slice(at - 2, at + 6), [
    "activate entry",
    "drive entry step-03", // the guess, run while step-02 waited
    "read entry step-02", // it failed by chance: step-02 must run again
    "activate entry",
    "drive entry step-02 #2",
    "activate entry",
    "drive entry step-03", // a guess again, as if the repeat passes
    "read entry step-02 #2",
  ]);
  assert.deepEqual(
    lanes.entry!.kept.map((t) => [t.step, t.attempt]),
    [
      ["step-01", 1],
      ["step-02", 2],
      ["step-03", 1],
      ["step-04", 1],
      ["step-05", 1],
    ],
  );
});

test("after its climb an app tries the half step between its last step held and the next; kept in ladder order", async () => {
  // Holds 500 req/s: 400 holds, 800 fails; the half step is √(400 × 800) = 566, which fails too.
  const { calls, deps } = fake({ reference: 500, entry: 600 });
  const lanes = await climbLadder(["reference", "entry"], deps, { ...options, maxTrials: 1, halfStep: true });
  assert.ok(calls.includes("drive reference step-03.5"), calls.join("\n"));
  assert.deepEqual(
    lanes.reference!.kept.map((t) => [t.step, t.verdict.within]),
    [
      ["step-01", true],
      ["step-02", true],
      ["step-03", true],
      ["step-03.5", false],
      ["step-04", false],
      ["step-05", false],
    ],
  );
  // The entry holds 600: the half step (566) holds; it is its highest step within SLO.
  assert.deepEqual(
    lanes.entry!.kept.filter((t) => t.verdict.within).map((t) => t.step),
    ["step-01", "step-02", "step-03", "step-03.5"],
  );
  // Each half step runs once, after the climb: nothing after it.
  for (const app of ["reference", "entry"]) {
    const mine = calls.filter((c) => c.startsWith(`drive ${app}`));
    assert.equal(mine.at(-1), `drive ${app} step-03.5`, mine.join(", "));
  }
});

test("no half step for an app that held no step, or held up to the ladder's top", async () => {
  const none = fake({ reference: 10 });
  await climbLadder(["reference"], none.deps, { ...options, maxTrials: 1, halfStep: true });
  assert.ok(!none.calls.some((c) => c.includes(".5")), none.calls.join(", "));
  const top = fake({ entry: 5000 });
  const lanes = await climbLadder(["entry"], top.deps, { ...options, maxTrials: 1, halfStep: true });
  assert.ok(!top.calls.some((c) => c.includes(".5")), top.calls.join(", "));
  assert.equal(lanes.entry!.kept.length, 5);
});
