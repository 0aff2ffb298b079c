/**
 * Shared by the publish-mode tests: a real workflow_run payload, a valid run record of the PR author,
 * the artifact's meta.json, a recording fake of the GitHub API, and a results branch in a real bare
 * repository with two other entries already on the board.
 */
import { after, before, beforeEach } from "node:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { PullRequestFile } from "../../../action/src/github.ts";
import { buildRecord } from "../../../harness/record-build.ts";
import { scoreRun } from "../../../scoring/score.ts";
import { referenceCapacity } from "../../../scoring/slo.ts";
import type { ChallengeId } from "../../../record/run-record.ts";
import { def, honest, measure, stagesOf } from "../scoring/synthetic.ts";
import { FakeGitHub } from "./fake-github.ts";
import { makeResultsRepo, type TestResults } from "./results-repo.ts";

export const fx = (p: string) => readFileSync(new URL(`../../fixtures/${p}`, import.meta.url), "utf8");
export const wrEvent = JSON.parse(fx("github/workflow_run.completed.json"));
export const SHA: string = wrEvent.workflow_run.head_sha;
export const LOGIN = "Codertocat";
export const PR = 7;
export const baseRecord = JSON.parse(fx("results/runs/alice/20261101T080000Z-00003dde.json"));
/** The commit publish runs from in these tests; a record must have been measured by it. */
export const BASE_COMMIT = "ba5e".repeat(10);
/** The workspace whose scoring/challenges/ publish scores with: this repository. */
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * The PR author's record as the harness writes it: scored from synthetic measurements (an honest
 * app of 900 req/s against a reference of 1200) that it carries, so publish can score it again.
 */
export function scoredRecord(challenge: ChallengeId = "robust-service", login = LOGIN) {
  const d = def(challenge);
  const stages = stagesOf(d, 0.1, 1200);
  const ref = measure(stages, honest(1200));
  const m = measure(stages, honest(900));
  const score = scoreRun(d, m, ref, { passed: true, wrongBodyRatio: 0 });
  const r = baseRecord;
  return buildRecord({
    runId: r.runId,
    login,
    challenge,
    description: r.description,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    score: score.score,
    scoreUnit: score.scoreUnit,
    components: score.components,
    checks: r.verification.checks,
    verificationPassed: true,
    measurements: m,
    reference: ref,
    loadStart: r.series.start,
    provenance: {
      ...r.provenance,
      pullRequest: PR,
      headSha: SHA,
      harnessCommit: BASE_COMMIT,
      calibration: { referenceCapacityRps: Number(referenceCapacity(d, ref).toFixed(1)) },
    },
    integrity: { valid: true, problems: [] },
  });
}

export function record(overrides: Record<string, unknown> = {}) {
  return { ...structuredClone(scoredRecord()), ...overrides };
}
export const meta = (o: Record<string, unknown> = {}) => ({
  schemaVersion: 1,
  pullRequest: PR,
  headSha: SHA,
  login: LOGIN,
  outcome: "run",
  ...o,
});

export const okFiles: PullRequestFile[] = [
  { filename: `contributors/${LOGIN}/Dockerfile`, status: "added" },
  { filename: `contributors/${LOGIN}/entry.yml`, status: "added" },
];

export function fake(
  files: PullRequestFile[] = okFiles,
  tree = [{ path: `contributors/${LOGIN}/Dockerfile`, mode: "100644", type: "blob" }],
) {
  return new FakeGitHub({
    pulls: [
      {
        number: PR,
        state: "open",
        authorLogin: LOGIN,
        headSha: SHA,
        htmlUrl: "https://example.invalid/pull/7",
        headRepo: wrEvent.workflow_run.head_repository.full_name,
        headRef: wrEvent.workflow_run.head_branch,
      },
    ],
    files: { [PR]: files },
    trees: { [SHA]: tree },
  });
}

/** Registers the hooks of a publish test suite (call inside `describe`); its fields are live. */
export function publishSetup() {
  const s = {
    results: null as unknown as TestResults,
    dir: "",
    summaries: [] as string[],
    /** Writes the artifact's files (objects as JSON). */
    write(files: Record<string, unknown>) {
      for (const [n, v] of Object.entries(files))
        writeFileSync(path.join(s.dir, n), typeof v === "string" ? v : JSON.stringify(v));
    },
    deps(api: FakeGitHub) {
      return {
        api,
        results: s.results.store,
        artifactDir: s.dir,
        root: ROOT,
        baseCommit: BASE_COMMIT,
        siteUrl: "https://codertocat.github.io/Hello-World/",
        summary: async (m: string) => void s.summaries.push(m),
        log: () => undefined,
      };
    },
  };
  before(async () => {
    s.results = makeResultsRepo();
    // Two other entries already on the board, so the rank means something.
    await s.results.store.publish(
      async () =>
        ["alice", "bob-the-builder"].map((l) => ({
          path: `entries/${l}.json`,
          content: fx(`results/entries/${l}.json`),
        })),
      "seed",
    );
  });
  after(() => s.results.cleanup());
  beforeEach(() => {
    if (s.dir) rmSync(s.dir, { recursive: true, force: true });
    s.dir = mkdtempSync(path.join(tmpdir(), "artifact-"));
    s.summaries = [];
  });
  return s;
}
