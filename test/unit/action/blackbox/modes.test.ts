/**
 * Black box, the other modes: `scope` (the first step of evaluate), `evaluate`'s refusals that come
 * before any Docker work (its runs are covered end to end elsewhere), `rescore-matrix`, and the
 * inputs every mode refuses. Payloads are the package's pull_request.opened example.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { pullRequestEvent } from "./payloads.ts";
import { runTable, type Row } from "./table.ts";
import type { Launch, Outcome } from "./runner.ts";
import { WORKSPACE } from "./publish-world.ts";

const PR = 2;
const AUTHOR = "Codertocat";
const SHA = "c".repeat(40);
const mine = (f: string) => `contributors/${AUTHOR}/${f}`;
const prEvent = pullRequestEvent({ number: PR, author: AUTHOR, sha: SHA });
const files = (list: string[]) => ({ files: { [PR]: list } });

const launch =
  (inputs: Record<string, string>, o: Partial<Launch> = {}) =>
  (): Launch => ({ inputs, eventName: "pull_request", event: prEvent, ...o });

/** The refusal artifact scope and evaluate leave for publish (which comments it on the PR). */
function artifactSays(o: Outcome, rule: string): void {
  const dir = path.join(o.workspace, "sre-chaos-artifact");
  const meta = JSON.parse(readFileSync(path.join(dir, "meta.json"), "utf8"));
  assert.deepEqual(meta, {
    schemaVersion: 1,
    pullRequest: PR,
    headSha: SHA,
    login: AUTHOR,
    outcome: "invalid",
  });
  const violations = JSON.parse(readFileSync(path.join(dir, "validation.json"), "utf8"));
  assert.equal(violations[0].rule, rule);
  assert.ok(!existsSync(path.join(dir, "run.json")), "nothing was run");
}

const scopeRefused = (name: string, list: string[], named: string[]): Row => ({
  name: `scope refuses a PR that changes ${name}, naming every file, before anything runs`,
  state: files(list),
  launch: launch({ mode: "scope" }),
  status: 1,
  error: named.length
    ? new RegExp(
        `may change only contributors/${AUTHOR}/, but it changes: ${named.map((f) => f.replace(/[.*]/g, "\\$&")).join(", ")}`,
      )
    : /it changes no files/,
  calls: [`GET pulls/${PR}/files`],
  check: (_r, o) => artifactSays(o, "pr-scope"),
});

const badInput = (
  name: string,
  inputs: Record<string, string>,
  error: RegExp,
  env: Launch["env"] = {},
): Row => ({
  name: `refuses ${name}, naming the input and the value, before any API call`,
  launch: launch({ mode: "evaluate", ...inputs }, { env }),
  status: 1,
  error,
  calls: [],
});

