import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const bundle = fileURLToPath(new URL("../../../action/dist/index.js", import.meta.url));

/** Runs the committed bundle as the runner would: inputs as INPUT_* variables, outputs to a file. */
function runAction(ws: string, inputs: Record<string, string>) {
  const out = path.join(ws, "output.txt");
  writeFileSync(out, "");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GITHUB_REPOSITORY: "octo/arena",
    GITHUB_WORKSPACE: ws,
    GITHUB_OUTPUT: out,
    GITHUB_EVENT_NAME: "schedule",
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const r = spawnSync(process.execPath, [bundle], { env, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, output: readFileSync(out, "utf8") };
}

describe("the bundled action", () => {
  let ws = "";
  before(() => {
    ws = mkdtempSync(path.join(tmpdir(), "bundle-ws-"));
    mkdirSync(path.join(ws, "contributors", "alice"), { recursive: true });
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  it("rescore-matrix sets the shard plan's outputs", () => {
    const r = runAction(ws, { mode: "rescore-matrix", "github-token": "t" });
    assert.equal(r.status, 0, r.stdout);
    assert.match(r.output, /matrix-1<<.*\n\{"include":\[\{"shard":0\}\]\}\n/);
    assert.match(r.output, /matrix-2<<.*\n\{"include":\[\]\}\n/);
    assert.match(r.output, /shards<<.*\n1\n/);
  });

  it("rescore-matrix: a bad repository variable fails the step, naming it", () => {
    const r = runAction(ws, { mode: "rescore-matrix", "github-token": "t", shards: "lots" });
    assert.equal(r.status, 1);
    assert.match(
      r.stdout,
      /::error::input "shards": "lots" \(repository variable SRE_CHAOS_RESCORE_SHARDS\)/,
    );
  });

  it("a bad input fails the step with the input's name and value", () => {
    const r = runAction(ws, { mode: "evaluate", "github-token": "t", scale: "fast" });
    assert.equal(r.status, 1);
    assert.match(r.stdout, /::error::input "scale": "fast" is not a number/);
  });
});
