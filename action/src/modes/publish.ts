/**
 * `publish` mode (workflow_run of evaluate): trusted, never runs PR code. The PR comes from the
 * run's head SHA, repository and branch through the API; the artifact is only cross-checked against
 * it, and its score is computed again here (recompute.ts) by the scoring code publish runs from.
 */
import { loadChallenge } from "../../../harness/challenge-files.ts";
import { applyRun, type RunRef } from "../../../record/entry-record.ts";
import { rankOn } from "../../../record/ranking.ts";
import { CHALLENGE_IDS, serializeRunRecord, type RunRecord } from "../../../record/run-record.ts";
import { paths } from "../../../site/links.ts";
import { readArtifact, ArtifactError } from "../artifact.ts";
import { md } from "../../../record/markdown.ts";
import { renderInvalidComment, renderRunComment, upsertComment } from "../comment.ts";
import { verifiedRecord } from "../recompute.ts";
import type { GitHubApi, PullRequestInfo } from "../github.ts";
import { checkPrScope, ScopeError } from "../pr-scope.ts";
import { readEntryRecord, serializeEntryRecord, type ResultsStore } from "../results.ts";

/** The part of a workflow_run payload this mode reads. */
interface WorkflowRunEvent {
  repository?: { full_name?: string };
  workflow_run?: {
    id?: number;
    run_attempt?: number;
    head_sha?: string;
    head_branch?: string | null;
    head_repository?: { full_name?: string } | null;
    html_url?: string;
    event?: string;
  };
}

export interface PublishDeps {
  api: GitHubApi;
  results: ResultsStore;
  artifactDir: string;
  /** Checkout of the commit publish runs from: its scoring/challenges/ score the run again. */
  root: string;
  /** That commit (`git rev-parse HEAD` of `root`): the record's harnessCommit must be it. */
  baseCommit: string;
  /** Base URL of the Pages site (ends with /), or null. */
  siteUrl: string | null;
  summary: (markdown: string) => Promise<void>;
  log: (line: string) => void;
}

export interface PublishOutcome {
  pr: number;
  login: string;
  /** The run written, or null when the entry was invalid (only a comment). */
  runId: string | null;
  comment: { id: number; created: boolean };
}

const SHA = /^[0-9a-f]{40}$/;

/** The PR and head SHA of the evaluated run, from trusted sources only. */
async function findPr(
  api: GitHubApi,
  event: WorkflowRunEvent,
): Promise<{ pr: PullRequestInfo; sha: string }> {
  const wr = event.workflow_run;
  if (!wr) throw new Error("not a workflow_run event");
  if (wr.event === "pull_request") {
    const sha = wr.head_sha ?? "";
    if (!SHA.test(sha)) throw new Error(`workflow_run head_sha ${JSON.stringify(sha)} is not a commit SHA`);
    // The SHA alone is not the PR: another PR (any fork) can push the same commit. Its head
    // repository and branch, from the trusted payload, say which PR this run was for.
    const repo = wr.head_repository?.full_name ?? "";
    const branch = wr.head_branch ?? "";
    if (!repo || !branch) throw new Error("workflow_run names no head repository and branch");
    const prs = (await api.findPullRequestsForSha(sha)).filter(
      (p) => p.state === "open" && p.headSha === sha && p.headRepo === repo && p.headRef === branch,
    );
    if (prs.length !== 1)
      throw new Error(
        `${prs.length} open pull requests have head ${repo}:${branch} at ${sha}; expected exactly one`,
      );
    return { pr: prs[0]!, sha };
  }
  throw new Error(`workflow_run event ${JSON.stringify(wr.event)} is not published`);
}

function forged(why: string): never {
  throw new ArtifactError(`forged: ${why}`);
}

type Prior = { latest: RunRef; best: RunRef } | null;

