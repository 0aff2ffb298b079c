/**
 * The model of one run's page (pure): the record in, charts (inline SVG strings built by charts.ts, all
 * text escaped there) and plain rows out. Why points were lost is the point of this page, so every
 * component's explanation and every failed check is shown in full.
 */
import type { RunRecord, SeriesName } from "../record/run-record.ts";
import { failureFacts, failureHeadline, healthLogLines, type EntryFailure } from "../record/failure.ts";
import { lineChart, type Line } from "./charts.ts";
import { paths } from "./links.ts";
import { componentValue } from "./format.ts";
import { formatDate, formatScore, type PageBase, type SiteContext } from "./view-model.ts";

export interface RunPage extends PageBase {
  kind: "run";
  runId: string;
  login: string;
  challenge: string;
  challengeTitle: string;
  contributorHref: string;
  boardHref: string;
  description: string | null;
  score: string;
  passed: boolean;
  /** The platform found its own measurements implausible: the run is invalid (score 0). */
  invalid: boolean;
  /** Why, one sentence each (empty when valid or not checked). */
  problems: string[];
  /** What qualifies the figures without invalidating them (the load path fell behind). */
  cautions: string[];
  started: string;
  finished: string;
  restarts: number;
  charts: string[];
  components: { label: string; value: string; points: string; maxPoints: string; explanation: string }[];
  checks: { name: string; passed: boolean; detail: string }[];
  duringLoad: { checked: number; failed: number };
  faults: { action: string; target: string; start: string; end: string; params: string }[];
  phases: { name: string; start: string; end: string; rate: string }[];
  provenance: { label: string; value: string }[];
  /** Why the entry never became healthy (record/failure.ts); null when it did. */
  failure: FailureView | null;
}

/** The failure as the page shows it; the template escapes every string. */
export interface FailureView {
  headline: string;
  facts: { label: string; value: string }[];
  log: string;
  healthLog: string;
}

function failureView(f: EntryFailure): FailureView {
  return {
    headline: failureHeadline(f),
    facts: failureFacts(f).map(([label, value]) => ({ label, value })),
    log: f.logTail.join("\n"),
    healthLog: healthLogLines(f).join("\n"),
  };
}

function num(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined) return "—";
  return String(Math.round(v * 10 ** digits) / 10 ** digits);
}

/** The chart definitions: which series go together, and their units. */
const CHARTS: {
  title: string;
  unit: string;
  lines: [SeriesName, string][];
  yMax?: number;
  scale?: number;
}[] = [
  { title: "Throughput", unit: "req/s", lines: [["rps", "req/s"]] },
  {
    title: "Latency",
    unit: "ms",
    lines: [
      ["p50", "p50"],
      ["p95", "p95"],
      ["p99", "p99"],
    ],
  },
  {
    title: "Errors",
    unit: "per s",
    lines: [
      ["errors", "errors"],
      ["dropped", "dropped"],
    ],
  },
  { title: "Availability", unit: "%", lines: [["availability", "probe"]], yMax: 100, scale: 100 },
  { title: "CPU", unit: "cores", lines: [["cpu", "cpu"]] },
  { title: "Memory", unit: "MiB", lines: [["memory", "memory"]] },
];

/** The run's charts: one per CHARTS entry whose series the record has, faults and phases marked. */
function runCharts(r: Omit<RunRecord, "measurements">) {
  const step = r.series.stepSeconds;
  const spans = r.faults.map((f) => ({ label: `${f.action} ${f.target}`, start: f.start, end: f.end }));
  const markers = r.phases.map((p) => ({ label: p.name, at: p.start }));
  return CHARTS.filter((c) => c.lines.some(([k]) => r.series.values[k] !== undefined)).map((c) => {
    const lines: Line[] = c.lines
      .filter(([k]) => r.series.values[k] !== undefined)
      .map(([k, name]) => ({
        name,
        values: c.scale
          ? r.series.values[k]!.map((v) => (v === null ? null : v * c.scale!))
          : r.series.values[k]!,
      }));
    return lineChart({
      title: c.title,
      unit: c.unit,
      stepSeconds: step,
      lines,
      spans,
      markers,
      yMax: c.yMax,
    });
  });
}

/** Where the run's figures came from, one row each (null: not known). */
function provenanceRows(p: RunRecord["provenance"]): [string, string | number | null][] {
  return [
    ["repository", p.repository],
    ["pull request", p.pullRequest],
    ["head SHA", p.headSha],
    [
      "workflow run",
      p.workflowRunId === null ? null : `${p.workflowRunId} (attempt ${p.workflowRunAttempt ?? 1})`,
    ],
    ["harness", `${p.harnessVersion}${p.harnessCommit ? ` (${p.harnessCommit})` : ""}`],
    ["entry image", p.entryImageDigest],
    ["load generator", p.loadGenerator],
    ["Prometheus", p.prometheusVersion],
    ["CPU", `${p.cpuModel} × ${p.cpuCount}`],
    ["CPU placement", `entry ${p.cpuPlacement.entry}, load ${p.cpuPlacement.load}`],
    [
      "calibration",
      p.calibration
        ? Object.entries(p.calibration)
            .map(([k, v]) => `${k} ${num(v)}`)
            .join(", ")
        : null,
    ],
    ["scale", p.scale],
    ["where", p.local ? "local run (not published)" : "CI"],
  ];
}

/** Builds a run page's model from a full record and the site context. */
export function runPage(r: Omit<RunRecord, "measurements">, ctx: SiteContext): RunPage {
  const dir = paths.run(r.runId);
  const charts = runCharts(r);
  const provenance = provenanceRows(r.provenance);
  return {
    ...ctx.base(dir, `${r.login} · ${ctx.titleOf(r.challenge)} · ${r.runId}`),
    kind: "run",
    runId: r.runId,
    login: r.login,
    challenge: r.challenge,
    challengeTitle: ctx.titleOf(r.challenge),
    contributorHref: ctx.link.href(dir, paths.contributor(r.login)),
    boardHref: ctx.link.href(dir, paths.board(r.challenge)),
    description: r.description,
    score: formatScore(r.score, r.scoreUnit),
    passed: r.verification.passed,
    invalid: r.integrity !== undefined && !r.integrity.valid,
    problems: r.integrity?.problems ?? [],
    cautions: r.integrity?.cautions ?? [],
    started: formatDate(r.startedAt),
    finished: formatDate(r.finishedAt),
    restarts: r.restarts,
    charts,
    components: r.components.map((c) => ({
      label: c.label,
      value: c.value === null ? "not measured" : componentValue(c.value, c.unit),
      points: num(c.points),
      maxPoints: num(c.maxPoints),
      explanation: c.explanation,
    })),
    checks: r.verification.checks,
    duringLoad: r.verification.duringLoad,
    faults: r.faults.map((f) => ({
      action: f.action,
      target: f.target,
      start: num(f.start),
      end: num(f.end),
      params: Object.entries(f.params ?? {})
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(", "),
    })),
    phases: r.phases.map((ph) => ({
      name: ph.name,
      start: num(ph.start),
      end: num(ph.end),
      rate: ph.rate === undefined ? "—" : num(ph.rate),
    })),
    provenance: provenance.map(([label, v]) => ({ label, value: v === null ? "—" : String(v) })),
    failure: r.failure ? failureView(r.failure) : null,
  };
}
