/**
 * The calls of {@link GitHubApi}, grouped by concern: pull requests, issue comments, git trees and
 * contents, and access and workflow runs. Each group turns GitHub's answers into the action's own
 * types; `action/src/github.ts` builds the client they share and joins the groups into one API.
 */
import type { GitHubApi, HttpishError, Octokit, Permission, PullRequestInfo } from "./github.ts";

/** What every group shares: one authenticated Octokit, the repository, and the error naming. */
export interface RepoClient {
  readonly octokit: Octokit;
  readonly owner: string;
  readonly repo: string;
  /** Runs one call (retries happen inside, per request) and names the endpoint of a failure. */
  call<T>(fn: () => Promise<T>): Promise<T>;
}

const PERMISSIONS: readonly Permission[] = ["admin", "maintain", "write", "triage", "read", "none"];

const isNotFound = (err: unknown) => (err as HttpishError).status === 404;

/** A pull request as the pulls and commits APIs give it. */
function pullRequestInfo(p: {
  number: number;
  state: string;
  user: { login: string } | null;
  head: { sha: string; ref?: string; repo?: { full_name?: string } | null };
  html_url: string;
}): PullRequestInfo {
  return {
    number: p.number,
    state: p.state,
    authorLogin: p.user?.login ?? "",
    headSha: p.head.sha,
    htmlUrl: p.html_url,
    ...(p.head.ref ? { headRef: p.head.ref } : {}),
    ...(p.head.repo?.full_name ? { headRepo: p.head.repo.full_name } : {}),
  };
}

/** Pull requests: found by head commit, read by number, and their changed files. */
export function pullCalls({
  octokit,
  owner,
  repo,
  call,
}: RepoClient): Pick<GitHubApi, "findPullRequestsForSha" | "getPullRequest" | "listPullRequestFiles"> {
  return {
    async findPullRequestsForSha(sha) {
      const res = await call(() =>
        octokit.rest.repos.listPullRequestsAssociatedWithCommit({
          owner,
          repo,
          commit_sha: sha,
          per_page: 100,
        }),
      );
      if (res.data.length > 0) return res.data.map(pullRequestInfo);
      // A fork's head commit is not always associated yet: fall back to the open PRs' heads.
      const open = await call(() =>
        octokit.paginate(octokit.rest.pulls.list, { owner, repo, state: "open", per_page: 100 }),
      );
      return open.filter((p) => p.head.sha === sha).map(pullRequestInfo);
    },
    async getPullRequest(number) {
      const res = await call(() => octokit.rest.pulls.get({ owner, repo, pull_number: number }));
      return pullRequestInfo(res.data);
    },
    async listPullRequestFiles(number) {
      const files = await call(() =>
        octokit.paginate(octokit.rest.pulls.listFiles, { owner, repo, pull_number: number, per_page: 100 }),
      );
      return files.map((f) => ({
        filename: f.filename,
        status: f.status,
        ...(f.previous_filename ? { previousFilename: f.previous_filename } : {}),
      }));
    },
  };
}

/** Issue comments and their reactions: the sticky comment and the answers to `/challenge`. */
export function commentCalls({
  octokit,
  owner,
  repo,
  call,
}: RepoClient): Pick<GitHubApi, "listIssueComments" | "createComment" | "updateComment" | "createReaction"> {
  return {
    async listIssueComments(issue) {
      const all = await call(() =>
        octokit.paginate(octokit.rest.issues.listComments, {
          owner,
          repo,
          issue_number: issue,
          per_page: 100,
        }),
      );
      return all.map((c) => ({ id: c.id, body: c.body ?? "", userLogin: c.user?.login ?? "" }));
    },
    async createComment(issue, body) {
      const res = await call(() =>
        octokit.rest.issues.createComment({ owner, repo, issue_number: issue, body }),
      );
      return { id: res.data.id };
    },
    async updateComment(commentId, body) {
      await call(() => octokit.rest.issues.updateComment({ owner, repo, comment_id: commentId, body }));
    },
    async createReaction(commentId, content) {
      await call(() =>
        octokit.rest.reactions.createForIssueComment({ owner, repo, comment_id: commentId, content }),
      );
    },
  };
}

/** The repository's content: a commit's tree, the default branch, and one text file at a ref. */
export function contentCalls({
  octokit,
  owner,
  repo,
  call,
}: RepoClient): Pick<GitHubApi, "getTree" | "getDefaultBranch" | "getFileText"> {
  return {
    async getTree(sha) {
      const res = await call(() => octokit.rest.git.getTree({ owner, repo, tree_sha: sha, recursive: "1" }));
      return {
        entries: res.data.tree.map((t) => ({ path: t.path ?? "", mode: t.mode ?? "", type: t.type ?? "" })),
        truncated: res.data.truncated,
      };
    },
    async getDefaultBranch() {
      const res = await call(() => octokit.rest.repos.get({ owner, repo }));
      return res.data.default_branch;
    },
    async getFileText(path, ref) {
      try {
        const res = await call(() => octokit.rest.repos.getContent({ owner, repo, path, ref }));
        const d = res.data as { type?: string; encoding?: string; content?: string; size?: number };
        if (
          Array.isArray(res.data) ||
          d.type !== "file" ||
          d.encoding !== "base64" ||
          (d.size ?? 0) > 1_000_000
        ) {
          return null;
        }
        return Buffer.from(d.content ?? "", "base64").toString("utf8");
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    },
  };
}

/** Who may do what (a login's permission), and the runs of a workflow: listed and re-run. */
export function accessAndWorkflowCalls({
  octokit,
  owner,
  repo,
  call,
}: RepoClient): Pick<GitHubApi, "getCollaboratorPermission" | "listWorkflowRuns" | "rerunWorkflowRun"> {
  return {
    async getCollaboratorPermission(login) {
      try {
        const res = await call(() =>
          octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username: login }),
        );
        // role_name distinguishes maintain/triage; permission is the legacy admin/write/read/none.
        const role = (res.data.role_name || res.data.permission) as Permission;
        return PERMISSIONS.includes(role) ? role : "none";
      } catch (err) {
        if (isNotFound(err)) return "none";
        throw err;
      }
    },
    async listWorkflowRuns(workflowFile, filter) {
      const res = await call(() =>
        octokit.rest.actions.listWorkflowRuns({
          owner,
          repo,
          workflow_id: workflowFile,
          event: filter.event,
          head_sha: filter.headSha,
          per_page: 100,
        }),
      );
      return res.data.workflow_runs
        .map((w) => ({
          id: w.id,
          event: w.event,
          headSha: w.head_sha,
          status: w.status ?? "",
          createdAt: w.created_at,
        }))
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },
    async rerunWorkflowRun(runId) {
      await call(() => octokit.rest.actions.reRunWorkflow({ owner, repo, run_id: runId }));
    },
  };
}
