import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSite } from "../../../site/build.ts";
import { humanize, toNode } from "../../../site/scoring-view.ts";
import { parseChallenge } from "../../../scoring/challenge-schema.ts";
import { loadChallengeInfos } from "../../../site/challenges.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../..");

test("humanize keys", () => {
  const cases: [string, string][] = [
    ["chaos", "chaos"],
    ["maxErrorRate", "max error rate"],
    ["p99Ms", "p99 ms"],
    ["memoryMiB", "memory MiB"],
    ["recovery_window-seconds", "recovery window seconds"],
  ];
  for (const [input, expected] of cases) assert.equal(humanize(input), expected);
});

test("toNode: records become tables, objects definition lists, scalars text", () => {
  assert.deepEqual(toNode(5), { text: "5" });
  assert.deepEqual(toNode(null), { text: "—" });
  assert.deepEqual(toNode(["a", 1]), { text: "a, 1" });
  assert.deepEqual(toNode({ p99Ms: 250 }), { dl: [{ key: "p99 ms", value: { text: "250" } }] });
  assert.deepEqual(
    toNode([
      { at: 1, params: { latencyMs: 5 } },
      { at: 2, action: "kill" },
    ]),
    {
      table: {
        headers: ["at", "params", "action"],
        rows: [
          [{ text: "1" }, { text: "latency ms 5" }, { text: "—" }],
          [{ text: "2" }, { text: "—" }, { text: "kill" }],
        ],
      },
    },
  );
  let deep: unknown = 1;
  for (let i = 0; i < 20; i++) deep = { k: deep };
  assert.match(JSON.stringify(toNode(deep)), /…/);
});

test("a bad challenge file is reported and skipped, not fatal", () => {
  const dir = mkdtempSync(join(tmpdir(), "site-ch-"));
  try {
    writeFileSync(join(dir, "robust-service.yml"), "id: robust-service\ntitle: [\n");
    const r = loadChallengeInfos(dir);
    assert.equal(r.challenges.length, 0);
    assert.equal(r.skipped.length, 1);
    assert.match(r.skipped[0]!.reason, /YAML/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the scoring page shows every real challenge definition: title, summary, weights, chaos", async () => {
  const out = mkdtempSync(join(tmpdir(), "site-scoring-"));
  try {
    const r = await buildSite({ resultsDir: join(out, "none"), outDir: join(out, "site") });
    assert.deepEqual(r.skipped, []);
    const html = readFileSync(join(out, "site/scoring/index.html"), "utf8");
    const dir = join(ROOT, "scoring/challenges");
    const files = readdirSync(dir).filter((f) => f.endsWith(".yml"));
    assert.ok(files.length >= 3, "the three challenges are defined");
    const escape = (s: string) =>
      s
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/'/g, "&#x27;")
        .replace(/"/g, "&quot;")
        .replace(/=/g, "&#x3D;")
        .replace(/`/g, "&#x60;");
    for (const f of files) {
      const def = parseChallenge(readFileSync(join(dir, f), "utf8"), f);
      assert.ok(html.includes(`<h2>${escape(def.title)}</h2>`), `${f}: title`);
      assert.ok(html.includes(escape(def.summary)), `${f}: summary`);
      for (const [k, w] of Object.entries(def.weights)) {
        assert.ok(html.includes(`<dt>${humanize(k)}</dt><dd><p>${w}</p></dd>`), `${f}: weight ${k}`);
      }
      for (const c of def.chaos)
        assert.ok(html.includes(`<td><p>${c.action}</p></td>`), `${f}: chaos ${c.action}`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
