import { test } from "node:test";
import assert from "node:assert/strict";
import { withEntryFrozen, type FreezeParts } from "../../../harness/calibration.ts";

/** A recording fake of the two side effects the freeze uses. */
function recorder(fail: { pause?: boolean } = {}) {
  const calls: string[] = [];
  const parts: FreezeParts = {
    entryContainer: "c1",
    log: () => undefined,
    docker: {
      pause: async (c) => {
        calls.push(`pause ${c}`);
        if (fail.pause) throw new Error("container is restarting");
      },
      unpause: async (c) => void calls.push(`unpause ${c}`),
    },
    toxiproxy: { setEnabled: async (p, on) => void calls.push(`${on ? "enable" : "disable"} ${p}`) },
  };
  return { calls, parts };
}

test("the reference is measured only after the entry is frozen and cut off; it is thawed after", async () => {
  const { calls, parts } = recorder();
  const r = await withEntryFrozen(parts, async () => {
    calls.push("measure");
    return 42;
  });
  assert.equal(r, 42);
  assert.deepEqual(calls, [
    "pause c1",
    "disable entry",
    "disable upstream",
    "measure",
    "enable entry",
    "enable upstream",
    "unpause c1",
  ]);
});

test("a failed measurement still thaws and reconnects the entry", async () => {
  const { calls, parts } = recorder();
  await assert.rejects(
    withEntryFrozen(parts, async () => {
      throw new Error("reference gate failed");
    }),
    /reference gate failed/,
  );
  assert.deepEqual(calls.slice(-3), ["enable entry", "enable upstream", "unpause c1"]);
});

test("an entry that cannot be frozen is never run beside the reference: nothing is measured", async () => {
  const { calls, parts } = recorder({ pause: true });
  let measured = false;
  await assert.rejects(
    withEntryFrozen(parts, async () => {
      measured = true;
    }),
    /could not be frozen for calibration/,
  );
  assert.equal(measured, false);
  assert.deepEqual(calls, ["pause c1"]);
});
