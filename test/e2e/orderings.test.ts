/**
 * The orderings an SRE expects, end to end at a small scale: entries of known quality written for
 * the tests (test/fixtures/entries/) run through each challenge with the real harness, and the
 * scores must rank them as their behaviour deserves. Eleven runs: one per distinct scenario (a
 * failed gate is run in run-robust-service.test.ts, not here). The cheat (shed-all: passes the gate, then
 * answers almost everything with an instant 503) must score strictly below the honest template in
 * every challenge. Every score is printed with its components so a note can quote the figures.
 *
 * The first run of each challenge measures url-anvil; the others reuse its figures (SharedReference,
 * test-only), so the entries of a challenge are offered the same plan and normalized by the same
 * reference. Margins are still wide: an entry's own capacity moves between runs on a noisy 2-core
 * machine; the fixtures differ by design far more than that (see docs/CHALLENGES.md, "Test entries
 * and the orderings they prove").
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import type { ChallengeId, Component, RunRecord } from "../../record/run-record.ts";
import { provisionSandbox } from "../../sandbox/provision.ts";
import { runEntry } from "../../harness/run.ts";
import { createEntry } from "../../harness/entry/new-entry.ts";
import { leftoverProjects, SharedReference, tempRoot, type TempRoot } from "./helpers.ts";

/** Small enough for CI on 2 cores, large enough for every phase and fault to last whole seconds. */
const SCALE = 0.2;
/** longest-upkeep packs 15 faults into its load: at 0.25 they are 3–4 s apart, not 2–3. */
const UPKEEP_SCALE = 0.25;
/** The honest entry: the template, exactly as `sre-chaos new` makes it. */
const GOOD = "good";
/**
 * On robust-service, tuned (the best known entry) must score at least this share of the template's
 * score. It is better by design, but an entry's own capacity moves by a ladder step or more between
 * runs on a shared 2-core machine, even against one shared reference: measured tuned/template
 * 1.14 (110.28 vs 97.14) and 0.90 (121.23 vs 134.66; capacities 1,854 and 2,289 req/s, where the
 * template had measured 1,076 an hour before). Only a clear inversion is a failure.
 */
const TUNED_FLOOR = 0.75;
/**
 * On graceful-degradation no order between tuned and the template is asserted: on this machine
 * either of them sometimes collapses under the overload (timeouts on every path from about 1,400
 * req/s offered, never recovering within the phase) while the other holds, under the same plan
 * and reference: measured tuned/template 2.06 (107.78 vs 52.34) and 0.44 (45.87 vs 105.05) in two
 * runs of one file. Both must stay clear of the failure modes: a collapsed run scored 46–52, the
 * cheat 15.3–23.1 (its instant 503s count as answered in time; it scores more the higher the plan).
 * The cheat's goodput, the component that decides, is asserted below a quarter of theirs.
 */
const ABOVE_SHED_GD = 10;
const FIXTURES = ["tuned", "modest", "shed-all", "fragile", "slow-quote-no-cache"];

interface Row {
  challenge: ChallengeId;
  login: string;
  scale: number;
  record: RunRecord;
  seconds: number;
}

let t: TempRoot;
const rows: Row[] = [];
/** The first run of each challenge measures the reference; the others are scored against it. */
const shared = new SharedReference();
const started = Date.now();

before(async () => {
  await provisionSandbox({ log: () => undefined });
  t = tempRoot();
  const made = await createEntry({ root: t.root, login: GOOD });
  assert.deepEqual(made.report.violations, [], "the template is a valid entry");
  for (const name of FIXTURES) t.addFixture(name, name);
});

after(() => {
  console.log("\nscores (points per component; value in its unit)");
  for (const r of rows) console.log(formatRow(r));
  console.log(`orderings.test.ts wall time: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  t?.cleanup();
});

function formatRow({ challenge, login, scale, record, seconds }: Row): string {
  const parts = record.components.map((c) => `${c.id}=${c.points} (${c.value ?? "n/a"} ${c.unit})`);
  const gate = record.verification.passed ? "" : " [verification failed]";
  return `${challenge.padEnd(21)} ${login.padEnd(20)} ${String(record.score).padStart(7)}${gate} | ${parts.join(", ")} | scale ${scale}, ${seconds.toFixed(0)} s`;
}

/** Runs one entry through one challenge with the real harness; records and prints the row. */
async function run(login: string, challenge: ChallengeId): Promise<RunRecord> {
  const scale = challenge === "longest-upkeep" ? UPKEEP_SCALE : SCALE;
  const t0 = Date.now();
  const lines: string[] = [];
  // run.json and report.md go to SRE_CHAOS_E2E_OUT when set (kept for a look after the run).
  const outDir = join(process.env.SRE_CHAOS_E2E_OUT ?? join(t.root, "out"), challenge, login);
  const { record } = await runEntry({
    root: t.root,
    login,
    challenge,
    scale,
    outDir,
    log: (line) => lines.push(line),
    recordedReference: shared.for(challenge),
  }).catch((e: unknown) => {
    console.log(`${challenge} ${login}: the run failed; its last log lines:\n${lines.slice(-30).join("\n")}`);
    throw e;
  });
  // The shortcut is taken when offered, and the record says from which run.
  assert.equal(record.provenance.referenceRecordedFrom, shared.from(challenge), `${login}: reference source`);
  shared.keep(record, join(outDir, "run.json"));
  const row = { challenge, login, scale, record, seconds: (Date.now() - t0) / 1000 };
  rows.push(row);
  console.log(formatRow(row));
  // Only this run's project: other runs may share the Docker Engine on a developer's machine.
  const project = `srechaos-${record.runId.toLowerCase()}`;
  assert.ok(!leftoverProjects().includes(project), `the stack of ${login} (${project}) was torn down`);
  return record;
}

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

test("robust-service: tuned ≥ the template > modest (capacity 400 req/s) > shed-all = 0", async () => {
  // tuned first: the first run of a process has been seen to measure the reference low (up to
  // 1.8× lower, which raises that run's normalized score); the floor below must not hinge on that.
  const tuned = await run("tuned", "robust-service");
  const good = await run(GOOD, "robust-service");
  const modest = await run("modest", "robust-service");
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
  // Fast 503s are errors for the SLO: no step holds, so every component is 0.
  assert.equal(shed.verification.passed, true, "the cheat passes the gate");
  assert.equal(shed.score, 0, `shed-all scored ${shed.score}`);
  beats(modest, shed, 1);
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
