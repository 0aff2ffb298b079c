import { test } from "node:test";
import assert from "node:assert/strict";
import { validateRunRecord, type RunRecord } from "../../../record/run-record.ts";
import { createRenderer } from "../../../site/render.ts";
import { runPage } from "../../../site/run-view.ts";
import { buildModel, siteContext, summarize } from "../../../site/view-model.ts";
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
const PROBLEM = "entry load: 9 seconds of the load generator's series are missing <script>x</script>";
const invalid: RunRecord = { ...base, score: 0, integrity: { valid: false, problems: [PROBLEM] } };
const render = createRenderer();

test("run page: an invalid run says so beside the verification, with every reason, escaped", () => {
  validateRunRecord(invalid, "test");
  const p = runPage(invalid, ctx);
  assert.equal(p.invalid, true);
  assert.deepEqual(p.problems, [PROBLEM]);
  const html = render(p);
  assert.match(html, /verification passed · <strong class="bad">invalid run \(score 0\)<\/strong>/);
  assert.match(html, /<h2>Invalid run<\/h2>/);
  assert.ok(html.includes("series are missing &lt;script&gt;x&lt;/script&gt;</li>"));
  assert.ok(!html.includes("<script>"));
});

test("run page: a valid run and a record from before the check show no verdict", () => {
  const cases = [
    { case: "valid", input: { ...base, integrity: { valid: true, problems: [] } } },
    { case: "not checked (old record)", input: base },
  ];
  for (const c of cases) {
    const p = runPage(c.input, ctx);
    assert.equal(p.invalid, false, c.case);
    assert.doesNotMatch(render(p), /invalid/i, c.case);
  }
});

test("contributor page: the run history marks an invalid run", () => {
  const m = buildModel({
    runs: [summarize(base), summarize({ ...invalid, runId: "20260103T000000Z-0a0b0c0d" })],
    entries: [],
    ctx,
    runPagesPerChallenge: 5,
  });
  const hist = m.contributors[0]!.challenges[0]!.runs;
  assert.deepEqual(
    hist.map((h) => h.invalid),
    [true, false],
  );
  assert.match(render(m.contributors[0]!), /<strong class="bad">invalid<\/strong>/);
});

test("run page: a caution (the load path fell behind) is shown, escaped, and the run stays valid", () => {
  const caution = "entry load: the load generator fell behind by up to 1.49 s <script>x</script>";
  const r: RunRecord = { ...base, integrity: { valid: true, problems: [], cautions: [caution] } };
  validateRunRecord(r, "test");
  const html = render(runPage(r, ctx));
  assert.match(html, /<h2>Caution: the platform's load path fell behind<\/h2>/);
  assert.ok(html.includes("fell behind by up to 1.49 s &lt;script&gt;x&lt;/script&gt;</li>"));
  assert.doesNotMatch(html, /invalid run/);
  assert.doesNotMatch(render(runPage(base, ctx)), /Caution/, "no caution, no section");
});
