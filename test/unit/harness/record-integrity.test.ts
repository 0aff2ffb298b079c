import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseRunRecord, RecordError, validateRunRecord } from "../../../record/run-record.ts";

const RUNS = fileURLToPath(new URL("../../fixtures/results/runs/", import.meta.url));
// mallory's record is hostile on purpose (the site skips it); every other one was written before the field.
const files = readdirSync(RUNS)
  .filter((login) => login !== "mallory")
  .flatMap((login) => readdirSync(join(RUNS, login)).map((f) => join(RUNS, login, f)));
const old = JSON.parse(readFileSync(files[0]!, "utf8"));

test("records from before the integrity field still validate (it is optional)", () => {
  assert.ok(files.length > 0);
  for (const f of files) {
    const r = parseRunRecord(readFileSync(f, "utf8"), f);
    assert.equal(r.integrity, undefined, f);
  }
});

test("the integrity field: a verdict with its reasons, refused when it contradicts itself or is oversized", () => {
  const cases = [
    { case: "valid", input: { valid: true, problems: [] }, expected: true },
    { case: "invalid with reasons", input: { valid: false, problems: ["a", "b"] }, expected: true },
    { case: "invalid without a reason", input: { valid: false, problems: [] }, expected: false },
    { case: "valid with a problem", input: { valid: true, problems: ["a"] }, expected: false },
    { case: "an empty reason", input: { valid: false, problems: [""] }, expected: false },
    { case: "a reason too long", input: { valid: false, problems: ["x".repeat(301)] }, expected: false },
    { case: "too many reasons", input: { valid: false, problems: Array(33).fill("x") }, expected: false },
    { case: "an unknown key", input: { valid: true, problems: [], score: 1 }, expected: false },
    { case: "valid with a caution", input: { valid: true, problems: [], cautions: ["c"] }, expected: true },
    {
      case: "a caution too long",
      input: { valid: true, problems: [], cautions: ["x".repeat(301)] },
      expected: false,
    },
    {
      case: "too many cautions",
      input: { valid: true, problems: [], cautions: Array(33).fill("x") },
      expected: false,
    },
    { case: "not an object", input: "valid", expected: false },
  ];
  for (const c of cases) {
    const record = { ...old, integrity: c.input };
    if (c.expected) assert.deepEqual(validateRunRecord(record, c.case).integrity, c.input, c.case);
    else assert.throws(() => validateRunRecord(record, c.case), RecordError, c.case);
  }
});