/** Publishes one evaluate artifact for its PR. Throws (job fails) on any refusal. */
export async function runPublish(event: WorkflowRunEvent, deps: PublishDeps): Promise<PublishOutcome> {
  const { api } = deps;
  const { pr, sha } = await findPr(api, event);
  deps.log(`PR #${pr.number} by ${pr.authorLogin} at ${sha}`);
  const folder = await scopedFolder(api, pr);
  const art = await readArtifact(deps.artifactDir);
  if (art.meta.pullRequest !== pr.number)
    forged(`meta.json names PR ${art.meta.pullRequest}, the run is for #${pr.number}`);
  if (art.meta.headSha !== sha) forged(`meta.json names ${art.meta.headSha}, the run is for ${sha}`);
  if (art.meta.login !== folder) forged(`meta.json login ${art.meta.login} is not the PR's folder ${folder}`);

  if (art.outcome === "invalid") {
    const body = renderInvalidComment(folder, sha, art.violations);
    const comment = await upsertComment(api, pr.number, folder, body);
    await deps.summary(body);
    return { pr: pr.number, login: folder, runId: null, comment };
  }

  const record = await trustedRecord(event, deps, art.record, pr.number, sha);
  const runPath = `runs/${folder}/${record.runId}.json`;
  const prior = await commitRun(deps, record, folder, runPath, `#${pr.number}, ${sha.slice(0, 7)}`);
  const entries = await deps.results.readEntries();
  const mine = entries.find((e) => e.login === folder);
  const body = renderRunComment({
    record,
    rank: rankOn(entries, record.challenge, folder),
    currentChallenge: mine?.challenge ?? record.challenge,
    challengeIds: CHALLENGE_IDS,
    previous: prior && prior.latest.runId !== record.runId ? prior.latest : null,
    best: prior && prior.best.runId !== record.runId ? prior.best : null,
    headSha: sha,
    runUrl: deps.siteUrl ? `${deps.siteUrl}${paths.run(record.runId)}` : null,
    workflowUrl: event.workflow_run?.html_url ?? null,
  });
  const comment = await upsertComment(api, pr.number, folder, body);
  await deps.summary(body);
  deps.log(`published ${runPath}; comment ${comment.created ? "created" : "updated"} (${comment.id})`);
  return { pr: pr.number, login: folder, runId: record.runId, comment };
}

/** The PR's only folder, `contributors/<author>/`; a PR out of scope is told so in its comment. */
async function scopedFolder(api: GitHubApi, pr: PullRequestInfo): Promise<string> {
  try {
    return await checkPrScope(api, pr);
  } catch (e) {
    if (e instanceof ScopeError) {
      await upsertComment(
        api,
        pr.number,
        pr.authorLogin,
        `<!-- sre-chaos:comment login=${pr.authorLogin} -->\n## SRE Chaos Challenge: not scored\n\n${md(e.message)}. An entry PR may only change files in \`contributors/${pr.authorLogin}/\`.\n`,
      );
    }
    throw e;
  }
}

/**
 * The artifact's record, checked against what publish knows for certain (the PR, the head, the
 * base's harness commit) and scored again by the base's code (recompute.ts); those facts replace
 * what the artifact said.
 */
async function trustedRecord(
  event: WorkflowRunEvent,
  deps: PublishDeps,
  record: RunRecord,
  pr: number,
  sha: string,
): Promise<RunRecord> {
  const p = record.provenance;
  if (p.headSha !== null && p.headSha !== sha)
    forged(`run.json provenance.headSha ${p.headSha} is not ${sha}`);
  if (p.pullRequest !== null && p.pullRequest !== pr)
    forged(`run.json provenance.pullRequest ${p.pullRequest} is not #${pr}`);
  // The scoring code that ran must be the one that checks it: the base's, not the PR's.
  if (p.harnessCommit !== deps.baseCommit)
    forged(
      `run.json was measured by harness ${p.harnessCommit ?? "(unknown)"}, not the base's ${deps.baseCommit}; evaluate again`,
    );
  const wr = event.workflow_run ?? {};
  const checked = verifiedRecord(await loadChallenge(record.challenge, deps.root), record);
  return {
    ...checked,
    provenance: {
      ...p,
      repository: event.repository?.full_name ?? p.repository,
      pullRequest: pr,
      headSha: sha,
      workflowRunId: wr.id ?? p.workflowRunId,
      workflowRunAttempt: wr.run_attempt ?? p.workflowRunAttempt,
      local: false,
    },
  };
}

/**
 * Writes the run and the updated entry record in one commit; returns the entrant's previous and
 * best on this challenge as they were before this run. A rerun (say, after the comment failed)
 * writes nothing again: the run already counts, and what came before it is read from runs/.
 */
async function commitRun(
  deps: PublishDeps,
  record: RunRecord,
  folder: string,
  runPath: string,
  about: string,
): Promise<Prior> {
  const runJson = serializeRunRecord(record, runPath);
  let before: Prior = null;
  let rerun = false;
  await deps.results.publish(async (read) => {
    const entry = await readEntryRecord(read, folder, record.challenge);
    rerun = (await read(runPath)) !== null;
    if (rerun) return [];
    before = entry.runs[record.challenge] ?? null;
    return [
      { path: runPath, content: runJson },
      { path: `entries/${folder}.json`, content: serializeEntryRecord(applyRun(entry, record)) },
    ];
  }, `${folder}: ${record.challenge} run ${record.runId} (${about})`);
  return rerun ? await deps.results.runsBefore(folder, record.challenge, record.runId) : before;
}
