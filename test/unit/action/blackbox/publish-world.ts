/**
 * What the publish tables share: the workspace publish runs from (a commit holding this
 * repository's challenge files: the record's harness commit must be it), PR #7 of the
 * workflow_run example, a run record scored from synthetic measurements it carries, and artifacts
 * written per row.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- payloads and records are JSON that rows edit freely */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fx, scoredRecord } from "../publish-fixture.ts";
import type { FakeState } from "./fake-api.ts";
import { example, workflowRunEvent } from "./payloads.ts";
import { makeWorkspace, type Launch, type Runner } from "./runner.ts";
import type { Row } from "./table.ts";

export const PR = 7;
export const LOGIN = "Codertocat";
export const HEAD_REPO = "octo-org/octo-repo";
export const HEAD_BRANCH = "main";
export const SHA: string = example("workflow_run", "completed").workflow_run.head_sha;
export const SITE = "https://codertocat.github.io/Hello-World/";

const wsRoot = mkdtempSync(path.join(tmpdir(), "blackbox-ws-"));
process.on("exit", () => rmSync(wsRoot, { recursive: true, force: true }));
/** The default-branch checkout publish runs from; two entries are merged on it (for rescore). */
export const WORKSPACE = makeWorkspace(wsRoot, {
  "contributors/alice/entry.yml": "challenge: robust-service\n",
  "contributors/bob-the-builder/entry.yml": "challenge: robust-service\n",
});
export const BASE = WORKSPACE.head;

const good = scoredRecord();
/** The PR author's honest record (scored by the base's scoring code), measured by the base's harness. */
export function record(o: Record<string, unknown> = {}, login = LOGIN): Record<string, any> {
  const r = structuredClone(login === LOGIN ? good : scoredRecord("robust-service", login));
  return { ...r, provenance: { ...r.provenance, harnessCommit: BASE }, ...o };
}
export const GOOD = record();
export const RUN_PATH = `runs/${LOGIN}/${GOOD.runId}.json`;

export const meta = (o: Record<string, unknown> = {}) => ({
  schemaVersion: 1,
  pullRequest: PR,
  headSha: SHA,
  login: LOGIN,
  outcome: "run",
  ...o,
});

export const ENTRY_FILES = [`contributors/${LOGIN}/Dockerfile`, `contributors/${LOGIN}/entry.yml`];

/** The repository on GitHub: PR #7 open at SHA from the example's head repository and branch. */
export const state = (o: Partial<FakeState> = {}): Partial<FakeState> => ({
  pulls: [
    { number: PR, state: "open", author: LOGIN, headSha: SHA, headRepo: HEAD_REPO, headRef: HEAD_BRANCH },
  ],
  files: { [PR]: ENTRY_FILES },
  trees: { [SHA]: [`contributors/${LOGIN}/Dockerfile`, `contributors/${LOGIN}/entry.yml`] },
  ...o,
});

/** Two other entries already on the results branch, so a rank means something. */
export const SEED = {
  "entries/alice.json": fx("results/entries/alice.json"),
  "entries/bob-the-builder.json": fx("results/entries/bob-the-builder.json"),
};
export const SEEDED = Object.keys(SEED);

/** An artifact's files: objects as JSON, `{ symlink }` as a symbolic link. */
export type ArtifactFiles = Record<string, unknown>;

function writeArtifact(dir: string, files: ArtifactFiles): void {
  mkdirSync(dir, { recursive: true });
  for (const [n, v] of Object.entries(files)) {
    const p = path.join(dir, n);
    if (v && typeof v === "object" && "symlink" in v) symlinkSync(String(v.symlink), p);
    else writeFileSync(p, typeof v === "string" ? v : JSON.stringify(v));
  }
}

/** The publish job of the workflow_run of evaluate, with `files` as the downloaded artifact. */
export function publish(
  r: Runner,
  files: ArtifactFiles,
  event: Record<string, any> = workflowRunEvent({ sha: SHA, headRepo: HEAD_REPO, headBranch: HEAD_BRANCH }),
): Launch {
  const dir = mkdtempSync(path.join(r.root, "artifact-"));
  writeArtifact(dir, files);
  return {
    inputs: { mode: "publish", "artifact-dir": dir, "site-url": SITE },
    eventName: "workflow_run",
    event,
    workspace: WORKSPACE.dir,
  };
}

/**
 * The publisher at the end of a rescore of the workspace's two entries (one shard each): the
 * `sre-chaos-run-<login>` folders of shard 0's artifact (alice's shard).
 */
export function publishRescore(r: Runner, jobs: Record<string, ArtifactFiles>): Launch {
  const dir = mkdtempSync(path.join(r.root, "rescore-"));
  for (const [sub, files] of Object.entries(jobs))
    writeArtifact(path.join(dir, "sre-chaos-shard-0", sub), files);
  return {
    inputs: { mode: "publish", "artifact-dir": dir, shards: "2" },
    eventName: "workflow_dispatch",
    event: {},
    workspace: WORKSPACE.dir,
  };
}

/** The API calls of a publish that gets as far as the comment. */
export const FOUND = [`GET commits/${SHA}/pulls`, `GET pulls/${PR}/files`, `GET git/trees/${SHA}`];
export const COMMENTED = [...FOUND, `GET issues/${PR}/comments`, `POST issues/${PR}/comments`];

/** Bodies of the comments the action posted or edited, in order. */
export const commentBodies = (r: Runner) =>
  r.fake.calls
    .filter((c) => (c.method === "POST" && c.path === `issues/${PR}/comments`) || c.method === "PATCH")
    .map((c) => String((c.body as { body: string }).body));

export const GOOD_FILES = { "meta.json": meta(), "run.json": GOOD, "report.md": "# report\n" };
/** The results branch after GOOD is published. */
export const WRITTEN = [...SEEDED, `entries/${LOGIN}.json`, RUN_PATH];
/** The workflow_run of PR #7's evaluate run, changed where `o` says. */
export const event = (o: Partial<Parameters<typeof workflowRunEvent>[0]> = {}) =>
  workflowRunEvent({ sha: SHA, headRepo: HEAD_REPO, headBranch: HEAD_BRANCH, ...o });

/** A row that publishes GOOD for PR #7 and comments, unless `extra` says otherwise. */
export const published = (extra: Partial<Row> = {}): Omit<Row, "name"> => ({
  state: state(),
  seed: SEED,
  launch: (r) => publish(r, GOOD_FILES),
  status: 0,
  calls: COMMENTED,
  outputs: { login: LOGIN, "run-id": GOOD.runId, "pr-number": String(PR) },
  results: { commits: 1, files: WRITTEN },
  ...extra,
});

/** A row that is refused: the job fails, nothing is written. */
export const refused = (name: string, o: Partial<Row>): Row => ({
  name,
  state: state(),
  seed: SEED,
  launch: (r) => publish(r, GOOD_FILES),
  status: 1,
  calls: [],
  results: { commits: 0, files: SEEDED },
  ...o,
});
