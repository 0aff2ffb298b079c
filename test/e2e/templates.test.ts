/**
 * Every template `sre-chaos new --template` offers is a working entry: made by the CLI, built on its
 * local stand-in base image and run through the real harness (gate, calibration, load, chaos,
 * scoring), it passes verification and scores above 0. Six runs at a small scale (SCALE below;
 * longest-upkeep at 0.25 so that its faults stay seconds apart): each template on the two
 * challenges whose faults reach a different part of it — graceful-degradation (every endpoint
 * under steady load, then overload while the dependency is slow and flaky: its quote cache) and
 * longest-upkeep (kills and a pause: its restart policy and healthcheck). robust-service adds no
 * code path of its own (the same endpoints under rising load; a 26-step ladder that makes it the
 * longest run): its first question (does the app serve its first step's rate?) is asked of
 * graceful-degradation's warm phase instead, and orderings.test.ts runs the default template
 * through all three.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { provisionSandbox } from "../../sandbox/provision.ts";
import { runEntry } from "../../harness/run.ts";
import { TEMPLATES } from "../../harness/entry/paths.ts";
import type { RunRecord } from "../../record/run-record.ts";
import { loadChallenge } from "../../harness/challenge-files.ts";
import { cli, leftoverContainers, REPO, SharedReference, tempRoot, type TempRoot } from "./helpers.ts";

/** Each run's report is kept here (git-ignored), to read after a failure. */
const ARTIFACTS = join(REPO, "test-artifacts", "templates");

const SCALE = { "graceful-degradation": 0.1, "longest-upkeep": 0.25 } as const;
const CHALLENGES = Object.keys(SCALE) as (keyof typeof SCALE)[];

let t: TempRoot;
/** What is asserted is each template's own score: one measured reference per challenge serves all. */
const shared = new SharedReference();

/** robust-service's first step (req/s), from its challenge file. */
let firstStepRate = 0;

before(async () => {
  await provisionSandbox({ log: () => undefined });
  t = tempRoot();
  const rs = await loadChallenge("robust-service");
  assert.ok(rs.steps, "robust-service has a step ladder");
  firstStepRate = rs.steps.startRate;
});
after(() => t?.cleanup());

/**
 * The compiled and interpreted ones first. nginx is not run here: it is the `sre-chaos new` default,
 * and orderings.test.ts runs it through all three challenges (and asserts more than a positive score).
 */
const ORDER = ["go", "python", "node"] as const;
const COVERED_ELSEWHERE = ["nginx"];

test("the order below, with the default template, covers every template", () => {
  assert.deepEqual([...ORDER, ...COVERED_ELSEWHERE].sort(), [...TEMPLATES].sort());
});

for (const template of ORDER) {
  test(`template ${template}: scores above 0 on ${CHALLENGES.join(" and ")}`, async () => {
    const login = `tpl-${template}`;
    const made = cli(t.root, ["new", login, "--template", template]);
    assert.equal(made.status, 0, made.stderr);
    assert.match(made.stdout, new RegExp(`from templates/${template}`));
    for (const challenge of CHALLENGES) {
      const started = Date.now();
      const outDir = join(t.root, "out", login, challenge);
      const { record } = await runEntry({
        root: t.root,
        login,
        challenge,
        scale: SCALE[challenge],
        outDir,
        recordedReference: shared.for(challenge),
      });
      shared.keep(record, join(outDir, "run.json"));
      mkdirSync(ARTIFACTS, { recursive: true });
      copyFileSync(join(outDir, "report.md"), join(ARTIFACTS, `${template}-${challenge}.md`));
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      const failed = record.verification.checks.filter((c) => !c.passed);
      assert.equal(
        record.verification.passed,
        true,
        `${template} on ${challenge}: ${JSON.stringify(failed)}`,
      );
      assert.ok(
        record.score > 0,
        `${template} on ${challenge} scored ${record.score}: ${JSON.stringify(record.components)}`,
      );
      if (challenge === "graceful-degradation") holdsSteadyLoad(record, firstStepRate);
      console.log(`# ${template} on ${challenge}: ${record.score} ${record.scoreUnit} (${seconds} s)`);
      assert.deepEqual(leftoverContainers(record.runId), [], "the stack was torn down");
    }
  });
}

/**
 * What robust-service asks first, on graceful-degradation's warm phase (constant load, dependency
 * healthy): at least its first step's rate of ok answers a second. The warm phase offers half the
 * reference's capacity, more than some templates serve on 0.25 CPU (node answered 1,954 of 2,090
 * once, about 650 ok req/s), so that share is not asserted; robust-service's first step is.
 */
function holdsSteadyLoad(record: RunRecord, firstStepRate: number): void {
  const warm = record.measurements?.entry?.phases.find((p) => p.name === "warm");
  assert.ok(warm, `${record.login}: the record carries its warm phase`);
  const okPerSecond = warm.counts.ok / (warm.end - warm.start);
  assert.ok(
    okPerSecond >= firstStepRate,
    `${record.login}: ${okPerSecond.toFixed(0)} ok req/s while warm, below robust-service's first step (${firstStepRate} req/s)`,
  );
}