runTable("black box: scope, evaluate's refusals, rescore-matrix, inputs", [
  {
    name: "scope: a PR inside its author's folder passes, outputs the folder, writes nothing",
    state: files([mine("Dockerfile"), mine("entry.yml")]),
    launch: launch({ mode: "scope" }),
    status: 0,
    calls: [`GET pulls/${PR}/files`],
    outputs: { login: AUTHOR },
    check: (_r, o) => assert.ok(!existsSync(path.join(o.workspace, "sre-chaos-artifact"))),
  },
  scopeRefused("the scoring code", [mine("Dockerfile"), "scoring/index.ts"], ["scoring/index.ts"]),
  scopeRefused(
    "package.json and action/dist/ (an out-of-folder PR)",
    [mine("Dockerfile"), "package.json", "action/dist/index.js"],
    ["package.json", "action/dist/index.js"],
  ),
  scopeRefused(
    "the workflows and the lockfile",
    [".github/workflows/evaluate.yml", mine("Dockerfile"), "package-lock.json"],
    [".github/workflows/evaluate.yml", "package-lock.json"],
  ),
  scopeRefused(
    "someone else's folder",
    [mine("Dockerfile"), "contributors/alice/entry.yml"],
    ["contributors/alice/entry.yml"],
  ),
  scopeRefused("a rename out of the harness", [`harness/run.ts -> ${mine("x.ts")}`], ["harness/run.ts"]),
  scopeRefused("no files at all", [], []),
  {
    name: "scope refuses to run outside a pull_request run",
    state: files([mine("Dockerfile")]),
    launch: launch({ mode: "scope" }, { eventName: "workflow_dispatch" }),
    status: 1,
    error: /scope mode runs only on pull_request \(this is workflow_dispatch\)/,
    calls: [],
  },
  {
    name: "evaluate refuses an out-of-folder PR before validation or any build",
    state: files([mine("Dockerfile"), "scoring/index.ts"]),
    launch: launch({ mode: "evaluate" }),
    status: 1,
    error:
      /contributors\/Codertocat was not run: 1 problem\(s\):\n {2}\(pull request\): \[pr-scope\] pull request refused: scoring\/index.ts is outside/,
    calls: [`GET pulls/${PR}/files`],
    check: (_r, o) => artifactSays(o, "pr-scope"),
  },
  {
    name: "evaluate refuses an entry that breaks a folder rule (no folder in the checkout), before any build",
    state: files([mine("Dockerfile")]),
    launch: launch({ mode: "evaluate" }),
    status: 1,
    error: /contributors\/Codertocat was not run: .*\[folder-exists\]/s,
    calls: [`GET pulls/${PR}/files`],
    check: (_r, o) => artifactSays(o, "folder-exists"),
  },
  {
    name: "evaluate: only a pull_request run evaluates a PR (a dispatch with a PR payload needs the login input)",
    state: files([mine("Dockerfile")]),
    launch: launch({ mode: "evaluate" }, { eventName: "workflow_dispatch" }),
    status: 1,
    error: /input "login" is required when the event \(workflow_dispatch\) names no pull request/,
    calls: [],
  },
  {
    name: "evaluate refuses a login input that is not the PR's folder",
    state: files([mine("Dockerfile")]),
    launch: launch({ mode: "evaluate", login: "alice" }),
    status: 1,
    error: /input "login": alice is not this PR's entry \(Codertocat\)/,
    calls: [`GET pulls/${PR}/files`],
  },
  {
    name: "rescore-matrix lists the entries of the default branch",
    launch: launch(
      { mode: "rescore-matrix" },
      { eventName: "schedule", event: {}, workspace: WORKSPACE.dir },
    ),
    status: 0,
    calls: [],
    outputs: { "matrix-1": '{"include":[{"shard":0},{"shard":1}]}', shards: "2" },
  },
  {
    name: "rescore-matrix refuses a checkout without entries",
    launch: launch({ mode: "rescore-matrix" }, { eventName: "schedule", event: {} }),
    status: 1,
    // Names the folder (today as the raw ENOENT of listing it: rescore.ts is another change's).
    error: /workspace\/contributors/,
    calls: [],
  },
  badInput("an unknown mode", { mode: "deploy" }, /input "mode": "deploy" is not one of evaluate, publish/),
  badInput("no mode", { mode: "" }, /input "mode": ""/),
  badInput("an empty token", { "github-token": " " }, /input "github-token": "" is empty/),
  badInput("an unknown challenge", { challenge: "Robust-Service" }, /input "challenge": "Robust-Service"/),
  badInput("scale zero", { scale: "0" }, /input "scale": "0"/),
  badInput("scale too big", { scale: "11" }, /input "scale": "11"/),
  badInput("scale not a plain number", { scale: "1e3" }, /input "scale": "1e3"/),
  badInput("a login with path tricks", { login: "../scoring" }, /input "login": "..\/scoring"/),
  badInput("a short head SHA", { "head-sha": "abc" }, /input "head-sha": "abc"/),
  badInput("a results branch with ..", { "results-branch": "a/../b" }, /input "results-branch": "a\/..\/b"/),
  badInput(
    "a results branch that is an option",
    { "results-branch": "--force" },
    /input "results-branch": "--force"/,
  ),
  badInput("a workflow path", { "evaluate-workflow": "../x.yml" }, /input "evaluate-workflow": "..\/x.yml"/),
  badInput(
    "a javascript: site URL",
    { "site-url": "javascript:alert(1)" },
    /input "site-url": "javascript:alert\(1\)"/,
  ),
  badInput("a missing GITHUB_REPOSITORY", {}, /input "GITHUB_REPOSITORY": ""/, {
    GITHUB_REPOSITORY: undefined,
  }),
]);
