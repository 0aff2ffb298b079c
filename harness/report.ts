/** The readable report of a run (report.md and the CLI's closing output). Pure: record in, Markdown out. */
import { cautionSection } from "../record/cautions.ts";
import { md } from "../record/markdown.ts";
import type { RunRecord } from "../record/run-record.ts";
import {
  failureFacts,
  failureHeadline,
  healthLogLines,
  markdownCodeBlock,
  type EntryFailure,
} from "../record/failure.ts";

const fmt = (n: number | null, digits = 1): string =>
  n === null ? "–" : Number.isInteger(n) ? String(n) : n.toFixed(digits);

/** The report of one run: the verdict first (invalid, failed verification), then every figure behind the score. */
export function renderReport(r: RunRecord): string {
  const unit = r.scoreUnit === "seconds" ? " s" : " points";
  return [
    `# ${r.challenge}: ${md(r.login)} scored ${fmt(r.score)}${unit}`,
    "",
    `Run \`${r.runId}\`, ${r.startedAt} → ${r.finishedAt}, scale ${r.provenance.scale}.`,
    "",
    ...verdictSection(r),
    ...scoreSection(r),
    ...verificationSection(r),
    ...phasesSection(r),
    ...chaosSection(r),
    `Restarts of the entry during the run: ${r.restarts}.`,
    "",
    ...provenanceSection(r.provenance),
  ].join("\n");
}

/** An invalid run, an entry that never became healthy, a failed verification: said before any figure. */
function verdictSection(r: RunRecord): string[] {
  const lines: string[] = [];
  if (r.integrity && !r.integrity.valid) {
    lines.push(
      "## INVALID RUN: the score is 0",
      "",
      "The platform's own measurements of this run do not add up, so nothing in it can be scored:",
      "",
      ...r.integrity.problems.map((p) => `- ${md(p)}`),
      "",
      "The components below show what was measured, for diagnosis only.",
      "",
    );
  }
  if (r.integrity?.cautions?.length) lines.push(...cautionSection(r.integrity.cautions, "##"));
  if (r.failure) lines.push(...failureSection(r.failure));
  if (!r.verification.passed) {
    lines.push(
      "**Verification failed: the score is 0.** The platform checks every endpoint of the contract with fresh nonces before any load:",
      "",
    );
  }
  return lines;
}

function scoreSection(r: RunRecord): string[] {
  return [
    "## Score",
    "",
    "| component | measured | points | of | why |",
    "| --- | --- | ---: | ---: | --- |",
    ...r.components.map(
      (c) =>
        `| ${md(c.label)} | ${fmt(c.value, 2)} ${md(c.unit)} | ${fmt(c.points, 1)} | ${fmt(c.maxPoints, 0)} | ${md(c.explanation)} |`,
    ),
    `| **total** | | **${fmt(r.score, 1)}** | | |`,
    "",
  ];
}

function verificationSection(r: RunRecord): string[] {
  const d = r.verification.duringLoad;
  return [
    "## Verification",
    "",
    "| check | result | detail |",
    "| --- | --- | --- |",
    ...r.verification.checks.map(
      (c) => `| ${md(c.name)} | ${c.passed ? "pass" : "**FAIL**"} | ${md(c.detail)} |`,
    ),
    "",
    `During load: ${d.checked} responses checked, ${d.failed} with a wrong body.`,
    "",
  ];
}

function phasesSection(r: RunRecord): string[] {
  if (!r.phases.length) return [];
  return [
    "## Phases",
    "",
    "| phase | from (s) | to (s) | target rate |",
    "| --- | ---: | ---: | ---: |",
    ...r.phases.map((p) => `| ${md(p.name)} | ${fmt(p.start)} | ${fmt(p.end)} | ${fmt(p.rate ?? null, 0)} |`),
    "",
  ];
}

function chaosSection(r: RunRecord): string[] {
  if (!r.faults.length) return [];
  const row = (f: RunRecord["faults"][number]) => {
    const params = Object.entries(f.params ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(", ");
    return `| ${md(f.action)} | ${md(f.target)} | ${fmt(f.start)} | ${fmt(f.end)} | ${md(params)} |`;
  };
  return [
    "## Chaos",
    "",
    "| fault | target | from (s) | to (s) | parameters |",
    "| --- | --- | ---: | ---: | --- |",
    ...r.faults.map(row),
    "",
  ];
}

function provenanceSection(p: RunRecord["provenance"]): string[] {
  return [
    "## Provenance",
    "",
    `- harness ${p.harnessVersion}${p.harnessCommit ? ` (${p.harnessCommit.slice(0, 12)})` : ""}, load generator ${md(p.loadGenerator)}, Prometheus ${p.prometheusVersion ?? "?"}`,
    `- entry image ${p.entryImageDigest ?? "?"}`,
    `- ${p.cpuCount} × ${md(p.cpuModel)}; entry on CPU ${p.cpuPlacement.entry}, load on CPU ${p.cpuPlacement.load}`,
    ...(p.calibration
      ? [
          `- calibration: ${Object.entries(p.calibration)
            .map(([k, v]) => `${k} = ${fmt(v)}`)
            .join(", ")}${recordedNote(p.referenceRecordedFrom)}`,
        ]
      : []),
    ...(p.repository
      ? [
          `- ${p.repository}${p.pullRequest ? ` PR #${p.pullRequest}` : ""}${p.headSha ? ` at ${p.headSha.slice(0, 12)}` : ""}`,
        ]
      : []),
    "",
  ];
}

/** Why the entry never became healthy: its container's state, its own log and its healthcheck's output. */
export function failureSection(f: EntryFailure): string[] {
  const facts = failureFacts(f);
  const lines = [
    "## Why the entry failed",
    "",
    md(failureHeadline(f)),
    "",
    `| ${facts.map(([k]) => k).join(" | ")} |`,
    `| ${facts.map(() => "---").join(" | ")} |`,
    `| ${facts.map(([, v]) => md(v)).join(" | ")} |`,
    "",
  ];
  lines.push(
    f.logTail.length
      ? `The last ${f.logTail.length === 1 ? "line" : `${f.logTail.length} lines`} of the entry's log:`
      : "The entry logged nothing.",
    "",
  );
  if (f.logTail.length) lines.push(...markdownCodeBlock(f.logTail), "");
  if (f.healthLog.length)
    lines.push("What its healthcheck printed:", "", ...markdownCodeBlock(healthLogLines(f)), "");
  return lines;
}

/** Says where a recorded reference (tests only) came from; empty when the run measured its own. */
function recordedNote(from: string | undefined): string {
  return from ? ` (recorded in run ${md(from)}: a test-only shortcut, never published)` : "";
}
