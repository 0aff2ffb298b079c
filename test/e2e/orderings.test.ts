/**
 * The orderings an SRE expects, end to end at a small scale: entries of known quality written for
 * the tests (test/fixtures/entries/) run through each challenge with the real harness, and the
 * scores must rank them as their behaviour deserves. Thirteen runs: one per distinct scenario (a
 * failed gate is run in entry-failures.test.ts, not here). The cheat (shed-all: passes the gate, then
 * answers almost everything with an instant 503) must score strictly below the honest template in
 * every challenge; an entry with a canned echo fails verification and scores 0. Every score is
 * printed with its components so a note can quote the figures.
 *
 * The first run of robust-service is the user's path: `sre-chaos new` then `sre-chaos run`, the CLI
 * as a contributor runs it, which measures url-anvil and writes the record publish would check.
 * The first run of each challenge measures url-anvil; the others reuse its figures (SharedReference,
 * test-only), so the entries of a challenge are offered the same plan and normalized by the same
 * reference. Margins are still wide: an entry's own capacity moves between runs on a noisy 2-core
 * machine; the fixtures differ by design far more than that (see docs/CHALLENGES.md, "Test entries
 * and the orderings they prove").
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ChallengeId, Component, RunRecord } from "../../record/run-record.ts";
import { provisionSandbox } from "../../sandbox/provision.ts";
import { loadChallenge } from "../../harness/challenge-files.ts";
import { verifiedRecord } from "../../action/src/recompute.ts";
import { cli, entryImageTagExists, leftoverContainers, tempRoot, type TempRoot } from "./helpers.ts";
import { OrderingRuns } from "./ordering-runs.ts";

/** The honest entry: the template, exactly as `sre-chaos new` makes it. */
const GOOD = "good";
/**
 * On robust-service, tuned (the best known entry) must score at least this share of the template's
 * score. It is better by design, but an entry's own capacity moves by a ladder step or more between
 * runs on a shared 2-core machine, even against one shared reference: measured tuned/template
 * 1.14 (110.28 vs 97.14), 0.90 (121.23 vs 134.66; capacities 1,854 and 2,289 req/s, where the
 * template had measured 1,076 an hour before) and 0.73 (105.18 vs 144.43; 1,053 and 1,893 req/s,
 * with the load average at 7–11 from work outside the run). Only a clear inversion is a failure.
 */
const TUNED_FLOOR = 0.6;
/**
 * On graceful-degradation no order between tuned and the template is asserted: on this machine
 * either of them sometimes collapses under the overload (timeouts on every path from 1,000–2,600
 * req/s offered, when the load path's CPU saturates: docs/FAIRNESS.md) while the other holds, under the same plan
 * and reference: measured tuned/template 2.06 (107.78 vs 52.34) and 0.44 (45.87 vs 105.05) in two
 * runs of one file. Both must stay clear of the failure modes: a collapsed run scored 46–52, the
 * cheat 15.3–23.1 (its instant 503s count as answered in time; it scores more the higher the plan).
 * The cheat's goodput, the component that decides, is asserted below a quarter of theirs.
 */
const ABOVE_SHED_GD = 10;
const FIXTURES = ["tuned", "modest", "weak", "shed-all", "fragile", "slow-quote-no-cache", "canned-echo"];

let t: TempRoot;
let runs: OrderingRuns;
const run = (login: string, challenge: ChallengeId) => runs.run(login, challenge);
const started = Date.now();

before(async () => {
  await provisionSandbox({ log: () => undefined });
  t = tempRoot();
  runs = new OrderingRuns(t.root);
  const made = cli(t.root, ["new", GOOD]);
  assert.equal(made.status, 0, `sre-chaos new: ${made.stdout}\n${made.stderr}`);
  for (const name of FIXTURES) t.addFixture(name, name);
});

