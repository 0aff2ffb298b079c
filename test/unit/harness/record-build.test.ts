import { test } from "node:test";
import assert from "node:assert/strict";
import { buildRecord, type RecordInput } from "../../../harness/record-build.ts";
import { renderReport } from "../../../harness/report.ts";
import { parseRunRecord, RECORD_LIMITS, serializeRunRecord } from "../../../record/run-record.ts";
import { emptyCounts, type Measurements } from "../../../scoring/measurements.ts";

const measurements = (n: number): Measurements => ({
  stepSeconds: 1,
  duration: n,
  samples: Array.from({ length: n }, (_, t) => ({
    t,
    counts: { ...emptyCounts(), ok: 100, timeout: t === 2 ? 3 : 0 },
    dropped: 0,
    p50: 2.5,
    p95: 10,
    p99: t === 3 ? null : 20.123456,
    probeUp: t === 4 ? 0 : 1,
    cpu: 0.4,
    memory: 12.5,
  })),
  phases: [
    {
      name: "step-1",
      start: 0,
      end: n,
      targetRate: 100,
      counts: { ...emptyCounts(), ok: 100 * n, timeout: 3, wrong_body: 2 },
      byKind: { echo: emptyCounts(), page: emptyCounts(), quote: emptyCounts() },
      dropped: 0,
      p50: 2.5,
      p95: 10,
      p99: 20,
      cpuSeconds: 0.4 * n,
    },
  ],
  faults: [{ action: "pause", target: "entry", start: 1.23456, end: 2.5, params: { x: 1 } }],
  restarts: 1,
});

const input = (over: Partial<RecordInput> = {}): RecordInput => ({
  runId: "20261128T143000Z-0a1b2c3d",
  login: "demo",
  challenge: "robust-service",
  description: "a <b>bold</b> | piped entry",
  startedAt: "2026-11-28T14:30:00.000Z",
  finishedAt: "2026-11-28T14:31:00.000Z",
  score: 87.654321,
  scoreUnit: "points",
  components: [
    {
      id: "capacity",
      label: "Capacity",
      value: 1234.5678,
      unit: "req/s",
      points: 70.123,
      maxPoints: 70,
      explanation: "x",
    },
  ],
  checks: [{ name: "echo", passed: true, detail: "nonce echoed" }],
  verificationPassed: true,
  measurements: measurements(6),
  loadStart: "2026-11-28T14:30:05.000Z",
  provenance: {
    repository: null,
    pullRequest: null,
    headSha: null,
    workflowRunId: null,
    workflowRunAttempt: null,
    harnessVersion: "0.1.0",
    harnessCommit: null,
    entryImageDigest: "sha256:abc",
    loadGenerator: "sre-chaos loadgen 0.1.0",
    prometheusVersion: "2.42.0",
    cpuModel: "test cpu",
    cpuCount: 2,
    cpuPlacement: { entry: "1", load: "0" },
    calibration: { referenceCapacityRps: 900 },
    scale: 0.2,
    local: true,
  },
  integrity: { valid: true, problems: [] },
  ...over,
});

test("a built record passes the schema, round-trips, and carries the series and wrong-body counts", () => {
  const r = buildRecord(input());
  const back = parseRunRecord(serializeRunRecord(r), "test");
  assert.deepEqual(back, r);
  assert.equal(r.score, 87.65);
  assert.equal(r.series.values.rps!.length, 6);
  assert.equal(r.series.values.errors![2], 3);
  assert.equal(r.series.values.p99![3], null);
  assert.equal(r.series.values.availability![4], 0);
  assert.deepEqual(r.verification.duringLoad, { checked: 605, failed: 2 });
  assert.equal(r.faults[0]!.start, 1.23);
  assert.deepEqual(r.integrity, { valid: true, problems: [] });
});

test("failed verification forces the score to 0 and keeps the checks", () => {
  const r = buildRecord(
    input({
      verificationPassed: false,
      measurements: null,
      checks: [{ name: "echo", passed: false, detail: "nonce not echoed" }],
    }),
  );
  assert.equal(r.score, 0);
  assert.equal(r.verification.passed, false);
  assert.deepEqual(r.series.values, {});
  parseRunRecord(serializeRunRecord(r), "test");
  assert.match(renderReport(r), /Verification failed: the score is 0/);
});

