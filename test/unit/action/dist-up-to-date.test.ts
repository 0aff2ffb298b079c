import { it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildAction } from "../../../action/build.ts";

it("the committed action/dist/index.js matches a fresh build", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "action-dist-"));
  try {
    const out = path.join(dir, "index.js");
    await buildAction(out);
    const fresh = readFileSync(out, "utf8");
    const committed = readFileSync(new URL("../../../action/dist/index.js", import.meta.url), "utf8");
    assert.ok(
      fresh === committed,
      "action/dist/index.js is stale: run node --import tsx action/build.ts and commit action/dist/",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
