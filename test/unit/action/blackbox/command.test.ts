/**
 * Black box, `command` mode: `/challenge` comments (real issue_comment payloads) handled by the
 * bundled action against the fake API and a real results remote.
 */
import assert from "node:assert/strict";
import type { FakeState } from "./fake-api.ts";
import { commentEvent } from "./payloads.ts";
import { runAll, runTable, type Row } from "./table.ts";
import type { Runner } from "./runner.ts";

const PR = 1;
const AUTHOR = "Codertocat";
const HEAD = "a".repeat(40);
const COMMENT = commentEvent({ number: PR, body: "", commenter: AUTHOR }).comment.id as number;
const REACT = `POST issues/comments/${COMMENT}/reactions`;
const RUNS = "GET actions/workflows/evaluate.yml/runs";

const state = (): Partial<FakeState> => ({
  pulls: [
    {
      number: PR,
      state: "open",
      author: AUTHOR,
      headSha: HEAD,
      headRepo: "Codertocat/Hello-World",
      headRef: "changes",
    },
  ],
  permissions: { "maint-ainer": "write", triager: "triage", reader: "read" },
  runs: {
    "evaluate.yml": [
      {
        id: 11,
        event: "pull_request",
        headSha: HEAD,
        status: "completed",
        createdAt: "2026-11-28T10:00:00Z",
      },
      {
        id: 12,
        event: "pull_request",
        headSha: HEAD,
        status: "completed",
        createdAt: "2026-11-28T11:00:00Z",
      },
      {
        id: 13,
        event: "pull_request",
        headSha: "b".repeat(40),
        status: "completed",
        createdAt: "2026-11-28T11:30:00Z",
      },
      { id: 14, event: "push", headSha: HEAD, status: "completed", createdAt: "2026-11-28T11:40:00Z" },
    ],
  },
});

const command =
  (body: string, commenter = AUTHOR, extra: Partial<Parameters<typeof commentEvent>[0]> = {}) =>
  () => ({
    inputs: { mode: "command" },
    eventName: "issue_comment",
    event: commentEvent({ number: PR, body, commenter, ...extra }),
  });

const entry = (r: Runner) => JSON.parse(r.show(`entries/${AUTHOR}.json`) ?? "null");
const bodies = (r: Runner) =>
  r.fake.calls
    .filter((c) => c.method === "POST" && c.path === `issues/${PR}/comments`)
    .map((c) => String((c.body as { body: string }).body));
const reactions = (r: Runner) =>
  r.fake.calls
    .filter((c) => c.path.endsWith("/reactions"))
    .map((c) => (c.body as { content: string }).content);
const refusalMarker = (who: string) => `<!-- sre-chaos:refused:${who} -->`;

const accepted = (
  challenge: string,
  by = AUTHOR,
  perm: string[] = [],
): Pick<Row, "status" | "calls" | "outputs" | "results" | "check"> => ({
  status: 0,
  calls: [
    `GET pulls/${PR}`,
    ...perm,
    RUNS,
    "POST actions/runs/12/rerun",
    REACT,
    `POST issues/${PR}/comments`,
  ],
  outputs: { outcome: "accepted" },
  results: { commits: 1, files: ["README.md", `entries/${AUTHOR}.json`] },
  check: (r) => {
    assert.equal(entry(r).challenge, challenge);
    assert.equal(entry(r).challengeSetBy, by);
    assert.deepEqual(reactions(r), ["+1"]);
    assert.match(
      bodies(r)[0] ?? "",
      new RegExp(`Challenge set to \`${challenge}\`.*Re-running the evaluation of aaaaaaa`),
    );
    const runsCall = r.fake.calls.find((c) => c.path.endsWith("/runs"));
    assert.equal(runsCall?.query.event, "pull_request");
    assert.equal(runsCall?.query.head_sha, HEAD, "the head comes from the API, not the payload");
  },
});

