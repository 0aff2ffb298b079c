/**
 * A recording fake of {@link GitHubApi}: canned answers in, every call (name + args) recorded, so a
 * test asserts what the action called and, as importantly, what it did not.
 */
import type {
  GitHubApi,
  IssueComment,
  Permission,
  PullRequestFile,
  PullRequestInfo,
  TreeEntry,
  WorkflowRun,
} from "../../../action/src/github.ts";

export interface Call {
  name: keyof GitHubApi;
  args: unknown[];
}

export interface FakeState {
  pulls: PullRequestInfo[];
  files: Record<number, PullRequestFile[]>;
  trees: Record<string, TreeEntry[]>;
  permissions: Record<string, Permission>;
  comments: Record<number, IssueComment[]>;
  defaultBranch: string;
  /** `<ref>:<path>` → text. */
  contents: Record<string, string>;
  /** Every workflow run, by workflow file. */
  runs: Record<string, WorkflowRun[]>;
  /** When set, rerunWorkflowRun throws this (e.g. a 403 of a run still in progress). */
  rerunError: Error | null;
}

export class FakeGitHub implements GitHubApi {
  readonly calls: Call[] = [];
  readonly state: FakeState;
  private nextId = 1000;

  constructor(state: Partial<FakeState> = {}) {
    this.state = {
      pulls: [],
      files: {},
      trees: {},
      permissions: {},
      comments: {},
      defaultBranch: "main",
      contents: {},
      runs: {},
      rerunError: null,
      ...state,
    };
  }

  private record(name: keyof GitHubApi, ...args: unknown[]): void {
    this.calls.push({ name, args });
  }

  /** Names of the calls made, in order. */
  names(): string[] {
    return this.calls.map((c) => c.name);
  }

  /** The calls of one name. */
  callsOf(name: keyof GitHubApi): unknown[][] {
    return this.calls.filter((c) => c.name === name).map((c) => c.args);
  }

  private pull(number: number): PullRequestInfo {
    const p = this.state.pulls.find((x) => x.number === number);
    if (!p) throw Object.assign(new Error(`no PR #${number}`), { status: 404 });
    return p;
  }

  async findPullRequestsForSha(sha: string) {
    this.record("findPullRequestsForSha", sha);
    return this.state.pulls.filter((p) => p.headSha === sha);
  }
  async getPullRequest(number: number) {
    this.record("getPullRequest", number);
    return this.pull(number);
  }
  async listPullRequestFiles(number: number) {
    this.record("listPullRequestFiles", number);
    return this.state.files[number] ?? [];
  }
  async getTree(sha: string) {
    this.record("getTree", sha);
    return { entries: this.state.trees[sha] ?? [], truncated: false };
  }
  async getCollaboratorPermission(login: string) {
    this.record("getCollaboratorPermission", login);
    return this.state.permissions[login] ?? "none";
  }
  async listIssueComments(issue: number) {
    this.record("listIssueComments", issue);
    return [...(this.state.comments[issue] ?? [])];
  }
  async createComment(issue: number, body: string) {
    this.record("createComment", issue, body);
    const id = this.nextId++;
    (this.state.comments[issue] ??= []).push({ id, body, userLogin: "github-actions[bot]" });
    return { id };
  }
  async updateComment(commentId: number, body: string) {
    this.record("updateComment", commentId, body);
    for (const list of Object.values(this.state.comments)) {
      const c = list.find((x) => x.id === commentId);
      if (c) c.body = body;
    }
  }
  async createReaction(commentId: number, content: "+1" | "-1" | "eyes" | "confused") {
    this.record("createReaction", commentId, content);
  }
  async listWorkflowRuns(workflowFile: string, filter: { event: string; headSha: string }) {
    this.record("listWorkflowRuns", workflowFile, filter);
    return (this.state.runs[workflowFile] ?? [])
      .filter((r) => r.event === filter.event && r.headSha === filter.headSha)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }
  async rerunWorkflowRun(runId: number) {
    this.record("rerunWorkflowRun", runId);
    if (this.state.rerunError) throw this.state.rerunError;
  }
  async getDefaultBranch() {
    this.record("getDefaultBranch");
    return this.state.defaultBranch;
  }
  async getFileText(path: string, ref: string) {
    this.record("getFileText", path, ref);
    return this.state.contents[`${ref}:${path}`] ?? null;
  }
}
