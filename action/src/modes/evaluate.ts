/**
 * `evaluate` mode (pull_request, read-only token, no secrets; also a rescore matrix job): find the
 * entry, validate it, run it with the same `runEntry` as the CLI, and leave `meta.json` +
 * `run.json` + `report.md` (or `validation.json`) for the workflow to upload. `scope` mode is the
 * first step of the same job: it refuses a PR that changes anything outside its author's folder
 * before any of the PR's files are brought into the base checkout.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { entryRecordSchema } from "../../../record/entry-record.ts";
import type { ChallengeId } from "../../../record/run-record.ts";
import type { RunOptions, RunResult } from "../../../harness/run.ts";
import type { ArtifactMeta, ArtifactViolation } from "../artifact.ts";
import type { GitHubApi } from "../github.ts";
import { folderFromFiles, outOfScopeFiles, ScopeError } from "../pr-scope.ts";

/** The part of a pull_request payload this mode reads. */
interface PullRequestEvent {
  pull_request?: { number?: number; user?: { login?: string } | null; head?: { sha?: string } };
}

export interface EvaluateDeps {
  api: GitHubApi;
  root: string;
  artifactDir: string;
  eventName: string;
  /** Inputs: challenge override, scale, login and SHA (rescore). */
  challenge: ChallengeId | null;
  scale: number;
  login: string | null;
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

// Only a pull_request run evaluates a PR: that is where GitHub's fork rules, the approval gate
// for first-time contributors and the read-only token apply. No other event names a PR here.
function target(event: PullRequestEvent, eventName: string, headSha: string | null): Target {
  if (eventName === "pull_request") {
    const p = event.pull_request;
    if (!p?.number || !p.user?.login || !p.head?.sha)
      throw new Error("the pull_request payload has no number, author or head");
    return { pr: p.number, author: p.user.login, sha: p.head.sha };
  }
  return { pr: null, author: null, sha: headSha };
}

/** What `scope` mode needs: the API (the PR's files) and where a refusal's artifact goes. */
export type ScopeDeps = Pick<EvaluateDeps, "api" | "artifactDir" | "eventName">;

/**
 * `scope` mode: the PR's changed files (through the API) must all sit in `contributors/<author>/`.
 * Returns the folder to bring in from the PR head. A refusal writes `validation.json` (so publish
 * comments on the PR) and throws, naming every file outside the folder.
 */
export async function runScope(event: PullRequestEvent, deps: ScopeDeps): Promise<string> {
  if (deps.eventName !== "pull_request")
    throw new Error(`scope mode runs only on pull_request (this is ${deps.eventName})`);
  const t = target(event, deps.eventName, null);
  const author = t.author ?? "";
  const files = await deps.api.listPullRequestFiles(t.pr ?? 0);
  try {
    return folderFromFiles(files, author);
  } catch (e) {
    if (!(e instanceof ScopeError)) throw e;
    const outside = outOfScopeFiles(files, author);
    const message =
      outside.length > 0
        ? `this pull request may change only contributors/${author}/, but it changes: ${outside.slice(0, 20).join(", ")}${outside.length > 20 ? ` and ${outside.length - 20} more` : ""}`
        : e.message;
    const violations = [{ file: "(pull request)", rule: "pr-scope", message: message.slice(0, 2000) }];
    const meta: ArtifactMeta = {
      schemaVersion: 1,
      pullRequest: t.pr,
      headSha: t.sha,
      login: author,
      outcome: "invalid",
    };
    await writeArtifact(deps.artifactDir, {
      "meta.json": JSON.stringify(meta) + "\n",
      "validation.json": JSON.stringify(violations, null, 2) + "\n",
    });
    throw new EntryRejectedError(author, violations);
  }
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
  const t = target(event, deps.eventName, deps.headSha);
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
