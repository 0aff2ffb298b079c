/**
 * `evaluate` mode (pull_request, read-only token, no secrets; also a `/challenge` dispatch and a
 * rescore matrix job): find the entry, validate it, run it with the same `runEntry` as the CLI, and
 * leave `meta.json` + `run.json` + `report.md` (or `validation.json`) for the workflow to upload.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { entryRecordSchema } from "../../../record/entry-record.ts";
import type { ChallengeId } from "../../../record/run-record.ts";
import type { RunOptions, RunResult } from "../../../harness/run.ts";
import type { ArtifactMeta, ArtifactViolation } from "../artifact.ts";
import type { GitHubApi } from "../github.ts";
import { folderFromFiles, ScopeError } from "../pr-scope.ts";

/** The part of a pull_request payload this mode reads. */
interface PullRequestEvent {
  pull_request?: { number?: number; user?: { login?: string } | null; head?: { sha?: string } };
}

export interface EvaluateDeps {
  api: GitHubApi;
  root: string;
  artifactDir: string;
  eventName: string;
  /** Inputs: challenge override, scale, login (rescore), PR and SHA (dispatch). */
  challenge: ChallengeId | null;
  scale: number;
  login: string | null;
  prNumber: number | null;
  headSha: string | null;
  resultsBranch: string;
  provenance: { repository: string; workflowRunId: number | null; workflowRunAttempt: number | null };
  validate: (root: string, login: string) => Promise<ArtifactViolation[]>;
  run: (opts: RunOptions) => Promise<RunResult>;
  log: (line: string) => void;
}

/** A finished run (a refused entry throws {@link EntryRejectedError} instead). */
export interface EvaluateOutcome {
  login: string;
  result: RunResult;
}

/** Validation failed: the artifact says why; the job fails after it is written. */
export class EntryRejectedError extends Error {
  constructor(
    login: string,
    readonly violations: ArtifactViolation[],
  ) {
    super(
      `contributors/${login} was not run: ${violations.length} problem(s):\n` +
        violations.map((v) => `  ${v.file}: [${v.rule}] ${v.message}`).join("\n"),
    );
    this.name = "EntryRejectedError";
  }
}

interface Target {
  pr: number | null;
  author: string | null;
  sha: string | null;
}

async function target(event: PullRequestEvent, deps: EvaluateDeps): Promise<Target> {
  if (deps.eventName === "pull_request" || deps.eventName === "pull_request_target") {
    const p = event.pull_request;
    if (!p?.number || !p.user?.login || !p.head?.sha)
      throw new Error("the pull_request payload has no number, author or head");
    return { pr: p.number, author: p.user.login, sha: p.head.sha };
  }
  if (deps.prNumber !== null) {
    const pr = await deps.api.getPullRequest(deps.prNumber);
    return { pr: pr.number, author: pr.authorLogin, sha: deps.headSha ?? pr.headSha };
  }
  return { pr: null, author: null, sha: deps.headSha };
}

/** The challenge chosen with `/challenge`, read from the results branch; null when none. */
async function chosenChallenge(deps: EvaluateDeps, login: string): Promise<ChallengeId | null> {
  const text = await deps.api.getFileText(`entries/${login}.json`, deps.resultsBranch);
  if (text === null) return null;
  const parsed = entryRecordSchema.safeParse(JSON.parse(text));
  return parsed.success && parsed.data.challengeSetAt ? parsed.data.challenge : null;
}

async function writeArtifact(dir: string, files: Record<string, string>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
}

/** Runs one evaluation. Throws EntryRejectedError (after writing the artifact) when the entry is refused. */
export async function runEvaluate(event: PullRequestEvent, deps: EvaluateDeps): Promise<EvaluateOutcome> {
  const t = await target(event, deps);
  let login: string;
  let violations: ArtifactViolation[] = [];
  if (t.pr !== null && t.author !== null) {
    try {
      login = folderFromFiles(await deps.api.listPullRequestFiles(t.pr), t.author);
    } catch (e) {
      if (!(e instanceof ScopeError)) throw e;
      login = t.author;
      violations = [{ file: "(pull request)", rule: "pr-scope", message: e.message }];
    }
    if (deps.login !== null && deps.login !== login)
      throw new Error(`input "login": ${deps.login} is not this PR's entry (${login})`);
  } else if (deps.login !== null) {
    login = deps.login;
  } else {
    throw new Error(`input "login" is required when the event (${deps.eventName}) names no pull request`);
  }
  if (violations.length === 0) violations = await deps.validate(deps.root, login);
  const meta = (outcome: ArtifactMeta["outcome"]): string =>
    JSON.stringify({
      schemaVersion: 1,
      pullRequest: t.pr,
      headSha: t.sha,
      login,
      outcome,
    } satisfies ArtifactMeta) + "\n";
  if (violations.length > 0) {
    await writeArtifact(deps.artifactDir, {
      "meta.json": meta("invalid"),
      "validation.json": JSON.stringify(violations.slice(0, 100), null, 2) + "\n",
    });
    throw new EntryRejectedError(login, violations);
  }
  const challenge = deps.challenge ?? (await chosenChallenge(deps, login)) ?? undefined;
  deps.log(
    `evaluating contributors/${login}${challenge ? ` on ${challenge}` : ""}${t.pr ? ` for PR #${t.pr}` : ""}`,
  );
  const result = await deps.run({
    root: deps.root,
    login,
    challenge,
    scale: deps.scale,
    outDir: deps.artifactDir,
    provenance: { ...deps.provenance, pullRequest: t.pr, headSha: t.sha },
    log: deps.log,
  });
  await writeArtifact(deps.artifactDir, { "meta.json": meta("run") });
  return { login, result };
}