test("the report escapes contributor text in tables", () => {
  const md = renderReport(
    buildRecord(input({ checks: [{ name: "x|y", passed: false, detail: "<script>alert(1)</script>" }] })),
  );
  assert.ok(!md.includes("<script>"));
  assert.ok(md.includes("x\\|y"));
  assert.match(md, /\| Capacity \| 1234\.57 req\/s \| 70\.1 \| 70 \|/);
});

test("an invalid run scores 0, keeps its measured figures and series, and says why in the report", () => {
  const problem = "entry load: 9 seconds of the load generator's series are missing";
  const r = buildRecord(input({ integrity: { valid: false, problems: [problem] } }));
  assert.equal(r.score, 0);
  assert.deepEqual(r.integrity, { valid: false, problems: [problem] });
  assert.equal(r.verification.passed, true);
  const c = r.components[0]!;
  assert.equal(c.points, 0, "the score stays the sum of the points");
  assert.equal(c.value, 1234.568, "the measured figure is kept for diagnosis");
  assert.match(c.explanation, /^Invalid run, so 0 points \(the measurements would have earned 70\.12\)\. x$/);
  assert.equal(r.series.values.rps!.length, 6);
  const back = parseRunRecord(serializeRunRecord(r), "test");
  assert.deepEqual(back, r);
  const md = renderReport(r);
  assert.match(md, /## INVALID RUN: the score is 0/);
  assert.ok(md.includes(`- ${problem}`));
});

test("the verdict follows the problems, capped to the schema's sizes", () => {
  const cases = [
    { case: "no problem", input: { valid: true, problems: [] }, expected: { valid: true, count: 0 } },
    {
      case: "invalid without a reason",
      input: { valid: false, problems: [] },
      expected: { valid: false, count: 1 },
    },
    {
      case: "a problem marked valid",
      input: { valid: true, problems: ["x"] },
      expected: { valid: false, count: 1 },
    },
    {
      case: "too many, too long",
      input: { valid: false, problems: Array.from({ length: 50 }, (_, i) => `${i} ${"y".repeat(400)}`) },
      expected: { valid: false, count: RECORD_LIMITS.maxIntegrityProblems },
    },
  ];
  for (const c of cases) {
    const r = buildRecord(input({ integrity: c.input }));
    assert.equal(r.integrity!.valid, c.expected.valid, c.case);
    assert.equal(r.integrity!.problems.length, c.expected.count, c.case);
    assert.ok(
      r.integrity!.problems.every((p) => p.length <= RECORD_LIMITS.maxProblemText),
      c.case,
    );
    assert.equal(r.score, c.expected.valid ? 87.65 : 0, c.case);
    parseRunRecord(serializeRunRecord(r), c.case);
  }
});

test("the ladder's trials go into the record; a kept index outside the trials is refused on read", () => {
  const ladder = {
    interleaved: true,
    steps: [
      {
        app: "reference" as const,
        step: "step-01",
        rate: 60,
        kept: 0,
        trials: [{ at: 0, okRps: 60, p99Ms: 4, withinSlo: true }],
      },
      {
        app: "entry" as const,
        step: "step-01",
        rate: 60,
        kept: 1,
        trials: [
          { at: 3.6, okRps: 58, p99Ms: 400, withinSlo: false },
          { at: 10.8, okRps: 60, p99Ms: 5, withinSlo: true },
          { at: 17.9, okRps: 60, p99Ms: 6, withinSlo: true },
        ],
      },
    ],
  };
  const record = buildRecord(input({ ladder }));
  const json = serializeRunRecord(record, "test");
  assert.deepEqual(parseRunRecord(json, "test").ladder, ladder);
  const forged = JSON.parse(json);
  forged.ladder.steps[0].kept = 1;
  assert.throws(
    () => parseRunRecord(JSON.stringify(forged), "forged.json"),
    /forged\.json.*ladder\.steps\.0.*kept must index/s,
  );
});
