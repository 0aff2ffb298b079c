import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serializeRunRecord, type RunRecord } from "../../../record/run-record.ts";
import { listLogins, readEntries, readLoginRuns, type Skipped } from "../../../site/load-results.ts";
import { buildSite } from "../../../site/build.ts";
import { synthRun } from "../../fixtures/results/generate.ts";

const mk = (login: string, day: number, seed: number): RunRecord =>
  synthRun({
    login,
    challenge: "robust-service",
    seed,
    at: new Date(Date.UTC(2026, 10, day)),
    skill: 0.5,
    points: 12,
  });

function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "site-load-"));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** Every login's runs and the entry records, as a build reads them. */
function readAll(dir: string): { runIds: string[]; skipped: Skipped[]; series: boolean } {
  const logins = listLogins(dir);
  const perLogin = logins.logins.map((l) => readLoginRuns(dir, l));
  return {
    runIds: perLogin.flatMap((r) => r.summaries.map((x) => x.runId)),
    skipped: [...logins.skipped, ...perLogin.flatMap((r) => r.skipped), ...readEntries(dir).skipped],
    series: perLogin.some((r) => r.summaries.some((x) => "series" in x)),
  };
}

function put(dir: string, rel: string, body: string): void {
  const p = join(dir, rel);
  mkdirSync(join(p, ".."), { recursive: true });
  writeFileSync(p, body);
}

test("both layouts are read; every kind of bad record is reported and skipped", () =>
  withDir(async (dir) => {
    const good = mk("alice", 1, 1);
    const local = mk("alice", 2, 2);
    const other = mk("bob", 1, 3);
    put(dir, `runs/alice/${good.runId}.json`, serializeRunRecord(good));
    put(dir, `runs/alice/${local.runId}/run.json`, serializeRunRecord(local)); // sre-chaos run's layout
    mkdirSync(join(dir, "runs/alice/20261103T000000Z-00000009"), { recursive: true }); // in progress: ignored
    const cases: [string, string, RegExp][] = [
      [`runs/bob/${other.runId}.json`, "{ not json", /not JSON/],
      [
        `runs/bob/20261102T000000Z-0000000b.json`,
        serializeRunRecord(mk("bob", 2, 10)),
        /runId .* does not match/,
      ],
      [`runs/carol/${mk("carol", 1, 11).runId}.json`, serializeRunRecord(mk("dave", 1, 11)), /login "dave"/],
      [`runs/bob/notes.txt`, "hi", /not a run record name/],
      [`runs/-bad-/${good.runId}.json`, "{}", /not a valid GitHub login/],
      [`entries/erin.json`, JSON.stringify({ schemaVersion: 1, login: "erin" }), /challenge/],
      [`entries/frank.json`, "[", /JSON/],
    ];
    for (const [rel, body] of cases) put(dir, rel, body);
    const r = readAll(dir);
    assert.deepEqual(r.runIds.sort(), [good.runId, local.runId].sort());
    assert.ok(!r.series, "summaries carry no series");
    assert.equal(r.skipped.length, cases.length, JSON.stringify(r.skipped, null, 1));
    for (const [rel, , reason] of cases) {
      const s = r.skipped.find((k) => rel.startsWith(k.file));
      assert.ok(s, `${rel} reported`);
      assert.match(s.reason, reason, rel);
    }
  }));

test("a run with a bad series is dropped when it needs its series, kept when it does not", () =>
  withDir(async (dir) => {
    const old = mk("alice", 1, 1);
    const latest = mk("alice", 2, 2);
    const broken = (r: RunRecord) => {
      const j = JSON.parse(serializeRunRecord(r)) as RunRecord;
      (j.series.values.rps as unknown[])[3] = "fast";
      return JSON.stringify(j);
    };
    put(dir, `runs/alice/${old.runId}.json`, broken(old));
    put(dir, `runs/alice/${latest.runId}.json`, broken(latest));
    const r = readLoginRuns(dir, "alice", () => new Set([latest.runId]));
    assert.deepEqual(
      r.summaries.map((x) => x.runId),
      [old.runId],
    );
    assert.deepEqual(r.full, []);
    assert.equal(r.skipped.length, 1);
    assert.match(r.skipped[0]!.reason, /series\.values\.rps\.3/);
    // By default every series is validated: both are refused.
    assert.equal(readLoginRuns(dir, "alice").summaries.length, 0);
  }));

test("measurements, which the site never shows, need only be an object; the pages' runs leave them out", () =>
  withDir(async (dir) => {
    const kept = mk("alice", 1, 1);
    const refused = mk("alice", 2, 2);
    const withMeasurements = (r: RunRecord, measurements: unknown) =>
      JSON.stringify({ ...JSON.parse(serializeRunRecord(r)), measurements });
    put(dir, `runs/alice/${kept.runId}.json`, withMeasurements(kept, { entry: "not checked by the site" }));
    put(dir, `runs/alice/${refused.runId}.json`, withMeasurements(refused, 42));
    const r = readLoginRuns(dir, "alice");
    assert.deepEqual(
      r.summaries.map((x) => x.runId),
      [kept.runId],
    );
    assert.equal(r.full.length, 1);
    assert.ok(!("measurements" in r.full[0]!));
    assert.deepEqual(r.skipped.length, 1);
    assert.equal(r.skipped[0]!.file, `runs/alice/${refused.runId}.json`);
    assert.match(r.skipped[0]!.reason, /^measurements: /);
  }));

test("buildSite never crashes on bad input and reports what it skipped", () =>
  withDir(async (dir) => {
    put(dir, "results/runs/alice/20261101T000000Z-00000001.json", "null");
    const lines: string[] = [];
    const r = await buildSite({
      resultsDir: join(dir, "results"),
      outDir: join(dir, "out"),
      challengesDir: join(dir, "none"),
      log: (l) => lines.push(l),
    });
    assert.equal(r.skipped.length, 1);
    assert.ok(lines.some((l) => l.startsWith("skipped runs/alice/")));
    // index, 3 empty boards, scoring
    assert.equal(r.pages, 5);
  }));

test("an empty or missing results folder gives an empty site", () =>
  withDir(async (dir) => {
    const r = await buildSite({
      resultsDir: join(dir, "nothing"),
      outDir: join(dir, "out"),
      challengesDir: dir,
    });
    assert.deepEqual(r, { pages: 5, skipped: [], workers: 0 });
  }));
