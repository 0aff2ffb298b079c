import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { runCommand, parseChallengeCommand } from "../../../action/src/modes/command.ts";
import { FakeGitHub } from "./fake-github.ts";
import { makeResultsRepo, type TestResults } from "./results-repo.ts";

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/github/${name}`, import.meta.url), "utf8")) as {
    action: string;
    issue: { number: number; user: { login: string }; pull_request?: unknown };
    comment: { id: number; body: string; user: { login: string; type: string } };
  };

const HEAD = "a".repeat(40);
const onPr = fixture("issue_comment.created.pr.json");
const PR = onPr.issue.number;
const AUTHOR = onPr.issue.user.login; // Codertocat in the real payload

/** The real payload with the body and commenter changed. */
function event(body: string, commenter = AUTHOR, type = "User") {
  const e = structuredClone(onPr);
  e.comment.body = body;
  e.comment.user.login = commenter;
  e.comment.user.type = type;
  return e;
}

function fake() {
  return new FakeGitHub({
    pulls: [
      {
        number: PR,
        state: "open",
        authorLogin: AUTHOR,
        headSha: HEAD,
        htmlUrl: "https://example.invalid/pr/1",
      },
    ],
    permissions: { "maint-ainer": "write", triager: "triage", reader: "read" },
  });
}

describe("command mode (/challenge)", () => {
  let results: TestResults;
  before(() => {
    results = makeResultsRepo();
  });
  after(() => results.cleanup());
  const deps = (api: FakeGitHub) => ({
    api,
    results: results.store,
    evaluateWorkflow: "evaluate.yml",
    now: () => new Date("2026-11-28T12:00:00Z"),
    log: () => undefined,
  });

  it("the author switches challenge: entry written, evaluation dispatched for the API's head, reply", async () => {
    const api = fake();
    const out = await runCommand(event("/challenge graceful-degradation"), deps(api));
    assert.equal(out.kind, "accepted");
    const entry = JSON.parse(results.show(`entries/${AUTHOR}.json`) ?? "null");
    assert.equal(entry.challenge, "graceful-degradation");
    assert.equal(entry.challengeSetBy, AUTHOR);
    assert.equal(entry.challengeSetAt, "2026-11-28T12:00:00.000Z");
    assert.deepEqual(api.callsOf("dispatchWorkflow"), [
      [
        "evaluate.yml",
        "main",
        { "pr-number": String(PR), challenge: "graceful-degradation", "head-sha": HEAD },
      ],
    ]);
    assert.equal(api.callsOf("getCollaboratorPermission").length, 0, "the author needs no permission lookup");
    assert.deepEqual(api.callsOf("createReaction"), [[onPr.comment.id, "+1"]]);
    const [reply] = api.callsOf("createComment");
    assert.match(String(reply?.[1]), /graceful-degradation/);
  });

  it("a collaborator with write may switch it; the entry stays the PR author's", async () => {
    const api = fake();
    const out = await runCommand(event("/challenge longest-upkeep", "maint-ainer"), deps(api));
    assert.equal(out.kind, "accepted");
    const entry = JSON.parse(results.show(`entries/${AUTHOR}.json`) ?? "null");
    assert.equal(entry.challenge, "longest-upkeep");
    assert.equal(entry.challengeSetBy, "maint-ainer");
    assert.equal(results.show("entries/maint-ainer.json"), null);
    assert.deepEqual(api.callsOf("getCollaboratorPermission"), [["maint-ainer"]]);
  });

  const refusedByPermission = [
    { case: "a reader", who: "reader" },
    { case: "a triager", who: "triager" },
    { case: "a stranger", who: "stranger" },
  ];
  for (const c of refusedByPermission) {
    it(`${c.case} is politely refused and nothing is written or dispatched`, async () => {
      const before = results.show(`entries/${AUTHOR}.json`);
      const api = fake();
      const out = await runCommand(event("/challenge robust-service", c.who), deps(api));
      assert.equal(out.kind, "refused");
      assert.equal(results.show(`entries/${AUTHOR}.json`), before);
      assert.deepEqual(api.callsOf("dispatchWorkflow"), []);
      const replies = api.callsOf("createComment");
      assert.equal(replies.length, 1);
      assert.match(String(replies[0]?.[1]), /only the author/);
    });
  }

  const ignored = [
    { case: "a bot (type Bot)", e: () => event("/challenge robust-service", "renovate", "Bot") },
    { case: "a bot ([bot] login)", e: () => event("/challenge robust-service", "github-actions[bot]") },
    { case: "an edited comment", e: () => ({ ...fixture("issue_comment.edited.json"), action: "edited" }) },
    {
      case: "an edited comment on a PR",
      e: () => ({ ...event("/challenge robust-service"), action: "edited" }),
    },
    {
      case: "a comment on an issue",
      e: () => {
        const x = fixture("issue_comment.created.issue.json");
        x.comment.body = "/challenge robust-service";
        return x;
      },
    },
    { case: "the command on line 2", e: () => event("thanks!\n/challenge robust-service") },
    { case: "plain text", e: () => event("looks good") },
  ];
  for (const c of ignored) {
    it(`ignores ${c.case}: no API call at all`, async () => {
      const api = fake();
      const out = await runCommand(c.e(), deps(api));
      assert.equal(out.kind, "ignored");
      assert.deepEqual(api.names(), []);
    });
  }

  const spoofed = [
    { case: "path tricks", body: "/challenge ../../x" },
    { case: "shell injection", body: "/challenge robust-service; rm -rf /" },
    { case: "mixed case (ids are case-sensitive)", body: "/challenge  RoBuSt-service" },
    { case: "an unknown id", body: "/challenge fastest-service" },
    { case: "no id", body: "/challenge" },
    { case: "an expression", body: "/challenge ${{ secrets.GITHUB_TOKEN }}" },
  ];
  for (const c of spoofed) {
    it(`${c.case}: replies with the valid ids and does nothing else`, async () => {
      const before = results.files().join() + results.show(`entries/${AUTHOR}.json`);
      const api = fake();
      const out = await runCommand(event(c.body), deps(api));
      assert.equal(out.kind, "refused");
      assert.deepEqual(api.callsOf("dispatchWorkflow"), []);
      assert.deepEqual(api.callsOf("createReaction"), []);
      const replies = api.callsOf("createComment");
      assert.equal(replies.length, 1);
      const text = String(replies[0]?.[1]);
      for (const id of ["robust-service", "graceful-degradation", "longest-upkeep"])
        assert.match(text, new RegExp(id));
      assert.doesNotMatch(text, /rm -rf|\.\.\/|secrets/);
      assert.equal(results.files().join() + results.show(`entries/${AUTHOR}.json`), before);
    });
  }

  it("a closed PR gets a reply and no dispatch", async () => {
    const api = fake();
    api.state.pulls[0]!.state = "closed";
    const out = await runCommand(event("/challenge robust-service"), deps(api));
    assert.equal(out.kind, "refused");
    assert.deepEqual(api.callsOf("dispatchWorkflow"), []);
  });

  const parseTable = [
    { input: "/challenge robust-service", expected: "robust-service" },
    { input: "/challenge robust-service  \r\nmore", expected: "robust-service" },
    { input: "/challenge\trobust-service", expected: "robust-service" },
    { input: "/challenge robust service", expected: null },
    { input: " /challenge robust-service", expected: undefined },
    { input: "/challenges robust-service", expected: undefined },
    { input: "hi\n/challenge robust-service", expected: undefined },
  ];
  for (const t of parseTable) {
    it(`parses ${JSON.stringify(t.input)}`, () => {
      assert.equal(parseChallengeCommand(t.input), t.expected);
    });
  }
});
