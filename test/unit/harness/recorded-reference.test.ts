/**
 * The test-only recorded reference: read from an earlier run's record, refused with a message
 * naming the file and the reason when that record cannot serve as this run's calibration.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readRecordedReference } from "../../../harness/recorded-reference.ts";
import { expandMeasurements } from "../../../record/measurements-record.ts";
import { scoreRun } from "../../../scoring/score.ts";
import { def } from "../scoring/synthetic.ts";
import { scoredRecord } from "../action/publish-fixture.ts";

function withRecordFile(content: unknown, fn: (file: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "recorded-ref-"));
  try {
    const file = join(dir, "run.json");
    writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
    fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a valid run of the same challenge and scale gives its reference, which scores as the original did", () => {
  const record = scoredRecord("graceful-degradation");
  withRecordFile(record, (file) => {
    const got = readRecordedReference(file, "graceful-degradation", record.provenance.scale);
    assert.equal(got.runId, record.runId);
    assert.deepEqual(got.reference.phases, record.measurements?.reference?.phases);
    assert.ok(got.reference.phases.length > 0);
    const entry = expandMeasurements(record.measurements!).entry;
    const again = scoreRun(def("graceful-degradation"), entry, got.reference, {
      passed: true,
      wrongBodyRatio: 0,
    });
    assert.equal(again.score, record.score);
  });
});

test("a record that cannot serve is refused, naming the file and why", () => {
  const rs = scoredRecord();
  const scale = rs.provenance.scale;
  const cases: { case: string; content: unknown; err: RegExp }[] = [
    {
      case: "another challenge's run",
      content: scoredRecord("graceful-degradation"),
      err: /run\.json: it is a graceful-degradation run; this run is robust-service/,
    },
    {
      case: "another scale",
      content: { ...rs, provenance: { ...rs.provenance, scale: scale * 2 } },
      err: new RegExp(`it ran at scale ${scale * 2}; this run is at scale ${scale}`),
    },
    {
      case: "no reference measurements",
      content: { ...rs, measurements: { ...rs.measurements, reference: null } },
      err: /no reference measurements/,
    },
    {
      case: "a run whose own reference was recorded",
      content: {
        ...rs,
        provenance: { ...rs.provenance, referenceRecordedFrom: "20260101T000000Z-00000000" },
      },
      err: /its own reference was recorded/,
    },
    {
      case: "an invalid run",
      content: { ...rs, integrity: { valid: false, problems: ["the load was cut short"] } },
      err: /the run is invalid \(the load was cut short\)/,
    },
    { case: "not a run record", content: "{ nope", err: /recorded reference .*run\.json/ },
  ];
  for (const c of cases)
    withRecordFile(c.content, (file) =>
      assert.throws(() => readRecordedReference(file, "robust-service", scale), c.err, c.case),
    );
  assert.throws(
    () => readRecordedReference("/nonexistent/run.json", "robust-service", scale),
    /recorded reference \/nonexistent\/run.json: cannot be read/,
  );
});
