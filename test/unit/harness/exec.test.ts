import assert from "node:assert/strict";
import { test } from "node:test";
import { orMissing, run } from "../../../harness/exec.ts";

test("orMissing: a command's output, null when the command failed, other errors thrown", async () => {
  assert.equal(await orMissing(run("sh", ["-c", "echo found"])), "found\n");
  assert.equal(await orMissing(run("sh", ["-c", "echo 'No such image' >&2; exit 1"])), null);
  assert.equal(await orMissing(run("/nonexistent/program", [])), null);
  await assert.rejects(orMissing(Promise.reject(new TypeError("a bug, not an absence"))), TypeError);
});
