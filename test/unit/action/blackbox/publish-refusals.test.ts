/**
 * Black box, what `publish` refuses: forged artifacts, PRs that reach outside the author's folder,
 * and records whose score does not follow from their own measurements. None writes a run.
 */
import assert from "node:assert/strict";
import { esc, runTable, type Row } from "./table.ts";
import {
  COMMENTED,
  commentBodies,
  ENTRY_FILES,
  FOUND,
  GOOD,
  LOGIN,
  meta,
  PR,
  publish,
  record,
  SEED,
  SEEDED,
  SHA,
  state,
  type ArtifactFiles,
} from "./publish-world.ts";

const m = GOOD.measurements;
const phase0 = m.entry.phases[0];
const scopeCalls = [
  `GET commits/${SHA}/pulls`,
  `GET pulls/${PR}/files`,
  `GET issues/${PR}/comments`,
  `POST issues/${PR}/comments`,
];

/** A refused artifact: the PR is checked, the artifact read and refused; no comment, nothing written. */
const forged = (name: string, files: ArtifactFiles, error: RegExp): Row => ({
  name: `refused (${name}): nothing written, no comment`,
  state: state(),
  seed: SEED,
  launch: (r) => publish(r, files),
  status: 1,
  error,
  calls: FOUND,
  results: { commits: 0, files: SEEDED },
});

