/**
 * Shared by the rescore tests: a checkout with N entry folders, run records as the harness writes
 * them for a rescore (scored from the synthetic measurements they carry, so publish scores them
 * again), a recording `run` that stands in for the Docker harness, and the shard job's deps.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { RunOptions, RunResult } from "../../../harness/run.ts";
import { CHALLENGE_IDS, type ChallengeId, type RunRecord } from "../../../record/run-record.ts";
import type { ShardDeps } from "../../../action/src/modes/rescore.ts";
import { FakeGitHub } from "./fake-github.ts";
import { scoredRecord } from "./publish-fixture.ts";

/** A checkout whose contributors/ holds one folder per login. */
export function makeCheckout(logins: readonly string[]): string {
  const root = mkdtempSync(path.join(tmpdir(), "rescore-root-"));
  for (const l of logins) mkdirSync(path.join(root, "contributors", l), { recursive: true });
  return root;
}

const byChallenge = new Map<ChallengeId, RunRecord>();
/** A rescore run of `login` (no PR, no head SHA), scored from its measurements; built once per challenge. */
export function rescoreRecord(login: string, challenge: ChallengeId = "robust-service"): RunRecord {
  let r = byChallenge.get(challenge);
  if (!r) {
    const s = scoredRecord(challenge, "template");
    r = { ...s, provenance: { ...s.provenance, pullRequest: null, headSha: null } };
    byChallenge.set(challenge, r);
  }
  return { ...r, login };
}

/** The challenge entry `i` of a synthetic field runs: all three, in turn. */
export const challengeOf = (i: number): ChallengeId => CHALLENGE_IDS[i % CHALLENGE_IDS.length]!;

/** Stands in for the harness: writes run.json and report.md as it would, records each call. */
export function recordingRun(challengeFor: (login: string) => ChallengeId = () => "robust-service") {
  const calls: RunOptions[] = [];
  const run = async (opts: RunOptions): Promise<RunResult> => {
    calls.push(opts);
    const record = rescoreRecord(opts.login, opts.challenge ?? challengeFor(opts.login));
    const outDir = opts.outDir ?? "";
    mkdirSync(outDir, { recursive: true });
    writeFileSync(path.join(outDir, "run.json"), JSON.stringify(record));
    writeFileSync(path.join(outDir, "report.md"), "# report\n");
    return { record, report: "# report\n", outDir, timings: { total: 1, referenceLoad: 0, entryLoad: 0 } };
  };
  return { calls, run };
}

/** A shard job's deps over `root`, writing into `artifactDir`. */
export function shardDeps(
  o: Pick<ShardDeps, "root" | "shard" | "shards" | "artifactDir" | "run"> & Partial<ShardDeps>,
): ShardDeps {
  return {
    api: new FakeGitHub(),
    eventName: "schedule",
    scale: 1,
    headSha: null,
    resultsBranch: "results",
    provenance: { repository: "octo/arena", workflowRunId: 9, workflowRunAttempt: 1 },
    validate: async () => [],
    entryFile: async () => null,
    log: () => undefined,
    ...o,
  };
}
