import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { failureDigest } from "../../../scripts/failure-digest.mjs";

test("the digest of a real failing node:test run keeps the failing test and its message, not its stack", () => {
  const dir = mkdtempSync(join(tmpdir(), "digest-"));
  try {
    const file = join(dir, "f.test.mjs");
    writeFileSync(
      file,
      [
        'import test from "node:test"; import assert from "node:assert/strict";',
        'test("passes", () => { console.log("noise ".repeat(5)); });',
        'test("tuned beats modest", () => { assert.ok(false, "tuned (97.2) should beat modest (120.1) by at least 10"); });',
      ].join("\n"),
    );
    // Without the parent's NODE_TEST_CONTEXT, the child reports as a top-level run would.
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const r = spawnSync(process.execPath, ["--test", "--test-reporter=spec", file], {
      encoding: "utf8",
      env,
    });
    assert.notEqual(r.status, 0);
    const digest = failureDigest(r.stdout);
    assert.match(digest, /^✖ failing tests:/);
    assert.match(digest, /✖ tuned beats modest/);
    assert.match(digest, /tuned \(97\.2\) should beat modest \(120\.1\) by at least 10/);
    assert.doesNotMatch(digest, /✔ passes|noise/);
    assert.doesNotMatch(digest, /^\s+at /m, "no stack frames");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a run that died before its summary: the digest is its last lines, capped", () => {
  const output = Array.from({ length: 100 }, (_, i) => `line ${i}`).join("\n");
  const digest = failureDigest(output, 5).split("\n");
  assert.deepEqual(digest, ["line 95", "line 96", "line 97", "line 98", "line 99"]);
});
