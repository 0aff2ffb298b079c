import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readConfig } from "../../../action/src/config.ts";

const env = {
  GITHUB_REPOSITORY: "octo/arena",
  GITHUB_WORKSPACE: "/ws",
  GITHUB_RUN_ID: "42",
  GITHUB_RUN_ATTEMPT: "2",
};
const base: Record<string, string> = { mode: "evaluate", "github-token": "t0ken" };
const reader = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? "";

describe("config", () => {
  it("reads defaults into one frozen object", () => {
    const c = readConfig(reader(base), env);
    assert.equal(c.mode, "evaluate");
    assert.equal(c.owner, "octo");
    assert.equal(c.repo, "arena");
    assert.equal(c.resultsBranch, "results");
    assert.equal(c.scale, 1);
    assert.equal(c.challenge, null);
    assert.equal(c.runId, 42);
    assert.equal(c.evaluateWorkflow, "evaluate.yml");
    assert.ok(Object.isFrozen(c));
  });

  it("reads every optional input", () => {
    const c = readConfig(
      reader({
        ...base,
        challenge: "longest-upkeep",
        scale: "0.25",
        login: "alice",
        "head-sha": "a".repeat(40),
        "site-url": "https://octo.github.io/arena",
      }),
      env,
    );
    assert.deepEqual(
      [c.challenge, c.scale, c.login, c.headSha, c.siteUrl],
      ["longest-upkeep", 0.25, "alice", "a".repeat(40), "https://octo.github.io/arena/"],
    );
  });

  const errors: { case: string; input: Record<string, string>; expected: RegExp }[] = [
    {
      case: "unknown mode",
      input: { mode: "deploy" },
      expected: /input "mode": "deploy" is not one of evaluate, publish/,
    },
    { case: "no mode", input: { mode: "" }, expected: /input "mode": ""/ },
    { case: "empty token", input: { "github-token": " " }, expected: /input "github-token"/ },
    {
      case: "unknown challenge",
      input: { challenge: "Robust-Service" },
      expected: /input "challenge": "Robust-Service"/,
    },
    { case: "scale zero", input: { scale: "0" }, expected: /input "scale": "0"/ },
    { case: "scale too big", input: { scale: "11" }, expected: /input "scale": "11"/ },
    { case: "scale not a number", input: { scale: "1e3" }, expected: /input "scale": "1e3"/ },
    {
      case: "login with path tricks",
      input: { login: "../scoring" },
      expected: /input "login": "..\/scoring"/,
    },
    { case: "short head sha", input: { "head-sha": "abc" }, expected: /input "head-sha": "abc"/ },
    {
      case: "results branch with ..",
      input: { "results-branch": "a/../b" },
      expected: /input "results-branch": "a\/..\/b"/,
    },
    {
      case: "results branch option",
      input: { "results-branch": "--force" },
      expected: /input "results-branch"/,
    },
    {
      case: "workflow path",
      input: { "evaluate-workflow": "../x.yml" },
      expected: /input "evaluate-workflow"/,
    },
    {
      case: "site url javascript",
      input: { "site-url": "javascript:alert(1)" },
      expected: /input "site-url"/,
    },
  ];
  for (const t of errors) {
    it(`names the input and the value: ${t.case}`, () => {
      assert.throws(() => readConfig(reader({ ...base, ...t.input }), env), t.expected);
    });
  }

  it("refuses a missing GITHUB_REPOSITORY", () => {
    assert.throws(() => readConfig(reader(base), {}), /GITHUB_REPOSITORY/);
  });
});
