/**
 * The sticky PR comment and the job summary: one Markdown text, found again by a hidden marker and
 * updated in place so reruns never stack comments (STYLE 13). Record text is untrusted (it came from
 * an artifact), so every string from it is escaped before it reaches Markdown.
 */
import type { EntryRecord } from "../../record/entry-record.ts";
import type { RunRecord } from "../../record/run-record.ts";
import type { ArtifactViolation } from "./artifact.ts";
import type { GitHubApi } from "./github.ts";

/** Text inside a code span: no backticks or line breaks can end it early. */
export const code = (text: string) => "`" + text.replace(/[`\r\n]/g, " ").slice(0, 300) + "`";

/** The hidden marker of a login's comment. */
export const commentMarker = (login: string) => `<!-- sre-chaos:comment login=${login} -->`;

/** Escapes text for a Markdown table cell or line: no HTML, no mentions, no table breaks. */
export function md(text: string): string {
  return text
    .replace(/[\r\n]+/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\\`*_[\]|#~!]/g, (c) => `\\${c}`)
    .replace(/@/g, "@\u200b")
    .slice(0, 500);
}

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

/** 1 + how many other entries' best on this challenge beat this score; total = ranked entries incl. this one. */
export function rankOf(entries: readonly EntryRecord[], record: RunRecord): { rank: number; total: number } {
  const others = entries
    .filter((e) => e.login.toLowerCase() !== record.login.toLowerCase())
    .map((e) => e.runs[record.challenge]?.best.score)
    .filter((s): s is number => s !== undefined);
  return { rank: 1 + others.filter((s) => s > record.score).length, total: others.length + 1 };
}

export interface RunCommentInput {
  record: RunRecord;
  rank: { rank: number; total: number };
  /** Link to the run page, or null. */
  runUrl: string | null;
  headSha: string;
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

/** The comment (and summary) for a scored run. */
export function renderRunComment(c: RunCommentInput): string {
  const r = c.record;
  const unit = r.scoreUnit === "seconds" ? " s" : " points";
  const invalid = r.integrity !== undefined && !r.integrity.valid;
  const lines = [
    commentMarker(r.login),
    `## SRE Chaos Challenge: ${r.challenge}`,
    "",
    `**Score: ${num(r.score)}${unit}**${invalid ? " (**invalid run**)" : ""} for @${r.login} at \`${c.headSha.slice(0, 7)}\` (run \`${r.runId}\`)`,
    "",
    ...(invalid ? invalidSection(r.integrity!.problems) : []),
    `Rank on the ${r.challenge} board if this were your best: **${c.rank.rank} of ${c.rank.total}**`,
    "",
    "| component | value | points | max | how |",
    "| --- | --- | ---: | ---: | --- |",
    ...r.components.map(
      (k) =>
        `| ${md(k.label)} | ${k.value === null ? "–" : `${num(k.value)} ${md(k.unit)}`} | ${num(k.points)} | ${num(k.maxPoints)} | ${md(k.explanation)} |`,
    ),
    "",
  ];
  const failed = r.verification.checks.filter((k) => !k.passed);
  if (!r.verification.passed || failed.length || r.verification.duringLoad.failed) {
    lines.push("### Verification failures", "");
    for (const k of failed) lines.push(`- **${md(k.name)}**: ${md(k.detail)}`);
    if (r.verification.duringLoad.failed) {
      lines.push(
        `- ${r.verification.duringLoad.failed} of ${r.verification.duringLoad.checked} responses under load had a wrong body`,
      );
    }
    if (!r.verification.passed) lines.push("", "Verification failed, so the score is 0.");
    lines.push("");
  }
  const rps = r.series.values.rps ?? [];
  if (rps.length) {
    const peak = Math.max(0, ...rps.filter((v): v is number => v !== null));
    lines.push(
      `Requests per second over the run (peak ${num(peak)} req/s, one bar ≈ ${num((rps.length * r.series.stepSeconds) / Math.min(60, rps.length))} s):`,
      "",
      "```text",
      sparkline(rps),
      "```",
      "",
    );
  }
  lines.push(`Restarts: ${r.restarts}. Faults injected: ${r.faults.length}.`);
  if (c.runUrl) lines.push("", `[The whole run, with charts](${c.runUrl})`);
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
  // Only a bot's comment counts: anyone can paste the marker into a comment of their own.
  const existing = (await api.listIssueComments(pr)).find(
    (c) => c.body.startsWith(marker) && c.userLogin.endsWith("[bot]"),
  );
  if (existing) {
    await api.updateComment(existing.id, body);
    return { id: existing.id, created: false };
  }
  return { id: (await api.createComment(pr, body)).id, created: true };
}
