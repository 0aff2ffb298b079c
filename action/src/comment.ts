/**
 * The sticky PR comment and the job summary: one Markdown text, found again by a hidden marker and
 * updated in place so reruns never stack comments (STYLE 13). Record text is untrusted (it came from
 * an artifact), so every string from it is escaped before it reaches Markdown.
 */
import { cautionSection } from "../../record/cautions.ts";
import { code, md } from "../../record/markdown.ts";
import type { RunRecord } from "../../record/run-record.ts";
import {
  failureFacts,
  failureHeadline,
  healthLogLines,
  markdownCodeBlock,
  type EntryFailure,
} from "../../record/failure.ts";
import { componentValue } from "../../site/format.ts";
import type { ArtifactViolation } from "./artifact.ts";
import type { GitHubApi } from "./github.ts";

/**
 * The author of every comment the action writes: the workflow token's bot. Only its comments are
 * ours; another bot (any installed app) can post a body that starts with our marker.
 */
export const BOT_LOGIN = "github-actions[bot]";

/** The hidden marker of a login's comment. */
export const commentMarker = (login: string) => `<!-- sre-chaos:comment login=${login} -->`;

const BARS = "▁▂▃▄▅▆▇█";

/** A Unicode sparkline of up to `width` buckets (bucket means); gaps shown as spaces. */
export function sparkline(values: readonly (number | null)[], width = 60): string {
  if (values.length === 0) return "";
  const n = Math.min(width, values.length);
  const buckets: (number | null)[] = [];
  for (let b = 0; b < n; b++) {
    const slice = values
      .slice(Math.floor((b * values.length) / n), Math.floor(((b + 1) * values.length) / n))
      .filter((v): v is number => v !== null);
    buckets.push(slice.length ? slice.reduce((a, v) => a + v, 0) / slice.length : null);
  }
  const max = Math.max(0, ...buckets.filter((v): v is number => v !== null));
  return buckets
    .map((v) => (v === null ? " " : BARS[max > 0 ? Math.min(7, Math.floor((v / max) * 7.999)) : 0]))
    .join("");
}

const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

/** A run this one is compared with: the entrant's previous or best on the same challenge. */
export interface RunRefLike {
  runId: string;
  score: number;
}

export interface RunCommentInput {
  record: RunRecord;
  /** Place on the challenge's board (record/ranking.ts), or null when the entry is not on it. */
  rank: { rank: number; total: number } | null;
  /** The entry's current challenge (the board it is on). */
  currentChallenge: string;
  /** Every challenge id, for the `/challenge` hint. */
  challengeIds: readonly string[];
  /** The entrant's latest and best run on this challenge before this one, when there were any. */
  previous: RunRefLike | null;
  best: RunRefLike | null;
  /** Link to the run page, or null. */
  runUrl: string | null;
  /** Link to the workflow run that measured it, or null. */
  workflowUrl: string | null;
  headSha: string;
}

/** A component's value as a person reads it: ratios as percentages, other units as recorded. */
export function formatValue(value: number | null, unit: string): string {
  if (value === null) return "–";
  if (unit === "ratio") return componentValue(value, unit);
  return `${num(value)} ${md(unit)}`;
}

/** "+3.5" / "−2" / "±0": the change from `from` to `to`. */
function delta(to: number, from: number): string {
  const d = Math.round((to - from) * 100) / 100;
  return d > 0 ? `+${num(d)}` : d < 0 ? `−${num(-d)}` : "±0";
}

/** GitHub refuses comments above 65,536 characters; this leaves room for the cut note. */
export const MAX_COMMENT_CHARS = 60_000;

