/**
 * Snapshots of the site built from the fixture records (test/fixtures/results). Exact comparison;
 * `UPDATE_SNAPSHOTS=1` rewrites them. Every page but the run pages is kept; of the run pages, three
 * that cover the odd cases (hostile description, failed verification, missing columns).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSite } from "../../../site/build.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
const SNAPSHOTS = join(HERE, "__snapshots__");
const FIXTURES = join(HERE, "../../fixtures/results");
const UPDATE = process.env.UPDATE_SNAPSHOTS === "1";
/** Snapshot files end in .snap so formatters leave the bytes alone. */
const snapName = (f: string) => `${f}.snap`;

function files(dir: string, prefix = ""): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) =>
      statSync(join(dir, n)).isDirectory() ? files(join(dir, n), `${prefix}${n}/`) : [`${prefix}${n}`],
    );
}

const KEPT_RUNS = [
  "run/20261103T090000Z-00015445.html", // bob: hostile description
  "run/20261107T090000Z-00019223.html", // bob: failed verification
  "run/20261102T100000Z-00022cce.html", // carol: no cpu/memory columns
];

test("the fixture site matches its snapshots", async () => {
  const out = mkdtempSync(join(tmpdir(), "site-snap-"));
  try {
    const log: string[] = [];
    const result = await buildSite({
      resultsDir: FIXTURES,
      outDir: out,
      basePath: "/sre-chaos/",
      challengesDir: join(FIXTURES, "challenges"),
      log: (l) => log.push(l),
    });
    const all = files(out);
    const kept = all.filter((f) => !f.startsWith("run/") || KEPT_RUNS.includes(f));
    assert.deepEqual(
      KEPT_RUNS.filter((f) => !all.includes(f)),
      [],
      "the kept run pages exist",
    );
    const listing = [
      `pages: ${result.pages}`,
      ...result.skipped.map((s) => `skipped: ${s.file}: ${s.reason}`),
      ...all,
      "",
    ].join("\n");
    const snaps: [string, string][] = [
      [snapName("pages.txt"), listing],
      ...kept.map((f): [string, string] => [snapName(f), readFileSync(join(out, f), "utf8")]),
    ];
    if (UPDATE) {
      rmSync(SNAPSHOTS, { recursive: true, force: true });
      for (const [name, body] of snaps) {
        mkdirSync(dirname(join(SNAPSHOTS, name)), { recursive: true });
        writeFileSync(join(SNAPSHOTS, name), body);
      }
    }
    assert.deepEqual(files(SNAPSHOTS), snaps.map(([n]) => n).sort(), "the same set of snapshot files");
    for (const [name, body] of snaps) {
      assert.equal(
        body,
        readFileSync(join(SNAPSHOTS, name), "utf8"),
        `${name} differs from its snapshot (UPDATE_SNAPSHOTS=1 to accept)`,
      );
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("two builds of the same records are byte-identical (no clock, no randomness)", async () => {
  const a = mkdtempSync(join(tmpdir(), "site-a-"));
  const b = mkdtempSync(join(tmpdir(), "site-b-"));
  try {
    await buildSite({ resultsDir: FIXTURES, outDir: a, challengesDir: join(FIXTURES, "challenges") });
    await buildSite({ resultsDir: FIXTURES, outDir: b, challengesDir: join(FIXTURES, "challenges") });
    const fa = files(a);
    assert.deepEqual(fa, files(b));
    for (const f of fa) assert.equal(readFileSync(join(a, f), "utf8"), readFileSync(join(b, f), "utf8"), f);
  } finally {
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  }
});

test("a build spread over worker threads writes the same files and report as one in a single thread", async () => {
  const a = mkdtempSync(join(tmpdir(), "site-w0-"));
  const b = mkdtempSync(join(tmpdir(), "site-w2-"));
  try {
    const opts = {
      resultsDir: FIXTURES,
      basePath: "/sre-chaos/",
      challengesDir: join(FIXTURES, "challenges"),
    };
    const one = await buildSite({ ...opts, outDir: a, workers: 0 });
    const many = await buildSite({ ...opts, outDir: b, workers: 2 });
    assert.equal(many.workers, 2);
    assert.deepEqual({ ...many, workers: 0 }, one, "same page count and the same skipped, in the same order");
    const fa = files(a);
    assert.deepEqual(fa, files(b));
    for (const f of fa) assert.equal(readFileSync(join(b, f), "utf8"), readFileSync(join(a, f), "utf8"), f);
  } finally {
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  }
});