/** A PR that changes files outside the author's folder: explained on the PR, the artifact never read. */
const outOfScope = (name: string, files: string[], error: RegExp, o: Partial<Row> = {}): Row => ({
  name: `refused by scope (${name}): "not scored" on the PR, nothing written`,
  state: state({ files: { [PR]: files } }),
  seed: SEED,
  launch: (r) => publish(r, { "meta.json": meta(), "run.json": GOOD }),
  status: 1,
  error,
  calls: scopeCalls,
  results: { commits: 0, files: SEEDED },
  check: (r) => {
    const bodies = commentBodies(r);
    assert.equal(bodies.length, 1);
    assert.match(bodies[0] ?? "", /## SRE Chaos Challenge: not scored/);
  },
  ...o,
});

const run = (o: Record<string, unknown>) => ({ "meta.json": meta(), "run.json": record(o) });
const many = Array.from({ length: 250 }, (_, i) => `contributors/${LOGIN}/html/p${i}.html`);
const pages = (n: number) => Array.from({ length: n }, () => `GET pulls/${PR}/files`);

/** A run that may not score: published, with 0 and every point taken away. */
const zero = (name: string, o: Record<string, unknown>, says: RegExp): Row => ({
  name: `publishes 0 for ${name}, whatever score the record claims`,
  state: state(),
  seed: SEED,
  launch: (r) => publish(r, run({ score: 74.8, ...o })),
  status: 0,
  calls: COMMENTED,
  results: { commits: 1 },
  check: (r) => {
    const written = JSON.parse(r.show(`runs/${LOGIN}/${String(o.runId)}.json`) ?? "null");
    assert.equal(written.score, 0);
    assert.ok(written.components.every((k: { points: number }) => k.points === 0));
    assert.match(commentBodies(r)[0] ?? "", says);
  },
});

runTable("black box: publish refuses", [
  forged(
    "schema-invalid run.json",
    run({ score: -1 }),
    /run\.json: invalid run record:\n {2}- score: Too small/,
  ),
  forged(
    "oversize report",
    { "meta.json": meta(), "run.json": GOOD, "report.md": "x".repeat(2 * 1024 * 1024 + 1) },
    /bytes \(max/,
  ),
  forged(
    "an unexpected file",
    { "meta.json": meta(), "run.json": GOOD, "evil.sh": "x" },
    /unexpected file "evil.sh"/,
  ),
  forged(
    "meta names another PR",
    { "meta.json": meta({ pullRequest: 8 }), "run.json": GOOD },
    /forged: meta.json names PR 8/,
  ),
  forged(
    "meta names another head",
    { "meta.json": meta({ headSha: "b".repeat(40) }), "run.json": GOOD },
    /forged: meta.json names b{40}/,
  ),
  forged(
    "a login not the PR author's",
    { "meta.json": meta({ login: "alice" }), "run.json": record({}, "alice") },
    /forged: meta.json login alice/,
  ),
  forged(
    "run.json's login differs from meta",
    { "meta.json": meta(), "run.json": record({}, "alice") },
    /differs/,
  ),
  forged(
    "provenance names another PR",
    run({ provenance: { ...GOOD.provenance, pullRequest: 99 } }),
    /provenance.pullRequest 99/,
  ),
  forged(
    "a login with path tricks",
    { "meta.json": meta({ login: "../scoring" }), "run.json": GOOD },
    /meta.json: login/,
  ),
  forged("no meta.json", { "run.json": GOOD }, /meta.json is missing/),
  forged(
    "run.json a symlink",
    { "meta.json": meta(), "run.json": { symlink: "/etc/passwd" } },
    /run.json is not a regular file/,
  ),
  forged(
    "a forged score of 999999",
    run({ score: 999999 }),
    new RegExp(`score refused: .*score 999999, recomputed ${esc(GOOD.score)}`),
  ),
  forged(
    "an inflated score",
    run({ score: GOOD.score + 5 }),
    new RegExp(`score refused: .*score ${esc(GOOD.score + 5)}, recomputed ${esc(GOOD.score)}`),
  ),
  forged(
    "an inflated component",
    run({
      components: GOOD.components.map((c: { points: number }, i: number) =>
        i === 0 ? { ...c, points: c.points + 1 } : c,
      ),
    }),
    new RegExp(
      `score refused: .*capacity: ${esc(GOOD.components[0].points + 1)} of 60 points, recomputed ${esc(GOOD.components[0].points)} of 60`,
    ),
  ),
  forged("a dropped component", run({ components: GOOD.components.slice(1) }), /3 components, recomputed 4/),
  forged(
    "a record without measurements",
    run({ measurements: undefined }),
    /carries no measurements to recompute its score from/,
  ),
  forged(
    "measurements that do not give the score",
    run({
      measurements: {
        ...m,
        entry: { ...m.entry, phases: m.entry.phases.map((p: object) => ({ ...p, p99: 5000 })) },
      },
    }),
    /score refused: .*recomputed 0/,
  ),
  forged(
    "wrong bodies hidden from verification.duringLoad",
    run({
      measurements: {
        ...m,
        entry: {
          ...m.entry,
          phases: [{ ...phase0, counts: { ...phase0.counts, wrong_body: 7 } }, ...m.entry.phases.slice(1)],
        },
      },
    }),
    /duringLoad says 0 of \d+ bodies were wrong, the measurements 7 of/,
  ),
  forged(
    "a calibration figure the reference did not measure",
    run({ provenance: { ...GOOD.provenance, calibration: { referenceCapacityRps: 5 } } }),
    /provenance.calibration says 5 req\/s, the reference's measurements 1109\.0/,
  ),
  forged(
    "a chart that does not show the measurements",
    run({
      series: {
        ...GOOD.series,
        values: {
          ...GOOD.series.values,
          rps: GOOD.series.values.rps.map((x: number | null) => (x ?? 0) * 2),
        },
      },
    }),
    /the charts do not show the measurements: series.rps\[0\]/,
  ),
  forged(
    "a harness commit that is not the base's",
    run({ provenance: { ...GOOD.provenance, harnessCommit: "f".repeat(40) } }),
    /forged: run.json was measured by harness f{40}, not the base's [0-9a-f]{40}; evaluate again/,
  ),
  forged(
    "no harness commit",
    run({ provenance: { ...GOOD.provenance, harnessCommit: null } }),
    /measured by harness \(unknown\)/,
  ),
  zero(
    "a failed verification",
    { runId: "20261102T000000Z-00000001", verification: { ...GOOD.verification, passed: false } },
    /Verification failed, so the score is 0/,
  ),
  zero(
    "an invalid verdict",
    {
      runId: "20261102T000000Z-00000002",
      integrity: { valid: false, problems: ["entry load: 3 seconds missing"] },
    },
    /\*\*invalid run\*\*/,
  ),
  {
    name: "publishes its own components: the record's labels and explanations are not written",
    state: state(),
    seed: SEED,
    launch: (r) =>
      publish(
        r,
        run({
          runId: "20261102T000000Z-00000003",
          components: GOOD.components.map((c: object) => ({ ...c, label: "PWNED", explanation: "trust me" })),
        }),
      ),
    status: 0,
    calls: COMMENTED,
    results: { commits: 1 },
    check: (r) => {
      const written = r.show(`runs/${LOGIN}/20261102T000000Z-00000003.json`) ?? "";
      assert.doesNotMatch(written + commentBodies(r).join(), /PWNED|trust me/);
      assert.equal(JSON.parse(written).score, GOOD.score);
    },
  },
  outOfScope(
    "edits scoring/",
    [...ENTRY_FILES, "scoring/challenges/robust-service.yml"],
    /scoring\/challenges\/robust-service.yml is outside/,
  ),
  outOfScope(
    "someone else's folder",
    [...ENTRY_FILES, "contributors/alice/entry.yml"],
    /someone else's folder/,
  ),
  outOfScope(
    "a rename out of the folder",
    [`scoring/challenges/x.yml -> contributors/${LOGIN}/x.yml`],
    /scoring\/challenges\/x.yml is outside/,
  ),
  outOfScope(
    "a rename into another folder",
    [`contributors/${LOGIN}/x -> contributors/alice/x`],
    /someone else's/,
  ),
  outOfScope("a path with ..", [`contributors/${LOGIN}/../../scoring/x.ts`], /outside/),
  outOfScope("no files", [], /it changes no files/),
  outOfScope(
    "the 251st file of a paginated list outside",
    [...many, ".github/workflows/publish.yml"],
    /.github\/workflows\/publish.yml is outside/,
    {
      calls: [
        `GET commits/${SHA}/pulls`,
        ...pages(3),
        `GET issues/${PR}/comments`,
        `POST issues/${PR}/comments`,
      ],
    },
  ),
  outOfScope("a symlink in the entry", ENTRY_FILES, /contributors\/Codertocat\/html is a symlink/, {
    state: state({ trees: { [SHA]: [`contributors/${LOGIN}/html 120000`] } }),
    calls: [...FOUND, `GET issues/${PR}/comments`, `POST issues/${PR}/comments`],
  }),
  outOfScope("a submodule in the entry", ENTRY_FILES, /contributors\/Codertocat\/vendor is a submodule/, {
    state: state({ trees: { [SHA]: [`contributors/${LOGIN}/vendor 160000`] } }),
    calls: [...FOUND, `GET issues/${PR}/comments`, `POST issues/${PR}/comments`],
  }),
  {
    name: "accepts a paginated list (250 files) all inside the folder",
    state: state({ files: { [PR]: many } }),
    seed: SEED,
    launch: (r) => publish(r, { "meta.json": meta(), "run.json": GOOD }),
    status: 0,
    calls: [
      `GET commits/${SHA}/pulls`,
      ...pages(3),
      `GET git/trees/${SHA}`,
      `GET issues/${PR}/comments`,
      `POST issues/${PR}/comments`,
    ],
    outputs: { login: LOGIN },
    results: { commits: 1 },
  },
]);