/** Cuts a body that is too long at a line break, closes an open code block and says so. */
export function capComment(body: string, max = MAX_COMMENT_CHARS): string {
  if (body.length <= max) return body;
  const note =
    "\n\n_The rest was cut: a comment holds at most 65,536 characters. The run page has everything._\n";
  let cut = body.slice(0, max - note.length - 8);
  cut = cut.slice(0, Math.max(0, cut.lastIndexOf("\n")));
  if ((cut.match(/^```/gm)?.length ?? 0) % 2 === 1) cut += "\n```";
  return cut + note;
}

/** The verdict of an invalid run: why the platform's own measurements could not be scored. */
function invalidSection(problems: readonly string[]): string[] {
  return [
    "### Invalid run",
    "",
    "The platform's own measurements of this run do not add up, so the score is 0:",
    "",
    ...problems.map((p) => `- ${md(p)}`),
    "",
    "The components below show what was measured, for diagnosis only.",
    "",
  ];
}

/** The change against the entrant's previous and best run on this challenge. */
function comparison(c: RunCommentInput): string[] {
  const r = c.record;
  const parts: string[] = [];
  if (c.previous)
    parts.push(`${delta(r.score, c.previous.score)} against your previous run (${num(c.previous.score)})`);
  if (c.best) parts.push(`${delta(r.score, c.best.score)} against your best (${num(c.best.score)})`);
  return [parts.length ? `Change: ${parts.join(", ")}.` : `Your first run on ${r.challenge}.`, ""];
}

/** The score line: the figure, its unit, whether the run was invalid, for whom and which commit. */
function scoreLine(c: RunCommentInput, invalid: boolean): string {
  const r = c.record;
  const unit = r.scoreUnit === "seconds" ? " s" : " points";
  return `**Score: ${num(r.score)}${unit}**${invalid ? " (**invalid run**)" : ""} for @${r.login} at \`${c.headSha.slice(0, 7)}\` (run \`${r.runId}\`)`;
}

/** Where the entry stands on the challenge's board, or why it is not on it. */
function rankLine(c: RunCommentInput): string {
  const r = c.record;
  return c.rank
    ? `Rank on the ${r.challenge} board: **${c.rank.rank} of ${c.rank.total}**`
    : `Not on the ${r.challenge} board: your current challenge is ${md(c.currentChallenge)}.`;
}

/** The score's components, one table row each. */
function componentTable(r: RunRecord): string[] {
  return [
    "| component | value | points | max | how |",
    "| --- | --- | ---: | ---: | --- |",
    ...r.components.map(
      (k) =>
        `| ${md(k.label)} | ${formatValue(k.value, k.unit)} | ${num(k.points)} | ${num(k.maxPoints)} | ${md(k.explanation)} |`,
    ),
    "",
  ];
}

/** The checks that failed, before or under load; nothing when every check passed. */
function verificationSection(r: RunRecord): string[] {
  const v = r.verification;
  const failed = v.checks.filter((k) => !k.passed);
  if (v.passed && !failed.length && !v.duringLoad.failed) return [];
  const lines = ["### Verification failures", ""];
  for (const k of failed) lines.push(`- **${md(k.name)}**: ${md(k.detail)}`);
  if (v.duringLoad.failed) {
    lines.push(`- ${v.duringLoad.failed} of ${v.duringLoad.checked} responses under load had a wrong body`);
  }
  if (!v.passed) lines.push("", "Verification failed, so the score is 0.");
  lines.push("");
  return lines;
}

/** A sparkline of the requests per second over the run; nothing when the record has none. */
function rpsSection(r: RunRecord): string[] {
  const rps = r.series.values.rps ?? [];
  if (!rps.length) return [];
  const peak = Math.max(0, ...rps.filter((v): v is number => v !== null));
  return [
    `Requests per second over the run (peak ${num(peak)} req/s, one bar ≈ ${num((rps.length * r.series.stepSeconds) / Math.min(60, rps.length))} s):`,
    "",
    "```text",
    sparkline(rps),
    "```",
    "",
  ];
}

/** Restarts and faults, the links to the run page and the workflow run, and the `/challenge` hint. */
function footer(c: RunCommentInput): string[] {
  const r = c.record;
  const lines = [`Restarts: ${r.restarts}. Faults injected: ${r.faults.length}.`];
  const links = [
    ...(c.runUrl ? [`[The whole run, with charts](${c.runUrl})`] : []),
    ...(c.workflowUrl ? [`[The workflow run that measured it](${c.workflowUrl})`] : []),
  ];
  if (links.length) lines.push("", links.join(" · "));
  lines.push(
    "",
    `To enter another challenge, comment \`/challenge <id>\` on this PR with one of: ${c.challengeIds.map((id) => `\`${id}\``).join(", ")}.`,
  );
  return lines;
}

/** The comment (and summary) for a scored run. */
export function renderRunComment(c: RunCommentInput): string {
  const r = c.record;
  const invalid = r.integrity !== undefined && !r.integrity.valid;
  const lines = [
    commentMarker(r.login),
    `## SRE Chaos Challenge: ${r.challenge}`,
    "",
    scoreLine(c, invalid),
    "",
    ...(invalid ? invalidSection(r.integrity!.problems) : []),
    ...(r.integrity?.cautions?.length ? cautionSection(r.integrity.cautions, "###") : []),
    ...comparison(c),
    rankLine(c),
    "",
    ...componentTable(r),
    ...(r.failure ? failureComment(r.failure) : []),
    ...verificationSection(r),
    ...rpsSection(r),
    ...footer(c),
  ];
  return lines.join("\n") + "\n";
}

/** The comment when the entry broke a folder rule and was not run. */
export function renderInvalidComment(
  login: string,
  headSha: string,
  violations: readonly ArtifactViolation[],
): string {
  return (
    [
      commentMarker(login),
      "## SRE Chaos Challenge: entry not run",
      "",
      `The entry at \`${headSha.slice(0, 7)}\` breaks ${violations.length} rule(s), so it was not built or scored:`,
      "",
      ...violations.map((v) => `- ${code(v.file)} [${md(v.rule)}] ${md(v.message)}`),
      "",
      "Run `sre-chaos validate " + login + "` locally to check it before pushing.",
    ].join("\n") + "\n"
  );
}

/** Creates the login's comment on the PR, or updates the one carrying its marker. */
export async function upsertComment(
  api: GitHubApi,
  pr: number,
  login: string,
  body: string,
): Promise<{ id: number; created: boolean }> {
  const marker = commentMarker(login);
  body = capComment(body);
  // Only our bot's comment counts: anyone, another bot too, can paste the marker into a comment.
  const existing = (await api.listIssueComments(pr)).find(
    (c) => c.body.startsWith(marker) && c.userLogin === BOT_LOGIN,
  );
  if (existing) {
    await api.updateComment(existing.id, body);
    return { id: existing.id, created: false };
  }
  return { id: (await api.createComment(pr, body)).id, created: true };
}

/**
 * Why the entry never became healthy: the container's state, the end of its own log and its
 * healthcheck's output. Log text is the entry's (hostile): it goes only into code blocks that no
 * line can close (record/failure.ts), and the facts through `md`.
 */
export function failureComment(f: EntryFailure): string[] {
  const facts = failureFacts(f)
    .map(([k, v]) => `${k} **${md(v)}**`)
    .join(" · ");
  const lines = ["### Why the entry failed", "", md(failureHeadline(f)), "", facts, ""];
  if (f.logTail.length) {
    lines.push(
      "<details open><summary>The last lines of its log</summary>",
      "",
      ...markdownCodeBlock(f.logTail),
      "",
      "</details>",
      "",
    );
  } else lines.push("The entry logged nothing.", "");
  if (f.healthLog.length) {
    lines.push(
      "<details><summary>What its healthcheck printed</summary>",
      "",
      ...markdownCodeBlock(healthLogLines(f)),
      "",
      "</details>",
      "",
    );
  }
  return lines;
}
