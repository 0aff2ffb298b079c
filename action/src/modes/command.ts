/**
 * `command` mode (issue_comment): `/challenge <id>` on a PR. The comment body is parsed here, in
 * TypeScript, with an anchored pattern on the first line only, and checked against an allowlist;
 * it never reaches a shell or a workflow expression.
 */
import { CHALLENGE_IDS, LOGIN_PATTERN, type ChallengeId } from "../../../record/run-record.ts";
import type { GitHubApi, Permission } from "../github.ts";
import { readEntryRecord, serializeEntryRecord, type ResultsStore } from "../results.ts";

/** The part of an issue_comment payload this mode reads. */
interface CommentEvent {
  action?: string;
  issue?: { number?: number; pull_request?: unknown };
  comment?: { id?: number; body?: string | null; user?: { login?: string; type?: string } | null };
}

export interface CommandDeps {
  api: GitHubApi;
  results: ResultsStore;
  evaluateWorkflow: string;
  now: () => Date;
  log: (line: string) => void;
}

export type CommandOutcome =
  | { kind: "ignored"; reason: string }
  | { kind: "refused"; reason: string }
  | { kind: "accepted"; login: string; challenge: ChallengeId; headSha: string };

const WRITE_OR_HIGHER: readonly Permission[] = ["admin", "maintain", "write"];
const COMMAND = /^\/challenge\s+([a-z-]+)\s*$/;
const LOOKS_LIKE_COMMAND = /^\/challenge(?:\s|$)/;

/** The challenge id of a `/challenge <id>` first line; null when the line is malformed; undefined when not a command. */
export function parseChallengeCommand(body: string): string | null | undefined {
  const first = body.split(/\r?\n/, 1)[0] ?? "";
  if (!LOOKS_LIKE_COMMAND.test(first)) return undefined;
  return COMMAND.exec(first)?.[1] ?? null;
}

const validList = () => CHALLENGE_IDS.map((c) => `\`${c}\``).join(", ");

/** Handles one issue_comment event. Throws only on API/git failures. */
export async function runCommand(event: CommentEvent, deps: CommandDeps): Promise<CommandOutcome> {
  const { api } = deps;
  if (event.action !== "created") return { kind: "ignored", reason: `action ${String(event.action)}` };
  const number = event.issue?.number;
  if (!event.issue?.pull_request || typeof number !== "number")
    return { kind: "ignored", reason: "not a PR" };
  const user = event.comment?.user;
  const commenter = user?.login ?? "";
  if (!commenter || user?.type === "Bot" || commenter.endsWith("[bot]")) {
    return { kind: "ignored", reason: "bot or unknown user" };
  }
  const parsed = parseChallengeCommand(event.comment?.body ?? "");
  if (parsed === undefined) return { kind: "ignored", reason: "not a /challenge command" };
  const commentId = event.comment?.id;

  const reply = async (text: string) => {
    await api.createComment(number, text);
  };
  // The PR as it is now (author, head) comes from the API, never from the payload.
  const pr = await api.getPullRequest(number);
  const author = pr.authorLogin;
  let allowed = commenter.toLowerCase() === author.toLowerCase();
  if (!allowed) allowed = WRITE_OR_HIGHER.includes(await api.getCollaboratorPermission(commenter));
  if (!allowed) {
    await reply(
      `Sorry @${commenter}, only the author of this pull request or a maintainer can choose its challenge.`,
    );
    return { kind: "refused", reason: "not the author and no write permission" };
  }
  if (parsed === null || !(CHALLENGE_IDS as readonly string[]).includes(parsed)) {
    await reply(
      `I did not recognise that challenge. Write \`/challenge <id>\` on the first line, with one of: ${validList()}.`,
    );
    return { kind: "refused", reason: "unknown or malformed challenge id" };
  }
  const challenge = parsed as ChallengeId;
  if (pr.state !== "open") {
    await reply("This pull request is closed; reopen it to run another challenge.");
    return { kind: "refused", reason: "PR not open" };
  }
  if (!LOGIN_PATTERN.test(author)) return { kind: "refused", reason: "PR author is not a valid login" };

  const setAt = deps.now().toISOString();
  await deps.results.publish(async (read) => {
    const entry = await readEntryRecord(read, author, challenge);
    const next = { ...entry, challenge, challengeSetBy: commenter, challengeSetAt: setAt };
    return [{ path: `entries/${author}.json`, content: serializeEntryRecord(next) }];
  }, `${author}: challenge ${challenge} (set by ${commenter} on #${number})`);

  const ref = await api.getDefaultBranch();
  await api.dispatchWorkflow(deps.evaluateWorkflow, ref, {
    "pr-number": String(number),
    challenge,
    "head-sha": pr.headSha,
  });
  if (typeof commentId === "number") await api.createReaction(commentId, "+1");
  await reply(
    `Challenge set to \`${challenge}\` for @${author}. Evaluating ${pr.headSha.slice(0, 7)} now; the score comment will update when it finishes.`,
  );
  deps.log(`challenge ${challenge} for ${author} (#${number}, ${pr.headSha})`);
  return { kind: "accepted", login: author, challenge, headSha: pr.headSha };
}
