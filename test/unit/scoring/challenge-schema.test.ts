import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, mkdir, writeFile, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadAllChallenges, loadChallenge } from "../../../harness/challenge-files.ts";
import { ChallengeError, parseChallenge } from "../../../scoring/challenge-schema.ts";
import { CHALLENGE_IDS } from "../../../record/run-record.ts";

const robust = await readFile(
  new URL("../../../scoring/challenges/robust-service.yml", import.meta.url),
  "utf8",
);
const graceful = await readFile(
  new URL("../../../scoring/challenges/graceful-degradation.yml", import.meta.url),
  "utf8",
);

test("the three challenge files load and match their ids", async () => {
  const defs = await loadAllChallenges();
  assert.deepEqual(
    defs.map((d) => d.id),
    [...CHALLENGE_IDS],
  );
  for (const d of defs) {
    assert.ok(d.summary.length > 50, `${d.id} has a summary`);
    assert.ok(!("defaultCapacity" in d.calibration), `${d.id}: no default capacity to fall back on`);
  }
  const gd = defs.find((d) => d.id === "graceful-degradation")!;
  assert.equal(gd.deadlineMs, 1000);
  const rs = defs.find((d) => d.id === "robust-service")!;
  assert.equal(rs.stopAfterFailedSteps, 2);
  assert.deepEqual(rs.mix, { echo: 70, page: 20, quote: 10 });
});

// Each bad file must be refused with a message naming the file and the field.
const bad: { name: string; base: string; from: string | RegExp; to: string; field: RegExp }[] = [
  {
    name: "unknown chaos action",
    base: graceful,
    from: "action: upstream-slow",
    to: "action: meteor-strike",
    field: /chaos\.0\.action/,
  },
  {
    name: "negative phase duration",
    base: graceful,
    from: "name: warm, duration: 30",
    to: "name: warm, duration: -30",
    field: /phases\.0\.duration/,
  },
  {
    name: "unknown top-level key",
    base: robust,
    from: "maxInFlight:",
    to: "privileged: true\nmaxInFlight:",
    field: /privileged/,
  },
  { name: 'rate "abc"', base: graceful, from: "rate: 0.5x }", to: "rate: abc }", field: /phases\.0\.rate/ },
  { name: "missing weight", base: robust, from: /\n {2}errors: 10/, to: "", field: /weights\.errors/ },
  {
    name: "a role naming no phase",
    base: graceful,
    from: "recovery: recovery }",
    to: "recovery: cooldown }",
    field: /roles\.recovery: no phase is named cooldown/,
  },
  {
    name: "a missing role",
    base: graceful,
    from: "roles: { overload: overload, recovery: recovery }",
    to: "roles: { overload: overload }",
    field: /roles\.recovery: missing role recovery/,
  },
  {
    name: "no quote age",
    base: robust,
    from: /\nquoteMaxAgeSeconds: 30/,
    to: "",
    field: /quoteMaxAgeSeconds/,
  },
  {
    name: "unknown weight",
    base: robust,
    from: "errors: 10",
    to: "errors: 10\n  luck: 5",
    field: /weights\.luck/,
  },
  { name: "unknown slo key", base: robust, from: "p99Ms: 250", to: "p99Ms: 250\n  p50Ms: 10", field: /slo/ },
  {
    name: "pause without duration",
    base: graceful,
    from: "duration: 25, action: upstream-slow",
    to: "action: pause",
    field: /chaos\.0\.duration/,
  },
  {
    name: "both phases and steps",
    base: graceful,
    from: "recoveryWindowSeconds",
    to: "steps: { startRate: 1, factor: 2, count: 3, duration: 1 }\nrecoveryWindowSeconds",
    field: /phases/,
  },
  {
    name: "unknown challenge id",
    base: robust,
    from: "id: robust-service",
    to: "id: fastest-fingers",
    field: /\bid\b/,
  },
  { name: "malformed YAML", base: robust, from: "slo:", to: "slo: [unclosed", field: /malformed YAML/ },
];

for (const c of bad) {
  test(`refuses a challenge file with ${c.name}`, () => {
    const text = c.base.replace(c.from, c.to);
    assert.notEqual(text, c.base, "the test really changed the file");
    assert.throws(
      () => parseChallenge(text, "scoring/challenges/broken.yml"),
      (e: unknown) => {
        assert.ok(e instanceof ChallengeError);
        assert.match(e.message, /scoring\/challenges\/broken\.yml/);
        assert.match(e.message, c.field);
        return true;
      },
    );
  });
}

test("loadChallenge names the file when its id does not match its name", async () => {
  const root = await mkdtemp(join(tmpdir(), "challenges-"));
  await mkdir(join(root, "scoring", "challenges"), { recursive: true });
  await writeFile(join(root, "scoring", "challenges", "longest-upkeep.yml"), robust);
  await assert.rejects(
    loadChallenge("longest-upkeep", root),
    /longest-upkeep\.yml[\s\S]*id: is "robust-service"/,
  );
  await assert.rejects(
    loadChallenge("graceful-degradation", root),
    /graceful-degradation\.yml[\s\S]*cannot read/,
  );
});

test("every chaos action the schema accepts is one the harness implements, and no other", async () => {
  const { ACTIONS } = await import("../../../harness/chaos.ts");
  const { CHAOS_ACTIONS } = await import("../../../scoring/challenge-schema.ts");
  assert.deepEqual(Object.keys(ACTIONS).sort(), [...CHAOS_ACTIONS].sort());
});