const refusedStranger = (who: string, replies: number) => ({
  status: 0 as const,
  calls: [
    `GET pulls/${PR}`,
    `GET collaborators/${who}/permission`,
    REACT,
    `GET issues/${PR}/comments`,
    ...(replies ? [`POST issues/${PR}/comments`] : []),
  ],
  outputs: { outcome: "refused" },
  results: { commits: 0, files: [] },
  check: (r: Runner) => {
    assert.deepEqual(reactions(r).slice(-1), ["-1"]);
    if (replies) assert.match(bodies(r).at(-1) ?? "", /only the author of this pull request or a maintainer/);
  },
});

const ignored = (name: string, launch: Row["launch"]): Row => ({
  name: `ignored: ${name} (no API call, nothing written)`,
  state: state(),
  launch,
  status: 0,
  calls: [],
  outputs: { outcome: "ignored" },
  results: { commits: 0, files: [] },
});

const badId = (name: string, body: string): Row => ({
  name: `refused: ${name} gets the list of ids, nothing else`,
  state: state(),
  launch: command(body),
  status: 0,
  calls: [`GET pulls/${PR}`, `POST issues/${PR}/comments`],
  outputs: { outcome: "refused" },
  results: { commits: 0, files: [] },
  check: (r) => {
    const text = bodies(r)[0] ?? "";
    for (const id of ["robust-service", "graceful-degradation", "longest-upkeep"])
      assert.match(text, new RegExp(id));
    assert.doesNotMatch(text, /rm -rf|\.\.\/|secrets/);
  },
});

