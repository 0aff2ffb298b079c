/**
 * The one wrapper over the GitHub API. Modes receive a {@link GitHubApi}, never an Octokit, so
 * tests hand in a recording fake and every call the action can make is listed here.
 */
import { getOctokit } from "@actions/github";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import {
  accessAndWorkflowCalls,
  commentCalls,
  contentCalls,
  pullCalls,
  type RepoClient,
} from "./github-calls.ts";

export interface PullRequestInfo {
  number: number;
  state: string;
  authorLogin: string;
  headSha: string;
  htmlUrl: string;
  /** `owner/name` of the head repository (a fork's or this one); absent when GitHub gave none (deleted fork). */
  headRepo?: string;
  /** The head branch's name. */
  headRef?: string;
}

/** One changed file as the pulls files API reports it. */
export interface PullRequestFile {
  filename: string;
  status: string;
  /** Set on renames (and copies): the path before. */
  previousFilename?: string;
}

export interface TreeEntry {
  path: string;
  /** Git mode: 100644/100755 file, 040000 tree, 120000 symlink, 160000 submodule. */
  mode: string;
  type: string;
}

export interface IssueComment {
  id: number;
  body: string;
  userLogin: string;
}

export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

/** One run of a workflow, as the runs API lists it. */
export interface WorkflowRun {
  id: number;
  event: string;
  headSha: string;
  /** queued, in_progress, completed, … */
  status: string;
  createdAt: string;
}

export interface GitHubApi {
  /** Open or closed PRs whose head is this commit (repos/commits/{sha}/pulls). */
  findPullRequestsForSha(sha: string): Promise<PullRequestInfo[]>;
  getPullRequest(number: number): Promise<PullRequestInfo>;
  /** Every changed file (paginated; the API stops at 3000). */
  listPullRequestFiles(number: number): Promise<PullRequestFile[]>;
  /** The recursive tree of a commit; `truncated` when GitHub cut it short. */
  getTree(sha: string): Promise<{ entries: TreeEntry[]; truncated: boolean }>;
  getCollaboratorPermission(login: string): Promise<Permission>;
  listIssueComments(issue: number): Promise<IssueComment[]>;
  createComment(issue: number, body: string): Promise<{ id: number }>;
  updateComment(commentId: number, body: string): Promise<void>;
  createReaction(commentId: number, content: "+1" | "-1" | "eyes" | "confused"): Promise<void>;
  /** Runs of one workflow file for one event and head commit, newest first (one page of 100). */
  listWorkflowRuns(workflowFile: string, filter: { event: string; headSha: string }): Promise<WorkflowRun[]>;
  /** Re-runs every job of a finished run, with the run's own event, commit and token. */
  rerunWorkflowRun(runId: number): Promise<void>;
  getDefaultBranch(): Promise<string>;
  /** A text file at a ref (e.g. `entries/<login>.json` on the results branch); null when absent. */
  getFileText(path: string, ref: string): Promise<string | null>;
}

export interface HttpishError {
  status?: number;
  message?: string;
}

/**
 * Which failures are tried again, and by whom: a 5xx (or another status not listed here) by
 * plugin-retry, three more times with its growing back-off (1, 4, 9 s); a rate limit, primary
 * or secondary (403/429 that say so), by plugin-throttling after the wait GitHub asks for. Each
 * request is retried on its own, so a failed page of a pagination does not repeat the pages before it.
 */
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];
const RETRIES = 3;
/** A rate-limited request is tried again at most this often, and only if the wait is this short. */
const LIMIT_RETRIES = 2;
const LIMIT_MAX_WAIT_S = 120;

export interface ApiOptions {
  /** Another API root: a local server in tests, or GitHub Enterprise; default GITHUB_API_URL. */
  baseUrl?: string;
  /** Milliseconds per second of back-off the plugins compute (1000). Tests pass 0: no real waits. */
  backoffUnitMs?: number;
  /** Told of every rate-limit wait (the action passes core.warning). */
  log?: (line: string) => void;
}

let instances = 0;

/** The Octokit of {@link octokitFor}: REST methods and `paginate`, with the two plugins. */
export type Octokit = ReturnType<typeof octokitFor>;

/** Octokit with retries and throttling, for one token. */
function octokitFor(token: string, opts: ApiOptions) {
  const unit = opts.backoffUnitMs ?? 1000;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, o: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      const retry = retryCount < LIMIT_RETRIES && retryAfter <= LIMIT_MAX_WAIT_S;
      opts.log?.(
        `GitHub ${kind} rate limit on ${o.method} ${o.url}: ` +
          (retry ? `retrying in ${retryAfter} s (retry ${retryCount + 1} of ${LIMIT_RETRIES})` : "giving up"),
      );
      return retry;
    };
  return getOctokit(
    token,
    {
      ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
      retry: { retries: RETRIES, doNotRetry: DO_NOT_RETRY, retryAfterBaseValue: unit },
      throttle: {
        // Writes are spaced a second apart per limiter id; each API object has its own (the action makes one).
        id: `sre-chaos-${++instances}`,
        retryAfterBaseValue: unit,
        onRateLimit: onLimit("primary"),
        onSecondaryRateLimit: onLimit("secondary"),
      },
    },
    retry,
    throttling,
  );
}

/**
 * A failed API call, naming the endpoint (`GET /repos/o/r/pulls/7`) so a failed job says which call
 * failed. Keeps the HTTP status (callers map a 404) and the original error as the cause.
 */
export class GitHubApiError extends Error {
  readonly status: number | undefined;
  constructor(
    readonly endpoint: string,
    cause: unknown,
  ) {
    const e = cause as HttpishError;
    super(
      `GitHub API ${endpoint} failed${e?.status ? ` (${e.status})` : ""}: ${e?.message ?? String(cause)}`,
      {
        cause,
      },
    );
    this.name = "GitHubApiError";
    this.status = e?.status;
  }
}

/** `METHOD /path` of an Octokit request error, without the host or query string; "" when unknown. */
function endpointOf(err: unknown): string {
  const req = (err as { request?: { method?: string; url?: string } })?.request;
  if (!req?.url) return "";
  // Octokit gives an absolute URL; the query string (pagination, filters) is noise in a message.
  const p = /^https?:\/\//.test(req.url) ? new URL(req.url).pathname : (req.url.split("?")[0] ?? req.url);
  return `${req.method ?? "?"} ${p}`;
}

/** The real API for one repository, authenticated with the workflow's token. */
export function createGitHubApi(
  token: string,
  owner: string,
  repo: string,
  opts: ApiOptions = {},
): GitHubApi {
  const client: RepoClient = {
    octokit: octokitFor(token, opts),
    owner,
    repo,
    async call(fn) {
      try {
        return await fn();
      } catch (err) {
        const endpoint = endpointOf(err);
        throw endpoint ? new GitHubApiError(endpoint, err) : err;
      }
    },
  };
  return {
    ...pullCalls(client),
    ...commentCalls(client),
    ...contentCalls(client),
    ...accessAndWorkflowCalls(client),
  };
}
