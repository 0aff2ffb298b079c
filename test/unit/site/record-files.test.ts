import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serializeRunRecord } from "../../../record/run-record.ts";
import { readLoginRuns } from "../../../site/load-results.ts";
import { scanRecord } from "../../../site/record-files.mjs";
import { synthRun } from "../../fixtures/results/generate.ts";

const record = serializeRunRecord(
  synthRun({
    login: "alice",
    challenge: "robust-service",
    seed: 1,
    at: new Date(Date.UTC(2026, 10, 1)),
    skill: 0.5,
    points: 12,
    description: 'a "quoted" déjà-vu ✓ \\ description',
  }),
);

const accepts = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** The text JSON.parse reads instead of the file: the cuts replaced. */
function head(bytes: Buffer, cuts: NonNullable<ReturnType<typeof scanRecord>>): string {
  let text = "";
  let at = 0;
  for (const c of cuts) {
    text += bytes.toString("utf8", at, c.start) + c.with;
    at = c.end;
  }
  return text + bytes.toString("utf8", at);
}

test("the scan accepts only what JSON.parse accepts, and its cuts are the top-level values", () => {
  const cases = [
    "{}",
    ' {"series": [1, null, -0.5e+3]} ',
    '{"series":{},"series":2}',
    '{"ser\\u0069es":1,"series":2}',
    '{"a":{"series":[1]},"series":[2],"measurements":{"x":[1,"a"]}}',
    '{"measurements":3}',
    '{"a":01}',
    '{"a":1.}',
    '{"a":-}',
    '{"a":[1,]}',
    '{"a":tru}',
    '{"a":"\t"}',
    '{"a":"\\x"}',
    '{"a":"\\u00zz"}',
    '{"a":1}x',
    "[1]",
    "\ufeff{}",
    "",
    record,
  ];
  // And random damage to a real record: a character changed, added or removed.
  let seed = 7;
  const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
  const alphabet = ' \n{}[]",:0123456789-+.eEtrufalsn\\u/x';
  for (let k = 0; k < 3000; k++) {
    const at = rnd(record.length);
    const ch = alphabet[rnd(alphabet.length)]!;
    const cut = [
      record.slice(0, at) + ch + record.slice(at + 1),
      record.slice(0, at) + ch + record.slice(at),
    ];
    cases.push(cut[k % 2]!, record.slice(0, at) + record.slice(at + 1));
  }
  for (const text of cases) {
    const bytes = Buffer.from(text);
    const cuts = scanRecord(bytes);
    if (!cuts) continue; // parsed whole by the caller, whatever it is
    assert.ok(accepts(text), `scan accepted invalid JSON: ${JSON.stringify(text.slice(0, 80))}`);
    const whole = JSON.parse(text) as Record<string, unknown>;
    const parsed = JSON.parse(head(bytes, cuts)) as Record<string, unknown>;
    for (const c of cuts) {
      assert.deepEqual(JSON.parse(bytes.toString("utf8", c.start, c.end)), whole[c.key]);
      parsed[c.key] = whole[c.key];
    }
    assert.deepEqual(parsed, whole);
  }
  assert.deepEqual(
    scanRecord(Buffer.from(record))?.map((c) => c.key),
    ["series"],
  );
});

test("a syntax error in the series of a run that gets no page still refuses the record", () => {
  const dir = mkdtempSync(join(tmpdir(), "site-scan-"));
  try {
    const runId = JSON.parse(record).runId as string;
    mkdirSync(join(dir, "runs", "alice"), { recursive: true });
    writeFileSync(
      join(dir, "runs", "alice", `${runId}.json`),
      record.replace(/("rps": \[\s*)(\d)/, "$1-$2-"),
    );
    const r = readLoginRuns(dir, "alice", () => new Set());
    assert.equal(r.summaries.length, 0);
    assert.equal(r.skipped.length, 1);
    assert.equal(r.skipped[0]!.file, `runs/alice/${runId}.json`);
    assert.match(r.skipped[0]!.reason, /^not JSON: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
