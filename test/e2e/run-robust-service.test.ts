/**
 * End to end with real parts: the sandbox's Docker Engine and image stand-ins, the load generator,
 * Prometheus, toxiproxy and the platform's services. A fresh entry made by `sre-chaos new` must get a
 * valid record with a positive score; an entry with a canned echo must fail verification with 0.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseRunRecord } from "../../record/run-record.ts";
import { provisionSandbox } from "../../sandbox/provision.ts";
import { runEntry } from "../../harness/run.ts";
import { loadChallenge } from "../../harness/challenge-files.ts";
import { verifiedRecord } from "../../action/src/recompute.ts";
import { cli, leftoverContainers, entryImageTagExists, tempRoot, type TempRoot } from "./helpers.ts";

let t: TempRoot;

before(async () => {
  await provisionSandbox({ log: () => undefined });
  t = tempRoot();
});
after(() => t?.cleanup());

test("sre-chaos new + run: a fresh entry gets a valid record with a positive score and named components", async () => {
  const made = cli(t.root, ["new", "e2e-demo"]);
  assert.equal(made.status, 0, made.stderr);
  const out = join(t.root, "out");
  const r = cli(t.root, ["run", "e2e-demo", "--challenge", "robust-service", "--scale", "0.2", "--out", out]);
  assert.equal(r.status, 0, `run failed:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
  const record = parseRunRecord(readFileSync(join(out, "run.json"), "utf8"), "out/run.json");
  assert.equal(record.login, "e2e-demo");
  assert.equal(record.challenge, "robust-service");
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
  assert.ok(record.verification.duringLoad.checked > 100);
  assert.match(record.provenance.entryImageDigest ?? "", /^sha256:/);
  // Publish scores the record again from the measurements it carries, and gets the same score.
  assert.ok(record.measurements?.entry, "the record carries its measurements");
  const recomputed = verifiedRecord(await loadChallenge("robust-service"), record);
  assert.equal(recomputed.score, record.score, "the record recomputes to its own score");
  assert.ok(existsSync(join(out, "report.md")));
  assert.match(r.stdout, /robust-service: e2e-demo scored/);
  // No terminal here (piped output): each load phase prints its own progress from its first seconds.
  for (const label of ["reference", "entry"])
    assert.match(r.stdout, new RegExp(`^${label} +\\S+ +00:0\\d / \\d\\d:\\d\\d .* req/s`, "m"), label);
  assert.deepEqual(leftoverContainers(record.runId), [], "the stack was torn down");
  assert.equal(entryImageTagExists(record.login, record.runId), false, "the run's image tag was removed");
});

test("an entry whose echo is canned fails verification and scores 0, with the reason", async () => {
  t.addFixture("canned-echo", "canned-echo");
  const out = join(t.root, "out-canned");
  const { record, report } = await runEntry({
    root: t.root,
    login: "canned-echo",
    challenge: "robust-service",
    scale: 0.2,
    outDir: out,
  });
  assert.equal(record.verification.passed, false);
  assert.equal(record.score, 0);
  const failed = record.verification.checks.filter((c) => !c.passed);
  assert.ok(
    failed.some((c) => /echo/.test(c.name) && /nonce/.test(c.detail)),
    JSON.stringify(failed),
  );
  assert.ok(record.components.every((c) => c.points === 0));
  assert.match(report, /Verification failed/);
  parseRunRecord(readFileSync(join(out, "run.json"), "utf8"), "run.json");
  assert.deepEqual(leftoverContainers(record.runId), [], "the stack was torn down");
});
