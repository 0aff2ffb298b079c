import { test } from "node:test";
import assert from "node:assert/strict";
import { addressesOf } from "../../../harness/docker.ts";

test("addressesOf: network name → IPv4, networks without an address left out", () => {
  // The shape `docker inspect -f '{{json .NetworkSettings.Networks}}'` prints (trimmed).
  const json = JSON.stringify({
    "srechaos-x_arena": { IPAddress: "172.26.0.2", MacAddress: "02:42:ac:1a:00:02" },
    "srechaos-x_control": { IPAddress: "" },
  });
  assert.deepEqual(addressesOf(json), { "srechaos-x_arena": "172.26.0.2" });
  // A stopped or restarting container: no networks at all.
  assert.deepEqual(addressesOf("null"), {});
  assert.deepEqual(addressesOf("{}"), {});
  assert.deepEqual(addressesOf(undefined), {});
});