after(() => {
  runs?.print();
  console.log(`orderings.test.ts wall time: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  t?.cleanup();
});

function comp(record: RunRecord, id: string): Component {
  const c = record.components.find((x) => x.id === id);
  assert.ok(c, `${record.login}: no component ${id}`);
  return c;
}

/** `a` must beat `b` by at least `margin` (score units), with both figures in the message. */
function beats(a: RunRecord, b: RunRecord, margin: number): void {
  assert.ok(
    a.score >= b.score + margin,
    `${a.challenge}: ${a.login} (${a.score}) should beat ${b.login} (${b.score}) by at least ${margin}`,
  );
}

/** The template's robust-service record from the CLI test; the ordering test below compares it. */
let cliGood: RunRecord | undefined;

test("sre-chaos new + run: the template gets a valid record with a positive score that publish recomputes", async () => {
  const { record, stdout, outDir } = runs.runCli(GOOD);
  assert.equal(record.login, GOOD);
  assert.equal(record.verification.passed, true, JSON.stringify(record.verification.checks));
  assert.ok(record.score > 0, `score ${record.score}`);
  assert.deepEqual(
    record.components.map((c) => c.id),
    ["capacity", "p99-at-half-capacity", "efficiency", "errors"],
  );
  const sum = record.components.reduce((s, c) => s + c.points, 0);
  assert.ok(Math.abs(sum - record.score) < 0.05, `components sum ${sum} vs score ${record.score}`);
  const rps = record.series.values.rps ?? [];
  assert.ok(rps.length >= 6 && Math.max(...rps.map((x) => x ?? 0)) > 50, `rps series ${rps.join(",")}`);
  assert.ok((record.provenance.calibration?.referenceCapacityRps ?? 0) > 0, "reference capacity measured");
  assert.equal(record.provenance.referenceRecordedFrom, undefined, "the CLI measures its own reference");
  // Entry and reference took turns, step by step, while both climbed (docs/CHALLENGES.md).
  const ladder = record.ladder;
  assert.ok(ladder?.interleaved, "the record says the two apps took turns");
  const turns = ladder.steps
    .flatMap((s) => s.trials.map((tr) => ({ app: s.app, at: tr.at })))
    .sort((a, b) => a.at - b.at)
    .map((x) => x.app);
  assert.deepEqual(turns.slice(0, 10), Array(5).fill(["reference", "entry"]).flat(), turns.join(" "));
  // The load path's control ran on the step the template could not hold; its trials are recorded.
  const checked = record.provenance.calibration?.loadPathCheckedRps;
  assert.ok(checked && checked > comp(record, "capacity").value!, `load path checked at ${checked} req/s`);
  assert.ok(ladder.steps.some((s) => s.app === "sink" && s.rate === checked));
  assert.ok(record.verification.duringLoad.checked > 100);
  assert.match(record.provenance.entryImageDigest ?? "", /^sha256:/);
  // Publish scores the record again from the measurements it carries, and gets the same score.
  assert.ok(record.measurements?.entry, "the record carries its measurements");
  const recomputed = verifiedRecord(await loadChallenge("robust-service"), record);
  assert.equal(recomputed.score, record.score, "the record recomputes to its own score");
  assert.ok(existsSync(join(outDir, "report.md")));
  assert.match(stdout, new RegExp(`robust-service: ${GOOD} scored`));
  // No terminal here (piped output): each load phase prints its own progress from its first seconds.
  for (const label of ["reference", "entry"])
    assert.match(stdout, new RegExp(`^${label} +\\S+ +00:0\\d / \\d\\d:\\d\\d .* req/s`, "m"), label);
  assert.deepEqual(leftoverContainers(record.runId), [], "the stack was torn down");
  assert.equal(entryImageTagExists(record.login, record.runId), false, "the run's image tag was removed");
  cliGood = record;
});

test("robust-service: tuned ≥ the template > modest (capacity 400 req/s) > weak (200 req/s) > shed-all = 0", async () => {
  // The template's run is the CLI's above (it measured the reference the others reuse).
  const good = cliGood;
  assert.ok(good, "the CLI run of the template failed (see the test before this one)");
  const tuned = await run("tuned", "robust-service");
  const modest = await run("modest", "robust-service");
  const weak = await run("weak", "robust-service");
  const shed = await run("shed-all", "robust-service");
  assert.equal(good.verification.passed, true);
  assert.ok(good.score > 0);
  // modest queues everything above 400 req/s: its capacity is one of the steps at or below 400
  // (… 258, 310, 372, 446 at 60 × 1.2^i); the template's nginx holds far more on the same CPU
  // (1,076 req/s at its slowest seen, when modest at 1000 req/s measured 908).
  const cap = (r: RunRecord) => comp(r, "capacity").value ?? 0;
  assert.ok(
    cap(modest) > 250 && cap(modest) <= 450,
    `modest capacity ${cap(modest)} req/s near its 400 req/s limit`,
  );
  assert.ok(cap(good) >= 2 * cap(modest), `template capacity ${cap(good)} vs modest ${cap(modest)}`);
  beats(good, modest, 10);
  // The best known entry: at least the template's score, give or take the run-to-run noise
  // (docs/FAIRNESS.md, "Measured reproducibility"), and well above modest.
  assert.ok(tuned.score >= good.score * TUNED_FLOOR, `tuned ${tuned.score} vs template ${good.score}`);
  beats(tuned, modest, 10);
  // weak is modest at half the rate (200 req/s): half the capacity, and above the cheat. Its score
  // is asserted against the cheat only: capacity earns 60 × log2(1 + C / R), so halving a small C
  // costs weak about 6 points against modest, less than the other components move between runs
  // (the benchmark once ranked them 46.9 and 43.5; docs/FAIRNESS.md).
  assert.ok(cap(weak) > 120 && cap(weak) <= 230, `weak capacity ${cap(weak)} req/s near its 200 req/s limit`);
  assert.ok(cap(modest) >= 1.5 * cap(weak), `modest capacity ${cap(modest)} vs weak ${cap(weak)}`);
  assert.ok(weak.score > 0, `weak scored ${weak.score}`);
  // Fast 503s are errors for the SLO: no step holds, so every component is 0.
  assert.equal(shed.verification.passed, true, "the cheat passes the gate");
  assert.equal(shed.score, 0, `shed-all scored ${shed.score}`);
  beats(modest, shed, 1);
  beats(weak, shed, 1);
});

test("robust-service: an entry whose echo is canned fails verification and scores 0, with the reason", async () => {
  const canned = await run("canned-echo", "robust-service");
  assert.equal(canned.verification.passed, false);
  assert.equal(canned.score, 0);
  const failed = canned.verification.checks.filter((c) => !c.passed);
  assert.ok(
    failed.some((c) => /echo/.test(c.name) && /nonce/.test(c.detail)),
    JSON.stringify(failed),
  );
  assert.ok(canned.components.every((c) => c.points === 0));
  const report = readFileSync(join(runs.outDir("robust-service", "canned-echo"), "report.md"), "utf8");
  assert.match(report, /Verification failed/);
});

test("graceful-degradation: the template and tuned well above both failure modes (breaking, shedding everything)", async () => {
  const good = await run(GOOD, "graceful-degradation");
  const tuned = await run("tuned", "graceful-degradation");
  const slow = await run("slow-quote-no-cache", "graceful-degradation");
  const shed = await run("shed-all", "graceful-degradation");
  // Serving stale quotes from cache while upstream is slow/flaky keeps quotes available.
  const quotes = (r: RunRecord) => comp(r, "quote-availability").value ?? 0;
  assert.ok(quotes(good) >= quotes(slow) + 0.2, `quote availability ${quotes(good)} vs ${quotes(slow)}`);
  beats(good, slow, 3);
  // Shedding everything answers in time but earns almost no goodput (the largest weight).
  assert.equal(shed.verification.passed, true, "the cheat passes the gate");
  const goodput = (r: RunRecord) => comp(r, "goodput").points;
  assert.ok(goodput(shed) < goodput(good) / 4, `goodput points ${goodput(shed)} vs ${goodput(good)}`);
  assert.ok(goodput(shed) < goodput(slow) / 4, `goodput points ${goodput(shed)} vs ${goodput(slow)}`);
  // Breaking (slow-quote-no-cache: almost nothing answered in time) and shedding everything are
  // both failure modes far below the template; which of the two is worse is not asserted: it
  // flips with how loaded the machine is (both have been seen on top).
  beats(good, shed, ABOVE_SHED_GD);
  // The template is below what the plan can give (every overload request good): the ramp to 4×
  // the reference goes past its capacity, so more capacity would still score more.
  const overload = good.measurements?.entry?.phases.find((p) => p.name === "overload");
  assert.ok(overload, "the template's record carries its overload phase");
  const due = Object.values(overload.counts).reduce((a, b) => a + b, 0) + overload.dropped;
  assert.ok(
    overload.counts.ok < 0.97 * due,
    `template: ${overload.counts.ok} good of ${due} due under overload`,
  );
  beats(tuned, slow, 3);
  beats(tuned, shed, ABOVE_SHED_GD);
});

test("longest-upkeep: the template (restart always + healthcheck) > fragile (restart no); shed-all = 0", async () => {
  const good = await run(GOOD, "longest-upkeep");
  const fragile = await run("fragile", "longest-upkeep");
  const shed = await run("shed-all", "longest-upkeep");
  const kill = good.faults.find((f) => f.action === "kill");
  assert.ok(kill, "a kill was applied");
  // fragile is up until the first kill (t = 5 s at this scale, after a 1 s pause at 3 s) and does
  // not come back by itself (only the harness's own `restart` fault at 51 s, 2 s before the end,
  // starts it again); the template restarts within seconds and keeps a longer streak.
  assert.ok(fragile.score <= kill.start + 1, `fragile streak ${fragile.score} s beyond the first kill`);
  // The template is back within seconds of the first kill, as the probe through toxiproxy sees it.
  // (This once took 20 s or the rest of the run: toxiproxy looked the restarting entry up by name.)
  const probe = good.series.values.availability ?? [];
  const from = Math.ceil(kill.start / good.series.stepSeconds);
  const back = probe.findIndex((v, i) => i > from && v === 1);
  assert.ok(
    back > 0 && back - from <= 5,
    `template probe up again ${back - from} s after the kill at ${kill.start} s`,
  );
  beats(good, fragile, 5);
  const availability = (r: RunRecord) => comp(r, "availability").value ?? 0;
  assert.ok(
    availability(good) >= availability(fragile) + 0.2,
    `availability ${availability(good)} vs fragile ${availability(fragile)}`,
  );
  // Every second of fast 503s misses the SLO: not one up second.
  assert.equal(shed.verification.passed, true, "the cheat passes the gate");
  assert.equal(shed.score, 0, `shed-all streak ${shed.score} s`);
  assert.ok(fragile.score > shed.score, "even fragile is up before the first kill");
});
