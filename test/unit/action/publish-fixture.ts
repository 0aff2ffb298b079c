/**
 * Shared by the publish-mode tests: a real workflow_run payload, a valid run record of the PR author,
 * the artifact's meta.json, a recording fake of the GitHub API, and a results branch in a real bare
 * repository with two other entries already on the board.
 */
import { after, before, beforeEach } from "node:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { PullRequestFile } from "../../../action/src/github.ts";
import { FakeGitHub } from "./fake-github.ts";
import { makeResultsRepo, type TestResults } from "./results-repo.ts";

export const fx = (p: string) => readFileSync(new URL(`../../fixtures/${p}`, import.meta.url), "utf8");
export const wrEvent = JSON.parse(fx("github/workflow_run.completed.json"));
export const SHA: string = wrEvent.workflow_run.head_sha;
export const LOGIN = "Codertocat";
export const PR = 7;
export const baseRecord = JSON.parse(fx("results/runs/alice/20261101T080000Z-00003dde.json"));

export function record(overrides: Record<string, unknown> = {}) {
  const r = structuredClone(baseRecord);
  return { ...r, login: LOGIN, provenance: { ...r.provenance, pullRequest: PR, headSha: SHA }, ...overrides };
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
