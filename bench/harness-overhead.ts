/**
 * Harness overhead: the wall time of a whole run minus its load phases (build, stack start,
 * health wait, gate, Prometheus queries, teardown). Runs the example entry on robust-service at a
 * small scale, `RUNS` times (default 2), in a throwaway root. Prints figures and ratios, and the
 * score's spread across the runs with each run's components (reproducibility).
 *
 *   node --import tsx bench/harness-overhead.ts [--runs N] [--scale X] [--challenge ID]
 */
import { provisionSandbox } from "../sandbox/provision.ts";
import { runEntry } from "../harness/run.ts";
import { tempRoot } from "../test/e2e/helpers.ts";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { CHALLENGE_IDS, type ChallengeId } from "../record/run-record.ts";

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const runs = arg("runs", 2);
const scale = arg("scale", 0.2);
const ci = process.argv.indexOf("--challenge");
const challenge = (ci > 0 ? process.argv[ci + 1] : "robust-service") as ChallengeId;
if (!CHALLENGE_IDS.includes(challenge)) throw new Error(`--challenge: one of ${CHALLENGE_IDS.join(", ")}`);

await provisionSandbox({ log: () => undefined });
const t = tempRoot();
try {
  cpSync(join(t.root, "templates", "nginx"), join(t.root, "contributors", "example"), { recursive: true });
  const rows: { total: number; load: number; overhead: number; score: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await runEntry({
      root: t.root,
      login: "example",
      challenge,
      scale,
      outDir: join(t.root, `out-${i}`),
    });
    const load = r.timings.referenceLoad + r.timings.entryLoad;
    rows.push({ total: r.timings.total, load, overhead: r.timings.total - load, score: r.record.score });
    const parts = r.record.components.map((c) => `${c.id} ${c.points} (${c.value ?? "n/a"} ${c.unit})`);
    const ref = r.record.provenance.calibration?.referenceCapacityRps;
    console.log(`  components: ${parts.join(", ")}; reference capacity ${ref ?? "n/a"} req/s`);
    console.log(
      `run ${i + 1}: total ${r.timings.total.toFixed(1)} s, load ${load.toFixed(1)} s (reference ${r.timings.referenceLoad.toFixed(1)} + entry ${r.timings.entryLoad.toFixed(1)}), overhead ${(r.timings.total - load).toFixed(1)} s, score ${r.record.score}`,
    );
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const o = mean(rows.map((r) => r.overhead));
  const tot = mean(rows.map((r) => r.total));
  const scores = rows.map((r) => r.score);
  const spread =
    scores.length > 1 ? (Math.max(...scores) - Math.min(...scores)) / Math.max(1e-9, mean(scores)) : 0;
  console.log(
    `\nharness overhead: mean ${o.toFixed(1)} s per run = ${((100 * o) / tot).toFixed(0)}% of the wall time (scale ${scale}, ${runs} runs)`,
  );
  console.log(`score spread across runs: ${(100 * spread).toFixed(1)}% of the mean (${scores.join(", ")})`);
} finally {
  t.cleanup();
}
