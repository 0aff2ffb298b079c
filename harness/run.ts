/**
 * One run, end to end: the single function the CLI (`sre-chaos run`) and the GitHub Action
 * (evaluate mode) both call.
 */
import type { ChallengeId, Provenance, RunRecord } from "../record/run-record.ts";

export interface RunOptions {
  /** Repository root (holds contributors/, scoring/, docker-compose.yml). */
  root: string;
  login: string;
  /** Defaults to the challenge in the entry's entry.yml. */
  challenge?: ChallengeId;
  /** Multiplies every duration of the challenge (tests and quick local runs); default 1. */
  scale?: number;
  /** Where run.json and report.md go; default `.sre-chaos/runs/<login>/<run-id>/`. */
  outDir?: string;
  /** Facts only CI knows (repository, PR, head SHA, workflow run id/attempt); the rest is measured. */
  provenance?: Partial<
    Pick<Provenance, "repository" | "pullRequest" | "headSha" | "workflowRunId" | "workflowRunAttempt">
  >;
  /** Progress and log lines. */
  log?: (line: string) => void;
  /** Aborts the run (Ctrl-C); the stack is torn down either way. */
  signal?: AbortSignal;
}

export interface RunResult {
  record: RunRecord;
  /** The Markdown report, also written to `<outDir>/report.md`. */
  report: string;
  outDir: string;
}

/** Builds the entry, starts the stack, verifies, loads, breaks, scores, writes the record, tears down. */
export async function runEntry(_opts: RunOptions): Promise<RunResult> {
  throw new Error("runEntry: not implemented yet");
}
