/**
 * End to end with real parts: entries that fail at the gate, one per kind of failure, and what the
 * record, the report and the PR comment say about them. They fail before any load, so each run is
 * a build, a stack and a gate. Also: the seed template moved to `listen 80;` and `port: 80` passes
 * the gate (the run is then stopped: the load is not what is tested here).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseRunRecord } from "../../record/run-record.ts";
import type { FailureKind } from "../../record/failure.ts";
import { provisionSandbox } from "../../sandbox/provision.ts";
import { runEntry } from "../../harness/run.ts";
import { failureComment } from "../../action/src/comment.ts";
import { leftoverContainers, REPO, tempRoot, type TempRoot } from "./helpers.ts";

let t: TempRoot;

before(async () => {
  await provisionSandbox({ log: () => undefined });
  t = tempRoot();
});
after(() => t?.cleanup());

/** Runs a fixture to its failed gate; returns the record as written, the report and the log. */
async function failAtGate(fixture: string) {
  t.addFixture(fixture, fixture);
  const out = join(t.root, "out", fixture);
  const log: string[] = [];
  const { record, report } = await runEntry({
    root: t.root,
    login: fixture,
    scale: 0.2,
    outDir: out,
    log: (l) => log.push(l),
  });
  assert.deepEqual(leftoverContainers(record.runId), [], "the stack was torn down");
  assert.equal(record.verification.passed, false);
  assert.equal(record.score, 0);
  assert.ok(!log.some((l) => /calibrating/.test(l)), "no load ran");
  const written = parseRunRecord(readFileSync(join(out, "run.json"), "utf8"), "run.json");
  assert.ok(written.failure, `a failure is recorded: ${JSON.stringify(written.verification.checks)}`);
  const comment = failureComment(written.failure).join("\n");
  return { failure: written.failure, report, comment, record: written };
}

const cases: { fixture: string; kind: FailureKind; says: RegExp; check: (f: FailureOf) => void }[] = [
  {
    fixture: "broken-exits",
    kind: "exited",
    says: /fatal: QUOTE_SOURCE is not set; refusing to start/,
    check: (f) => {
      assert.equal(f.state, "exited");
      assert.equal(f.exitCode, 3);
    },
  },
  {
    fixture: "broken-nginx-directive",
    kind: "restart-loop",
    says: /\[emerg\] .*invalid parameter "backlogg=511" in \/etc\/nginx\/conf\.d\/default\.conf:3/,
    check: (f) => {
      assert.ok(f.restarts >= 5, `restarts ${f.restarts}`);
      assert.equal(f.exitCode, 1);
      assert.ok(f.waitedSeconds < 60, `gave up after ${f.waitedSeconds} s, not at the timeout`);
    },
  },
  {
    fixture: "broken-unhealthy",
    kind: "unhealthy",
    says: /127\.0\.0\.1:9999/,
    check: (f) => {
      assert.equal(f.state, "running");
      assert.equal(f.health, "unhealthy");
      assert.ok(f.healthLog.length > 0 && f.healthLog.every((h) => h.exitCode !== 0));
    },
  },
  {
    fixture: "broken-oom",
    kind: "oom-killed",
    says: /holding \d+ MiB/,
    check: (f) => {
      assert.equal(f.oomKilled, true);
      assert.equal(f.exitCode, 137);
    },
  },
];
type FailureOf = NonNullable<Awaited<ReturnType<typeof failAtGate>>["failure"]>;

for (const c of cases) {
  test(`a failing entry says why: ${c.kind} (${c.fixture})`, async () => {
    const { failure, report, comment } = await failAtGate(c.fixture);
    assert.equal(failure.kind, c.kind, JSON.stringify(failure));
    c.check(failure);
    // Its own words, in the report and in the PR comment alike.
    assert.match(report, /## Why the entry failed/);
    assert.match(report, c.says, report);
    assert.match(comment, c.says, comment);
  });
}

test("the seed template on port 80 (`listen 80;`, `port: 80`) passes the gate", async () => {
  const dir = join(t.root, "contributors", "port-eighty");
  cpSync(join(REPO, "templates", "nginx"), dir, { recursive: true });
  const conf = join(dir, "default.conf");
  writeFileSync(conf, readFileSync(conf, "utf8").replace("listen 8080;", "listen 80;"));
  const yml = join(dir, "entry.yml");
  writeFileSync(
    yml,
    readFileSync(yml, "utf8").replace("port: 8080", "port: 80").replace("127.0.0.1:8080", "127.0.0.1:80"),
  );
  const abort = new AbortController();
  const log: string[] = [];
  const run = runEntry({
    root: t.root,
    login: "port-eighty",
    scale: 0.2,
    outDir: join(t.root, "out", "port-eighty"),
    signal: abort.signal,
    log: (l) => {
      log.push(l);
      if (/^verification gate: /.test(l)) abort.abort();
    },
  });
  await run.catch(() => undefined);
  assert.ok(log.includes("verification gate: passed"), log.join("\n"));
  const runId = /^run (\S+):/.exec(log[0] ?? "")?.[1] ?? "";
  assert.deepEqual(leftoverContainers(runId), [], "the stack was torn down");
});
