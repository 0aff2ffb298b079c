import { test } from "node:test";
import assert from "node:assert/strict";
import { parseRunRecord, serializeRunRecord, type RunRecord } from "../../../record/run-record.ts";
import type { EntryFailure } from "../../../record/failure.ts";
import { createRenderer } from "../../../site/render.ts";
import { runPage } from "../../../site/run-view.ts";
import { siteContext } from "../../../site/view-model.ts";
import { renderReport } from "../../../harness/report.ts";
import { renderRunComment } from "../../../action/src/comment.ts";
import { synthRun } from "../../fixtures/results/generate.ts";

const ctx = siteContext([{ id: "robust-service", title: "Robust service", summary: "", data: {} }], "/x/");
const base = synthRun({
  login: "zed",
  challenge: "robust-service",
  seed: 3,
  at: new Date(Date.UTC(2026, 0, 2)),
  skill: 0.5,
  points: 20,
});
const EMERG = 'nginx: [emerg] unknown directive "listne" in /etc/nginx/conf.d/default.conf:2';
const failure: EntryFailure = {
  kind: "restart-loop",
  state: "restarting",
  health: "starting",
  exitCode: 1,
  restarts: 5,
  oomKilled: false,
  waitedSeconds: 4,
  logTail: ["<img src=x onerror=alert(1)> @octocat", EMERG],
  healthLog: [
    { exitCode: 1, output: ["wget: can't connect to remote host (127.0.0.1): Connection refused"] },
  ],
};
const record: RunRecord = {
  ...base,
  score: 0,
  verification: { ...base.verification, passed: false },
  failure,
};
const render = createRenderer();

test("a failure survives the record's round trip (schema-validated)", () => {
  const back = parseRunRecord(serializeRunRecord(record), "test");
  assert.deepEqual(back.failure, failure);
});

test("report, PR comment and run page show the same facts: state, exit code, restarts, log, healthcheck", () => {
  const html = render(runPage(record, ctx));
  const comment = renderRunComment({
    record,
    rank: null,
    currentChallenge: "robust-service",
    challengeIds: ["robust-service"],
    previous: null,
    best: null,
    runUrl: null,
    workflowUrl: null,
    headSha: "0".repeat(40),
  });
  const report = renderReport(record);
  const headline =
    "The container keeps crashing: it restarted 5 times without becoming healthy (last exit code 1).";
  for (const [name, text] of [
    ["report", report],
    ["comment", comment],
  ] as const) {
    assert.ok(text.includes(headline), name);
    assert.ok(text.includes(EMERG), name);
    assert.match(text, /Connection refused/, name);
    assert.doesNotMatch(text, /@octocat/, `${name}: no mention`);
  }
  assert.ok(report.includes("| restarting | starting | 1 | 5 | no |"), report);
  assert.ok(
    comment.includes("state **restarting** · health **starting** · exit code **1** · restarts **5**"),
    comment,
  );
  assert.ok(html.includes(`<h2>Why the entry failed</h2>\n<p>${headline}</p>`));
  assert.match(html, /<dt>restarts<\/dt><dd>5<\/dd>/);
  assert.match(html, /<dt>exit code<\/dt><dd>1<\/dd>/);
  assert.ok(html.includes("nginx: [emerg] unknown directive &quot;listne&quot;"), "the emerg line, escaped");
  assert.ok(html.includes("&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;"), "markup in a log line is text");
  assert.ok(!html.includes("<img"));
  assert.match(html, /What its healthcheck printed/);
});

test("a run without a failure shows no failure section anywhere", () => {
  assert.doesNotMatch(render(runPage(base, ctx)), /Why the entry failed/);
  assert.doesNotMatch(renderReport(base), /Why the entry failed/);
});
