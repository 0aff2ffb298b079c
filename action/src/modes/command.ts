/**
 * `command` mode (issue_comment): `/challenge <id>` on a PR. The comment body is parsed here, in
 * TypeScript, with an anchored pattern on the first line only, and checked against an allowlist;
 * it never reaches a shell or a workflow expression.
 */
import { CHALLENGE_IDS, LOGIN_PATTERN, type ChallengeId } from "../../../record/run-record.ts";
import { BOT_LOGIN } from "../comment.ts";
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
  /** The workflow file whose `pull_request` run for the PR's head is re-run (evaluate.yml). */
  evaluateWorkflow: string;
  now: () => Date;
  log: (line: string) => void;
}

export type CommandOutcome =
  | { kind: "ignored"; reason: string }
  | { kind: "refused"; reason: string }
  /** The choice is recorded, but no finished evaluation of the head could be re-run (the reply says why). */
  | { kind: "recorded"; login: string; challenge: ChallengeId; headSha: string; reason: string }
  | { kind: "accepted"; login: string; challenge: ChallengeId; headSha: string; rerunRunId: number };

const WRITE_OR_HIGHER: readonly Permission[] = ["admin", "maintain", "write"];
const KEYWORD = "/challenge";
const ARGUMENT = /^ +([a-z-]+)[ \t]*$/;

/**
 * Whether a comment is a `/challenge` command at all: exactly `/challenge`, or `/challenge ` and
 * more, the keyword in any case. This is the same test as command.yml's job `if:` (whose `==` and
 * `startsWith` ignore case), so a comment either starts no job or reaches this parser.
 */
export function isChallengeCommand(body: string): boolean {
  const lower = body.toLowerCase();
  return lower === KEYWORD || lower.startsWith(`${KEYWORD} `);
}

/** The challenge id of a `/challenge <id>` first line; null when the line is malformed; undefined when not a command. */
export function parseChallengeCommand(body: string): string | null | undefined {
  if (!isChallengeCommand(body)) return undefined;
  const first = body.split(/\r?\n/, 1)[0] ?? "";
  // Ids stay case-sensitive: `RoBuSt-service` is not an id.
  return ARGUMENT.exec(first.slice(KEYWORD.length))?.[1] ?? null;
}

const validList = () => CHALLENGE_IDS.map((c) => `\`${c}\``).join(", ");
/** Marks the one refusal reply a commenter gets per PR, so repeating the command adds no comment. */
const refusalMarker = (login: string) => `<!-- sre-chaos:refused:${login.toLowerCase()} -->`;
const short = (sha: string) => sha.slice(0, 7);

/** A `/challenge` comment on a PR by a person: what the rest of the mode needs of the event. */
interface Command {
  number: number;
  commenter: string;
  /** The id as written (null: a malformed first line). */
  parsed: string | null;
  commentId: number | undefined;
}

/** The command in an event, or why the event is ignored (not created, not a PR, a bot, not the command). */
function commandOf(event: CommentEvent): Command | CommandOutcome {
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
  return { number, commenter, parsed, commentId: event.comment?.id };
}

/** Handles one issue_comment event. Throws only on API/git failures (after replying when the choice was recorded). */
export async function runCommand(event: CommentEvent, deps: CommandDeps): Promise<CommandOutcome> {
  const { api } = deps;
  const cmd = commandOf(event);
  if ("kind" in cmd) return cmd;
  const { number, commenter, parsed } = cmd;
  const react = async (content: "+1" | "-1") => {
    if (typeof cmd.commentId === "number") await api.createReaction(cmd.commentId, content);
  };
  const reply = async (text: string) => {
    await api.createComment(number, text);
  };
  // The PR as it is now (author, head) comes from the API, never from the payload.
  const pr = await api.getPullRequest(number);
  const author = pr.authorLogin;
  let allowed = commenter.toLowerCase() === author.toLowerCase();
  if (!allowed) allowed = WRITE_OR_HIGHER.includes(await api.getCollaboratorPermission(commenter));
  if (!allowed) {
    // A stranger can repeat the command at will: a reaction every time, a reply only the first.
    await react("-1");
    const marker = refusalMarker(commenter);
    const earlier = await api.listIssueComments(number);
    if (!earlier.some((c) => c.userLogin === BOT_LOGIN && c.body.includes(marker))) {
      await reply(
        `Sorry @${commenter}, only the author of this pull request or a maintainer can choose its challenge.\n\n${marker}`,
      );
    }
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
  deps.log(`challenge ${challenge} recorded for ${author} (#${number}, ${pr.headSha})`);
  return rerunEvaluation(deps, { login: author, challenge, headSha: pr.headSha }, react, reply);
}

/**
 * Re-runs the PR's own pull_request run of evaluate (same event, fork rules and read-only token),
 * which reads the choice just recorded; nothing here starts a run that checks out PR code with
 * more rights. When there is no finished run to re-run, the reply says what to do instead.
 */
async function rerunEvaluation(
  deps: CommandDeps,
  recorded: { login: string; challenge: ChallengeId; headSha: string },
  react: (content: "+1" | "-1") => Promise<void>,
  reply: (text: string) => Promise<void>,
): Promise<CommandOutcome> {
  const { challenge, login: author, headSha } = recorded;
  const [latest] = await deps.api.listWorkflowRuns(deps.evaluateWorkflow, { event: "pull_request", headSha });
  const notRerun = async (reason: string, text: string): Promise<CommandOutcome> => {
    await react("+1");
    await reply(`Challenge set to \`${challenge}\` for @${author}. ${text}`);
    return { kind: "recorded", ...recorded, reason };
  };
  if (!latest) {
    return notRerun(
      "no evaluate run for the head",
      `No evaluation of ${short(headSha)} was found to re-run; push a commit to \`contributors/${author}/\` to evaluate it.`,
    );
  }
  if (latest.status !== "completed") {
    return notRerun(
      "the evaluate run is still going",
      `The evaluation of ${short(headSha)} is still running and may use the previous challenge; re-run it from the Checks tab when it finishes (or push a commit).`,
    );
  }
  try {
    await deps.api.rerunWorkflowRun(latest.id);
  } catch (err) {
    await reply(
      `Challenge set to \`${challenge}\` for @${author}, but re-running the evaluation of ${short(headSha)} failed; a maintainer can re-run it from the Checks tab, or push a commit.`,
    );
    throw err;
  }
  await react("+1");
  await reply(
    `Challenge set to \`${challenge}\` for @${author}. Re-running the evaluation of ${short(headSha)}; the score comment will update when it finishes.`,
  );
  return { kind: "accepted", ...recorded, rerunRunId: latest.id };
}
