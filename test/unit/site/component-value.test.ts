/** Units a person reads: the site and the PR comment print a component's figure the same way. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatValue } from "../../../action/src/comment.ts";
import { componentValue } from "../../../site/format.ts";

const cases = [
  { value: 0, unit: "ratio", site: "0 %", comment: "0 %" },
  { value: 0.8345, unit: "ratio", site: "83.5 %", comment: "83.5 %" },
  { value: 1, unit: "ratio", site: "100 %", comment: "100 %" },
  { value: 770.123, unit: "req/s", site: "770.12 req/s", comment: "770.1 req/s" },
  { value: 2, unit: "restarts", site: "2 restarts", comment: "2 restarts" },
];
for (const c of cases) {
  test(`${c.value} ${c.unit} reads "${c.site}" on the site and "${c.comment}" in the comment`, () => {
    assert.equal(componentValue(c.value, c.unit), c.site);
    assert.equal(formatValue(c.value, c.unit), c.comment);
  });
}

test("nothing measured reads as a dash in the comment", () => {
  assert.equal(formatValue(null, "ratio"), "–");
});
