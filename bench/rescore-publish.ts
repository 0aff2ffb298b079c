/**
 * Benchmark of the rescore publisher (issue 9): for each size, synthetic shard artifacts laid out as
 * download-artifact leaves them (run records that carry valid measurements, across the three
 * challenges), then one publish into a real local bare repository, in a child process of its own
 * so its peak RSS is the publisher's alone. Prints the publish time (checking vs. the git write),
 * peak RSS, ms per artifact, and the ratios between sizes (linear work gives ≈ the size ratio).
 *
 *   node --import tsx bench/rescore-publish.ts [--sizes 1000,10000] [--keep]
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { publishRescore } from "../action/src/rescore-publish.ts";
import { RESCORE_DEFAULTS, planShards, shardSlice } from "../action/src/rescore-plan.ts";
import { createResultsStore, type ResultsStore } from "../action/src/results.ts";
import { BASE_COMMIT, ROOT } from "../test/unit/action/publish-fixture.ts";
import { challengeOf, makeCheckout, rescoreRecord } from "../test/unit/action/rescore-fixture.ts";

const { values: o } = parseArgs({
  options: {
    sizes: { type: "string", default: "1000,10000" },
    keep: { type: "boolean", default: false },
    // Internal: publish one prepared set and print its figures as JSON.
    child: { type: "string" },
  },
});

interface Figures {
  n: number;
  shards: number;
  seconds: number;
  gitSeconds: number;
  written: number;
  maxRssMb: number;
  cpuSeconds: number;
}

const loginsOf = (n: number) => Array.from({ length: n }, (_, i) => `user-${String(i).padStart(5, "0")}`);

/** Writes the checkout, the shard artifacts and an empty bare repository for `n` entries. */
function prepare(dir: string, n: number): void {
  const logins = loginsOf(n);
  const root = makeCheckout(logins);
  writeFileSync(join(dir, "root"), root);
  const plan = planShards(n, { shards: null, ...RESCORE_DEFAULTS });
  writeFileSync(join(dir, "shards"), String(plan.shards));
  for (let s = 0; s < plan.shards; s++) {
    for (const login of shardSlice(logins, plan.shards, s)) {
      const d = join(dir, "downloads", `sre-chaos-shard-${s}`, `sre-chaos-run-${login}`);
      mkdirSync(d, { recursive: true });
      const meta = { schemaVersion: 1, pullRequest: null, headSha: null, login, outcome: "run" };
      writeFileSync(join(d, "meta.json"), JSON.stringify(meta));
      writeFileSync(
        join(d, "run.json"),
        JSON.stringify(rescoreRecord(login, challengeOf(Number(login.slice(5))))),
      );
    }
  }
  execFileSync("git", ["init", "--quiet", "--bare", join(dir, "remote.git")]);
}

async function child(dir: string): Promise<void> {
  const root = readFileSync(join(dir, "root"), "utf8");
  const shards = Number(readFileSync(join(dir, "shards"), "utf8"));
  const inner = createResultsStore({
    repoDir: join(dir, "clone"),
    remote: join(dir, "remote.git"),
    branch: "results",
    author: { name: "bench", email: "bench@example.invalid" },
  });
  let gitSeconds = 0;
  const results: ResultsStore = {
    ...inner,
    async publish(update, message) {
      const t = performance.now();
      const out = await inner.publish(update, message);
      gitSeconds = (performance.now() - t) / 1000;
      return out;
    },
  };
  const cpu0 = process.cpuUsage();
  const t = performance.now();
  const out = await publishRescore({
    root,
    entries: loginsOf(Number(readFileSync(join(dir, "n"), "utf8"))),
    shards,
    scoringRoot: ROOT,
    baseCommit: BASE_COMMIT,
    results,
    artifactDir: join(dir, "downloads"),
    summary: async () => undefined,
    log: () => undefined,
  });
  const cpu = process.cpuUsage(cpu0);
  const figures: Figures = {
    n: out.written.length + out.refused.length,
    shards,
    seconds: (performance.now() - t) / 1000,
    gitSeconds,
    written: out.written.length,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
  console.log(JSON.stringify(figures));
}

async function main(): Promise<void> {
  const sizes = o.sizes.split(",").map(Number);
  const tmp = mkdtempSync(join(tmpdir(), "rescore-bench-"));
  const self = fileURLToPath(import.meta.url);
  const rows: Figures[] = [];
  try {
    for (const n of sizes) {
      const dir = join(tmp, String(n));
      mkdirSync(dir);
      writeFileSync(join(dir, "n"), String(n));
      const t = performance.now();
      prepare(dir, n);
      console.log(`${n}: generated ${n} artifacts in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      const r = spawnSync(process.execPath, ["--import", "tsx", self, "--child", dir], { encoding: "utf8" });
      if (r.status !== 0) throw new Error(`publish of ${n} failed:\n${r.stderr}${r.stdout}`);
      const f = JSON.parse(r.stdout.trim().split("\n").pop()!) as Figures;
      rows.push(f);
      console.log(
        `${n}: publish ${f.seconds.toFixed(2)} s (checks ${(f.seconds - f.gitSeconds).toFixed(2)} s, git ${f.gitSeconds.toFixed(2)} s), ${f.written} written from ${f.shards} shards, ${(
          (f.seconds * 1000) /
          n
        ).toFixed(
          2,
        )} ms per artifact, peak RSS ${f.maxRssMb.toFixed(0)} MB, cpu ${f.cpuSeconds.toFixed(1)} s`,
      );
      if (!o.keep) {
        rmSync(readFileSync(join(dir, "root"), "utf8"), { recursive: true, force: true });
        rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
      }
    }
    for (let i = 1; i < rows.length; i++) {
      const a = rows[i - 1]!;
      const b = rows[i]!;
      console.log(
        `ratio ${b.n}/${a.n} (size ×${(b.n / a.n).toFixed(0)}): time ×${(b.seconds / a.seconds).toFixed(2)}, per artifact ×${(b.seconds / b.n / (a.seconds / a.n)).toFixed(2)}, cpu ×${(b.cpuSeconds / a.cpuSeconds).toFixed(2)}, peak RSS ×${(b.maxRssMb / a.maxRssMb).toFixed(2)}`,
      );
    }
    console.log(
      `load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(" ")} on ${cpus().length} CPUs (wall time swings with others' load; cpu time less so)`,
    );
    if (o.keep) console.log(`kept: ${tmp}`);
  } finally {
    if (!o.keep) rmSync(tmp, { recursive: true, force: true, maxRetries: 5 });
  }
}

if (o.child) await child(o.child);
else await main();