runTable("black box: command mode", [
  {
    name: "/challenge from the author: choice recorded, the newest pull_request run of the head re-run, no dispatch",
    state: state(),
    launch: command("/challenge graceful-degradation"),
    ...accepted("graceful-degradation"),
  },
  {
    name: "/Challenge (the keyword's casing) is the same command",
    state: state(),
    launch: command("/Challenge longest-upkeep"),
    ...accepted("longest-upkeep"),
  },
  {
    name: "/CHALLENGE is the same command",
    state: state(),
    launch: command("/CHALLENGE robust-service"),
    ...accepted("robust-service"),
  },
  {
    name: "a collaborator with write may choose; the entry stays the author's",
    state: state(),
    launch: command("/challenge longest-upkeep", "maint-ainer"),
    ...accepted("longest-upkeep", "maint-ainer", ["GET collaborators/maint-ainer/permission"]),
  },
  {
    name: "a stranger's first /challenge: a -1 reaction and one reply, nothing written",
    state: state(),
    launch: command("/challenge robust-service", "stranger"),
    ...refusedStranger("stranger", 1),
    check: (r) => {
      assert.deepEqual(reactions(r), ["-1"]);
      assert.match(bodies(r)[0] ?? "", /only the author of this pull request or a maintainer/);
      assert.ok((bodies(r)[0] ?? "").includes(refusalMarker("stranger")));
    },
  },
  {
    name: "a stranger repeating /challenge: only reactions after the first reply",
    state: state(),
    before: (r) =>
      runAll(r, [
        command("/challenge robust-service", "stranger")(),
        command("/challenge longest-upkeep", "stranger")(),
      ]),
    launch: command("/challenge robust-service", "stranger"),
    ...refusedStranger("stranger", 0),
    check: (r) => {
      assert.equal(bodies(r).length, 1, "one reply over three commands");
      assert.deepEqual(reactions(r), ["-1", "-1", "-1"]);
    },
  },
  {
    name: "a stranger whose refusal marker was pasted by another bot still gets the one reply",
    state: {
      ...state(),
      comments: {
        [PR]: [{ id: 9, body: `ok ${refusalMarker("stranger")}`, user: "other-app[bot]", type: "Bot" }],
      },
    },
    launch: command("/challenge robust-service", "stranger"),
    ...refusedStranger("stranger", 1),
  },
  {
    name: "a reader is refused like a stranger",
    state: state(),
    launch: command("/challenge robust-service", "reader"),
    ...refusedStranger("reader", 1),
  },
  {
    name: "a triager is refused like a stranger",
    state: state(),
    launch: command("/challenge robust-service", "triager"),
    ...refusedStranger("triager", 1),
  },
  ignored("a bot (type Bot)", command("/challenge robust-service", "renovate", { type: "Bot" })),
  ignored("a [bot] login", command("/challenge robust-service", "github-actions[bot]")),
  ignored("an edited comment", command("/challenge robust-service", AUTHOR, { action: "edited" })),
  ignored("a comment on an issue", command("/challenge robust-service", AUTHOR, { onIssue: true })),
  ignored("the command on line 2", command("thanks!\n/challenge robust-service")),
  ignored("a longer word", command("/challenges robust-service")),
  ignored("a tab after the keyword", command("/challenge\trobust-service")),
  ignored("plain text", command("looks good")),
  badId("path tricks", "/challenge ../../x"),
  badId("shell injection", "/challenge robust-service; rm -rf /"),
  badId("a mixed-case id (ids are case-sensitive)", "/challenge RoBuSt-service"),
  badId("an unknown id", "/challenge fastest-service"),
  badId("no id", "/challenge"),
  badId("an expression", "/challenge ${{ secrets.GITHUB_TOKEN }}"),
  {
    name: "refused: a closed PR gets a reply, no re-run",
    state: { ...state(), pulls: state().pulls!.map((p) => ({ ...p, state: "closed" as const })) },
    launch: command("/challenge robust-service"),
    status: 0,
    calls: [`GET pulls/${PR}`, `POST issues/${PR}/comments`],
    outputs: { outcome: "refused" },
    results: { commits: 0, files: [] },
  },
  ...[
    { case: "no evaluate run for the head", runs: [], reply: /No evaluation of aaaaaaa was found to re-run/ },
    {
      case: "the newest run still in progress",
      runs: state().runs!["evaluate.yml"]!.map((w) => (w.id === 12 ? { ...w, status: "in_progress" } : w)),
      reply: /still running and may use the previous challenge/,
    },
  ].map((c): Row => ({
    name: `recorded, not re-run: ${c.case}; the reply says so`,
    state: { ...state(), runs: { "evaluate.yml": c.runs } },
    launch: command("/challenge longest-upkeep"),
    status: 0,
    calls: [`GET pulls/${PR}`, RUNS, REACT, `POST issues/${PR}/comments`],
    outputs: { outcome: "recorded" },
    results: { commits: 1 },
    check: (r) => {
      assert.equal(entry(r).challenge, "longest-upkeep");
      assert.match(bodies(r)[0] ?? "", c.reply);
    },
  })),
  {
    name: "the re-run fails after the choice was recorded: a reply, and the job fails naming the endpoint",
    state: {
      ...state(),
      fail: {
        "POST actions/runs/12/rerun": { status: 403, message: "Resource not accessible by integration" },
      },
    },
    launch: command("/challenge robust-service"),
    status: 1,
    error:
      /GitHub API POST \/repos\/Codertocat\/Hello-World\/actions\/runs\/12\/rerun failed \(403\): Resource not accessible/,
    calls: [`GET pulls/${PR}`, RUNS, "POST actions/runs/12/rerun", `POST issues/${PR}/comments`],
    results: { commits: 1 },
    check: (r) => {
      assert.equal(entry(r).challenge, "robust-service");
      assert.match(
        bodies(r)[0] ?? "",
        /Challenge set to `robust-service`.*but re-running the evaluation of aaaaaaa failed/,
      );
    },
  },
  {
    name: "an API error names the endpoint (GET of the PR refused)",
    state: { ...state(), fail: { [`GET pulls/${PR}`]: { status: 404, message: "Not Found" } } },
    launch: command("/challenge robust-service"),
    status: 1,
    error: /^GitHub API GET \/repos\/Codertocat\/Hello-World\/pulls\/1 failed \(404\): Not Found/,
    calls: [`GET pulls/${PR}`],
    results: { commits: 0, files: [] },
  },
  {
    name: "a second /challenge moves the choice again: one commit, no empty commits",
    state: state(),
    before: (r) => runAll(r, [command("/challenge graceful-degradation")()]),
    launch: command("/challenge longest-upkeep"),
    ...accepted("longest-upkeep"),
    results: { commits: 1, files: ["README.md", `entries/${AUTHOR}.json`] },
    check: (r) => assert.equal(entry(r).challenge, "longest-upkeep"),
  },
]);
