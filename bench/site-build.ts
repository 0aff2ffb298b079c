/**
 * Benchmark of the site build (issue 5): a synthetic results set of 10,000 entries × 5 runs, built
 * once from cold (an empty output folder); prints build time and CPU time (all threads), page count,
 * the largest page and the largest board page, and their ratios to the aims (build ≤ 10 s, board
 * page ≤ 150 KB; CPU time against the build's 10 s).
 *
 *   node --import tsx bench/site-build.ts [--entries 10000] [--runs 5] [--points 120] [--keep]
 *   node --import tsx bench/site-build.ts --results <dir>   (rebuild a kept set, skip generating)
 *   [--workers n]   worker threads for the per-login pages (default: the build's own choice; 0: none)
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { CHALLENGE_IDS } from "../record/run-record.ts";
import { buildSite } from "../site/build.ts";
import { prng, synthRun, writeResults } from "../test/fixtures/results/generate.ts";

const AIM_SECONDS = 10;
const AIM_BOARD_BYTES = 150 * 1024;

const { values: o } = parseArgs({
  options: {
    entries: { type: "string", default: "10000" },
    runs: { type: "string", default: "5" },
    points: { type: "string", default: "120" },
    keep: { type: "boolean", default: false },
    results: { type: "string" },
    workers: { type: "string" },
  },
});
const entries = Number(o.entries);
const runsPer = Number(o.runs);
const points = Number(o.points);

const tmp = mkdtempSync(join(tmpdir(), "site-bench-"));
const results = o.results ?? join(tmp, "results");
const out = join(tmp, "site");
try {
  let t = performance.now();
  const rnd = prng(42);
  if (o.results) console.log(`reusing ${o.results}`);
  const logins: string[] = [];
  // Written in chunks of 500 logins so generation never holds all 50,000 records at once.
  for (let i = 0; i < (o.results ? 0 : entries); i += 500) {
    const batch = [];
    for (let j = i; j < Math.min(entries, i + 500); j++) {
      const login = `user-${String(j).padStart(5, "0")}`;
      logins.push(login);
      const challenge = CHALLENGE_IDS[j % CHALLENGE_IDS.length]!;
      const skill = rnd();
      for (let k = 0; k < runsPer; k++) {
        batch.push(
          synthRun({
            login,
            challenge,
            seed: j * 16 + k + 1,
            at: new Date(Date.UTC(2026, 9, 1 + k, 0, 0, j % 3600)),
            skill: Math.min(1, skill + k * 0.02),
            points,
            description: `entry ${j}`,
          }),
        );
      }
    }
    writeResults(results, batch, (l) => CHALLENGE_IDS[Number(l.slice(5)) % CHALLENGE_IDS.length]!);
  }
  if (!o.results)
    console.log(
      `generated ${entries} entries × ${runsPer} runs (${points} points per series) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

  t = performance.now();
  const cpu0 = process.cpuUsage();
  const r = await buildSite({
    resultsDir: results,
    outDir: out,
    workers: o.workers === undefined ? undefined : Number(o.workers),
  });
  const seconds = (performance.now() - t) / 1000;
  const cpu = process.cpuUsage(cpu0);

  // Every HTML file is a page: folders' index.html (overview, boards, scoring) and the per-login files.
  let pages = 0;
  let largest = { file: "", size: 0 };
  let largestBoard = { file: "", size: 0 };
  const walk = (dir: string) => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, d.name);
      if (d.isDirectory()) walk(p);
      else if (d.name.endsWith(".html")) {
        pages++;
        const size = statSync(p).size;
        const rel = p.slice(out.length + 1);
        if (size > largest.size) largest = { file: rel, size };
        if (rel.startsWith("board/") && size > largestBoard.size) largestBoard = { file: rel, size };
      }
    }
  };
  walk(out);
  const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const ratio = (v: number, aim: number) => `ratio ${(v / aim).toFixed(2)}`;
  console.log(
    `cold build:         ${seconds.toFixed(2)} s   (aim ≤ ${AIM_SECONDS} s: ${ratio(seconds, AIM_SECONDS)})`,
  );
  // On a shared machine wall time swings with others' load; CPU time and the load average say how much.
  // CPU time against the same aim: what the build would take on one CPU of its own.
  console.log(
    `cpu time:           ${cpuSeconds.toFixed(2)} s, all threads (user ${(cpu.user / 1e6).toFixed(2)} s, system ${(cpu.system / 1e6).toFixed(2)} s)   (aim ≤ ${AIM_SECONDS} s: ${ratio(cpuSeconds, AIM_SECONDS)})`,
  );
  console.log(
    `load average:       ${loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")} on ${cpus().length} CPUs; ${r.workers} worker threads`,
  );
  console.log(
    `pages:              ${pages} (buildSite reported ${r.pages}, skipped ${r.skipped.length})   (no aim)`,
  );
  console.log(`largest page:       ${kb(largest.size)}  ${largest.file}`);
  console.log(
    `largest board page: ${kb(largestBoard.size)}  ${largestBoard.file}   (aim ≤ 150 KB: ${ratio(largestBoard.size, AIM_BOARD_BYTES)})`,
  );
  if (o.keep) console.log(`kept: ${tmp}`);
} finally {
  if (!o.keep) rmSync(tmp, { recursive: true, force: true });
}
