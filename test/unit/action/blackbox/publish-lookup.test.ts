/**
 * Black box, how `publish` finds the PR of a workflow_run (head SHA, repository and branch through
 * the API; only pull_request runs), and the rescore publisher's binding of an artifact to its login.
 */
import { esc, runTable } from "./table.ts";
import {
  COMMENTED,
  event,
  FOUND,
  GOOD,
  GOOD_FILES,
  HEAD_BRANCH,
  HEAD_REPO,
  meta,
  PR,
  publish,
  publishRescore,
  published,
  record,
  refused,
  SEED,
  SEEDED,
  SHA,
  state,
} from "./publish-world.ts";

runTable("black box: publish finds the PR", [
  {
    name: "two more open PRs at the same SHA (a fork's, another branch's): the run's head repository and branch pick #7",
    ...published({
      state: state({
        pulls: [
          {
            number: 8,
            state: "open",
            author: "mallory",
            headSha: SHA,
            headRepo: "mallory/fork",
            headRef: HEAD_BRANCH,
          },
          { number: 9, state: "open", author: "mallory", headSha: SHA, headRepo: HEAD_REPO, headRef: "copy" },
          ...state().pulls!,
        ],
      }),
    }),
  },
  {
    name: "a head commit GitHub has not associated yet: found among the open PRs",
    ...published({
      state: state({ pulls: state().pulls!.map((p) => ({ ...p, unassociated: true })) }),
      calls: [`GET commits/${SHA}/pulls`, "GET pulls", ...COMMENTED.slice(1)],
    }),
  },
  refused("refused: no open PR has the run's head repository and branch", {
    state: state({ pulls: state().pulls!.map((p) => ({ ...p, headRepo: "mallory/fork" })) }),
    error: /0 open pull requests have head octo-org\/octo-repo:main at 5779607b/,
    calls: [`GET commits/${SHA}/pulls`],
  }),
  refused("refused: the PR at that head is closed", {
    state: state({ pulls: state().pulls!.map((p) => ({ ...p, state: "closed" as const })) }),
    error: /0 open pull requests/,
    calls: [`GET commits/${SHA}/pulls`],
  }),
  refused("refused: a payload without head repository, before any API call", {
    launch: (r) => publish(r, GOOD_FILES, event({ headRepo: null })),
    error: /workflow_run names no head repository and branch/,
  }),
  refused("refused: a push run is not published", {
    launch: (r) => publish(r, GOOD_FILES, event({ event: "push" })),
    error: /workflow_run event "push" is not published/,
  }),
  refused("refused: a dispatched evaluate run is not published, whatever its title", {
    launch: (r) => {
      const ev = event({ event: "workflow_dispatch" });
      ev.workflow_run.display_title = `evaluate PR #${PR} at ${SHA}`;
      return publish(r, GOOD_FILES, ev);
    },
    error: /workflow_run event "workflow_dispatch" is not published/,
  }),
  refused("refused: an API error names the endpoint", {
    state: state({
      fail: { [`GET pulls/${PR}/files`]: { status: 403, message: "Resource not accessible by integration" } },
    }),
    error:
      /^GitHub API GET \/repos\/Codertocat\/Hello-World\/pulls\/7\/files failed \(403\): Resource not accessible by integration/,
    calls: FOUND.slice(0, 2),
  }),
  {
    name: "rescore: an artifact of its own login is written",
    seed: SEED,
    launch: (r) =>
      publishRescore(r, {
        "sre-chaos-run-alice": {
          "meta.json": meta({ pullRequest: null, headSha: null, login: "alice" }),
          "run.json": record(
            { provenance: { ...record({}, "alice").provenance, pullRequest: null, headSha: null } },
            "alice",
          ),
        },
      }),
    status: 0,
    calls: [],
    results: { commits: 1, files: [...SEEDED, `runs/alice/${GOOD.runId}.json`] },
    summary: new RegExp(`\\| alice \\| robust-service \\| ${esc(GOOD.score)} \\|`),
  },
  {
    name: "rescore: an artifact named for one login that holds another login's record is refused",
    seed: SEED,
    launch: (r) =>
      publishRescore(r, {
        "sre-chaos-run-alice": {
          "meta.json": meta({ pullRequest: null, headSha: null, login: "bob-the-builder" }),
          "run.json": record(
            { provenance: { ...record({}, "bob-the-builder").provenance, pullRequest: null, headSha: null } },
            "bob-the-builder",
          ),
        },
      }),
    status: 1,
    error: /sre-chaos-run-alice.*bob-the-builder/,
    calls: [],
    results: { commits: 0, files: SEEDED },
  },
]);
