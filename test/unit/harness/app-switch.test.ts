import { test } from "node:test";
import assert from "node:assert/strict";
import { createAppSwitch, type SwitchParts } from "../../../harness/app-switch.ts";

/** A recording fake of the two side effects the switch uses. */
function recorder(
  fail: { pause?: string } = {},
  containers: SwitchParts["containers"] = { entry: "e1", reference: "r1" },
) {
  const calls: string[] = [];
  const parts: SwitchParts = {
    containers,
    log: () => undefined,
    docker: {
      pause: async (c) => {
        calls.push(`pause ${c}`);
        if (fail.pause === c) throw new Error("container is restarting");
      },
      unpause: async (c) => void calls.push(`unpause ${c}`),
    },
    toxiproxy: { setEnabled: async (p, on) => void calls.push(`${on ? "enable" : "disable"} ${p}`) },
  };
  return { calls, sw: createAppSwitch(parts) };
}

test("the reference runs only once the entry is frozen and cut off; the entry is thawed when released", async () => {
  const { calls, sw } = recorder();
  await sw.activate("reference");
  assert.equal(sw.active, "reference");
  await sw.activate("reference"); // already alone: nothing to do
  calls.push("measure");
  await sw.release();
  assert.deepEqual(calls, [
    "pause e1",
    "disable entry",
    "disable upstream",
    "measure",
    "enable entry",
    "enable upstream",
    "unpause e1",
  ]);
  assert.equal(sw.active, null);
});

test("switching back and forth freezes the one that was measured before thawing the other", async () => {
  const { calls, sw } = recorder();
  await sw.activate("reference");
  await sw.activate("entry");
  await sw.activate("reference");
  await sw.release();
  assert.deepEqual(calls, [
    ...["pause e1", "disable entry", "disable upstream"],
    ...["pause r1", "disable reference", "disable reference-upstream"],
    ...["enable entry", "enable upstream", "unpause e1"],
    ...["pause e1", "disable entry", "disable upstream"],
    ...["enable reference", "enable reference-upstream", "unpause r1"],
    ...["enable entry", "enable upstream", "unpause e1"],
  ]);
});

test("an entry that cannot be frozen is never run beside the reference: the switch throws before any thaw", async () => {
  const { calls, sw } = recorder({ pause: "e1" });
  await assert.rejects(sw.activate("reference"), /the entry could not be frozen/);
  assert.equal(sw.active, null);
  await sw.release(); // nothing was frozen: nothing to thaw
  assert.deepEqual(calls, ["pause e1"]);
});

test("the load path's null sink runs with the entry frozen and cut off; the switch runs only the apps it was given", async () => {
  const { calls, sw } = recorder({}, { entry: "e1", sink: "s1" });
  await sw.activate("sink");
  await assert.rejects(sw.activate("reference"), /does not run the reference/);
  await sw.release();
  assert.deepEqual(calls, [
    ...["pause e1", "disable entry", "disable upstream"],
    ...["enable entry", "enable upstream", "unpause e1"],
  ]);
});
