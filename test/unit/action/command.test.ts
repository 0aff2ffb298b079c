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

/** The PR's own pull_request runs of evaluate.yml for its head: the older one and the latest. */
const RUNS = [
  { id: 11, event: "pull_request", headSha: HEAD, status: "completed", createdAt: "2026-11-28T10:00:00Z" },
  { id: 12, event: "pull_request", headSha: HEAD, status: "completed", createdAt: "2026-11-28T11:00:00Z" },
  {
    id: 13,
    event: "pull_request",
    headSha: "b".repeat(40),
    status: "completed",
    createdAt: "2026-11-28T11:30:00Z",
  },
];

function fake() {
  return new FakeGitHub({
    runs: { "evaluate.yml": structuredClone(RUNS) },
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

  it("the author switches challenge: entry written, the PR's latest pull_request run for the API's head re-run, reply", async () => {
    const api = fake();
    const out = await runCommand(event("/challenge graceful-degradation"), deps(api));
    assert.equal(out.kind, "accepted");
    const entry = JSON.parse(results.show(`entries/${AUTHOR}.json`) ?? "null");
    assert.equal(entry.challenge, "graceful-degradation");
    assert.equal(entry.challengeSetBy, AUTHOR);
    assert.equal(entry.challengeSetAt, "2026-11-28T12:00:00.000Z");
    assert.deepEqual(api.callsOf("listWorkflowRuns"), [
      ["evaluate.yml", { event: "pull_request", headSha: HEAD }],
    ]);
    assert.deepEqual(api.callsOf("rerunWorkflowRun"), [[12]]);
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
    it(`${c.case} is refused once with a reply, then only with a reaction; nothing written or re-run`, async () => {
      const before = results.show(`entries/${AUTHOR}.json`);
      const api = fake();
      for (let i = 0; i < 3; i++) {
        const out = await runCommand(event("/challenge robust-service", c.who), deps(api));
        assert.equal(out.kind, "refused");
      }
      assert.equal(results.show(`entries/${AUTHOR}.json`), before);
      assert.deepEqual(api.callsOf("listWorkflowRuns"), []);
      assert.deepEqual(api.callsOf("rerunWorkflowRun"), []);
      const replies = api.callsOf("createComment");
      assert.equal(replies.length, 1, "one reply however often the command is repeated");
      assert.match(String(replies[0]?.[1]), /only the author/);
      assert.deepEqual(api.callsOf("createReaction"), [
        [onPr.comment.id, "-1"],
        [onPr.comment.id, "-1"],
        [onPr.comment.id, "-1"],
      ]);
    });
  }

  it("a second stranger still gets their one reply", async () => {
    const api = fake();
    await runCommand(event("/challenge robust-service", "stranger"), deps(api));
    await runCommand(event("/challenge robust-service", "other-stranger"), deps(api));
    assert.equal(api.callsOf("createComment").length, 2);
  });

  const notRerun = [
    {
      case: "no evaluate run exists for the head",
      setup: (api: FakeGitHub) => (api.state.runs["evaluate.yml"] = []),
      reply: /No evaluation of aaaaaaa was found to re-run; push a commit/,
    },
    {
      case: "the latest run is still in progress",
      setup: (api: FakeGitHub) => (api.state.runs["evaluate.yml"]![1]!.status = "in_progress"),
      reply: /still running and may use the previous challenge/,
    },
  ];
  for (const c of notRerun) {
    it(`${c.case}: the choice is recorded and the reply says nothing was re-run`, async () => {
      const api = fake();
      c.setup(api);
      const out = await runCommand(event("/challenge longest-upkeep"), deps(api));
      assert.equal(out.kind, "recorded");
      assert.equal(JSON.parse(results.show(`entries/${AUTHOR}.json`) ?? "null").challenge, "longest-upkeep");
      assert.deepEqual(api.callsOf("rerunWorkflowRun"), []);
      const replies = api.callsOf("createComment");
      assert.equal(replies.length, 1);
      assert.match(String(replies[0]?.[1]), c.reply);
    });
  }

  it("the re-run fails after the choice was recorded: a reply says so and the job fails", async () => {
    const api = fake();
    api.state.rerunError = new Error("GitHub API POST /repos/o/r/actions/runs/12/rerun failed (403): nope");
    await assert.rejects(
      runCommand(event("/challenge robust-service"), deps(api)),
      /POST \/repos\/o\/r\/actions\/runs\/12\/rerun/,
    );
    assert.equal(JSON.parse(results.show(`entries/${AUTHOR}.json`) ?? "null").challenge, "robust-service");
    const replies = api.callsOf("createComment");
    assert.equal(replies.length, 1);
    assert.match(
      String(replies[0]?.[1]),
      /Challenge set to `robust-service`.*but re-running the evaluation of aaaaaaa failed/,
    );
  });

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
    { case: "a longer word", e: () => event("/challenges robust-service") },
    {
      case: "a tab after the keyword (command.yml's if: skips it too)",
      e: () => event("/challenge\trobust-service"),
    },
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
      assert.deepEqual(api.callsOf("rerunWorkflowRun"), []);
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

  it("a closed PR gets a reply and no re-run", async () => {
    const api = fake();
    api.state.pulls[0]!.state = "closed";
    const out = await runCommand(event("/challenge robust-service"), deps(api));
    assert.equal(out.kind, "refused");
    assert.deepEqual(api.callsOf("rerunWorkflowRun"), []);
  });

  it("the keyword in any case is the same command (/Challenge, /CHALLENGE)", async () => {
    for (const body of ["/Challenge longest-upkeep", "/CHALLENGE graceful-degradation"]) {
      const api = fake();
      const out = await runCommand(event(body), deps(api));
      assert.equal(out.kind, "accepted", body);
    }
  });

  const parseTable = [
    { input: "/challenge robust-service", expected: "robust-service" },
    { input: "/challenge robust-service  \r\nmore", expected: "robust-service" },
    { input: "/challenge\trobust-service", expected: undefined },
    { input: "/Challenge robust-service", expected: "robust-service" },
    { input: "/challenge Robust-service", expected: null },
    { input: "/challenge", expected: null },
    { input: "/challenge\r\nrobust-service", expected: undefined },
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
