import { test } from "node:test";
import assert from "node:assert/strict";
import { code, md } from "../../../record/markdown.ts";
import { renderReport } from "../../../harness/report.ts";
import type { RunRecord } from "../../../record/run-record.ts";
import { baseRecord } from "../action/publish-fixture.ts";

const cases = [
  { case: "a mention notifies nobody", input: "thanks @octocat", expected: "thanks @\u200boctocat" },
  { case: "a team mention", input: "@org/team", expected: "@\u200borg/team" },
  {
    case: "HTML is text",
    input: "<img src=x onerror=alert(1)>",
    expected: "&lt;img src=x onerror=alert(1)&gt;",
  },
  { case: "an entity stays text", input: "&lt;", expected: "&amp;lt;" },
  { case: "a table cannot be broken", input: "a | b\nc", expected: "a \\| b c" },
  { case: "no link or image", input: "![x](http://h)", expected: "\\!\\[x\\](http://h)" },
  { case: "no emphasis or code", input: "*b* _i_ `c` ~s~", expected: "\\*b\\* \\_i\\_ \\`c\\` \\~s\\~" },
  { case: "no heading", input: "# h", expected: "\\# h" },
  { case: "a backslash is literal", input: "a\\|b", expected: "a\\\\\\|b" },
  { case: "long text is cut", input: "x".repeat(600), expected: "x".repeat(500) },
];
for (const t of cases) {
  test(`md: ${t.case}`, () => assert.equal(md(t.input), t.expected));
}

test("code: a backtick or a line break cannot end the span", () => {
  assert.equal(code("a`b\nc"), "`a b c`");
});

test("the run report escapes with the same rule: a login's mention notifies nobody", () => {
  const r = baseRecord as RunRecord;
  const checks = [{ name: "page", passed: false, detail: "hi @admin <b>" }];
  const report = renderReport({ ...r, verification: { ...r.verification, checks } });
  assert.match(report, /hi @\u200badmin &lt;b&gt;/);
  assert.doesNotMatch(report, /@admin/);
});
