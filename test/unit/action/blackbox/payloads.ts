/**
 * Event payloads for the black-box tables: real examples from `@octokit/webhooks-examples`
 * (GitHub's own webhook payloads), copied and changed per row only where the row says so.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- payloads and records are JSON that rows edit freely */
import { createRequire } from "node:module";

interface Example {
  name: string;
  examples: Record<string, unknown>[];
}
const examples = createRequire(import.meta.url)("@octokit/webhooks-examples") as Example[];

/** The first example of `event` whose action is `action`, as a fresh copy. */
export function example(event: string, action: string): Record<string, any> {
  const found = examples.find((e) => e.name === event)?.examples.find((x) => x.action === action);
  if (!found) throw new Error(`@octokit/webhooks-examples has no ${event}.${action}`);
  return structuredClone(found);
}

/** `owner/repo` of every example used here (Codertocat/Hello-World). */
export const REPOSITORY: string = example("pull_request", "opened").repository.full_name;

/** A pull_request.opened payload for PR `number` by `author` at `sha`. */
export function pullRequestEvent(o: { number: number; author: string; sha: string }): Record<string, any> {
  const e = example("pull_request", "opened");
  e.number = o.number;
  e.pull_request.number = o.number;
  e.pull_request.user.login = o.author;
  e.pull_request.head.sha = o.sha;
  return e;
}

/**
 * An issue_comment payload on PR `number` (the package's issue example with `issue.pull_request`,
 * GitHub's mark of a PR conversation, added unless `onIssue`).
 */
export function commentEvent(o: {
  number: number;
  body: string;
  commenter: string;
  type?: "User" | "Bot";
  action?: "created" | "edited";
  onIssue?: boolean;
}): Record<string, any> {
  const e = example("issue_comment", o.action ?? "created");
  e.issue.number = o.number;
  if (!o.onIssue)
    e.issue.pull_request = {
      url: `https://api.github.com/repos/${REPOSITORY}/pulls/${o.number}`,
      html_url: `https://github.com/${REPOSITORY}/pull/${o.number}`,
    };
  e.comment.body = o.body;
  e.comment.user.login = o.commenter;
  e.comment.user.type = o.type ?? "User";
  return e;
}

/** A workflow_run.completed payload of a successful `evaluate` pull_request run. */
export function workflowRunEvent(o: {
  sha: string;
  headRepo: string | null;
  headBranch: string;
  event?: string;
}): Record<string, any> {
  const e = example("workflow_run", "completed");
  const w = e.workflow_run;
  w.name = "evaluate";
  w.event = o.event ?? "pull_request";
  w.conclusion = "success";
  w.head_sha = o.sha;
  w.head_branch = o.headBranch;
  w.head_repository = o.headRepo === null ? null : { ...w.head_repository, full_name: o.headRepo };
  return e;
}
