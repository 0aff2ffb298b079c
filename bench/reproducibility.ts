/**
 * Reproducibility: how much a score moves when nothing about the entry changes.
 *
 * 1. Noise: for each challenge, K runs of the template → coefficient of variation (CV) of the raw
 *    figure (capacity, goodput or streak), of the reference's capacity and of the score.
 * 2. Rank stability: a set of at least 5 entries of distinct quality (test/fixtures/entries/ and the
 *    template), each run K times → Kendall's τ between each round's ranking and the designed order.
 * 3. Slower runner: the template again per challenge (once with --quick, else K times) while a steady background CPU load (one
 *    busy-looping container at --cpus 1, started and stopped here) takes half the machine → drift of
 *    the mean score against the quiet runs.
 *
 * Every run goes through the public harness (`runEntry`, what `sre-chaos run` calls) in a
 * throwaway root. Hold the shared Docker lock while it runs:
 *
 *   flock /tmp/sre-docker.lock node --import tsx bench/reproducibility.ts [--quick] [--k N]
 *     [--scale X] [--only robust-service,…] [--tau robust-service,graceful-degradation|none] [--no-slow]
 *
 * `--only` limits every part to the challenges named; `--tau none` skips rank stability.
 *
 * `--quick`: K = 2, scale 0.2 (longest-upkeep 0.25), τ on robust-service only. Aims: CV of the
 * score ≤ 3 %, τ = 1, drift ≤ 5 %. The table is printed whatever the figures are.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { provisionSandbox } from "../sandbox/provision.ts";
import { BASE_TAG } from "../sandbox/recipes.ts";
import { runEntry } from "../harness/run.ts";
import { createEntry } from "../harness/entry/new-entry.ts";
import { run as exec } from "../harness/exec.ts";
import { CHALLENGE_IDS, type ChallengeId, type RunRecord } from "../record/run-record.ts";
import { tempRoot } from "../test/e2e/helpers.ts";
import { cv, kendallTau, mean, type Row } from "./reproducibility-stats.ts";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    k: { type: "string" },
    scale: { type: "string" },
    tau: { type: "string" },
    only: { type: "string" },
    "no-slow": { type: "boolean", default: false },
  },
});
const quick = values.quick;
const K = Number(values.k ?? (quick ? 2 : 5));
const SCALE = Number(values.scale ?? (quick ? 0.2 : 0.5));
if (!(K >= 2 && Number.isInteger(K))) throw new Error(`--k: a whole number ≥ 2, got ${values.k}`);
if (!(SCALE > 0 && SCALE <= 1)) throw new Error(`--scale: a number in (0, 1], got ${values.scale}`);
/** Challenge ids from a comma-separated option; "none" is the empty list. */
function challengeList(option: string, text: string): ChallengeId[] {
  if (text === "none") return [];
  const ids = text.split(",");
  for (const c of ids)
    if (!(CHALLENGE_IDS as readonly string[]).includes(c))
      throw new Error(`--${option}: unknown challenge "${c}" (valid: ${CHALLENGE_IDS.join(", ")}, or none)`);
  return ids as ChallengeId[];
}
const only = challengeList("only", values.only ?? CHALLENGE_IDS.join(","));
const tauChallenges = challengeList(
  "tau",
  values.tau ?? (quick ? "robust-service" : CHALLENGE_IDS.join(",")),
).filter((c) => only.includes(c));

/** longest-upkeep packs its faults tightly: below 0.25 they would be under 4 s apart. */
const scaleOf = (c: ChallengeId) => (c === "longest-upkeep" ? Math.max(SCALE, 0.25) : SCALE);
/** The template, exactly as `sre-chaos new` makes it. */
const TEMPLATE = "good";
/** Entries in their designed order of quality, best first (docs/CHALLENGES.md, "Test entries"). */
const ORDER: Record<ChallengeId, string[]> = {
  "robust-service": ["tuned", TEMPLATE, "modest", "weak", "shed-all"],
  "graceful-degradation": ["tuned", TEMPLATE, "modest", "weak", "shed-all"],
  "longest-upkeep": ["tuned", TEMPLATE, "fragile", "weak", "shed-all"],
};
/** The figure behind each challenge's score, before any normalization. */
const RAW: Record<ChallengeId, string> = {
  "robust-service": "capacity",
  "graceful-degradation": "goodput",
  "longest-upkeep": "longest-streak",
};

const t = tempRoot();
/** Every run; an invalid one (its score is 0 whatever it measured) is listed but not in the figures. */
const rows: Row[] = [];
const measured = (f: (r: Row) => boolean) => rows.filter((r) => r.valid && f(r));

async function once(login: string, challenge: ChallengeId, slow: boolean): Promise<Row | null> {
  const lines: string[] = [];
  const t0 = Date.now();
  try {
    const { record } = await runEntry({
      root: t.root,
      login,
      challenge,
      scale: scaleOf(challenge),
      outDir: join(t.root, "out", `${challenge}-${login}-${rows.length}`),
      log: (line) => lines.push(line),
    });
    const row = toRow(record, slow);
    rows.push(row);
    console.log(
      `${challenge.padEnd(21)} ${login.padEnd(9)} ${slow ? "slow " : "quiet"} score ${String(row.score).padStart(7)}  raw ${row.raw ?? "n/a"}  ref ${row.reference ?? "n/a"} req/s  (${((Date.now() - t0) / 1000).toFixed(0)} s)${record.integrity?.valid === false ? `  INVALID: ${record.integrity.problems.join("; ")}` : ""}`,
    );
    return row;
  } catch (e) {
    console.log(`${challenge} ${login}: the run failed (${(e as Error).message}); last lines:`);
    console.log(lines.slice(-8).join("\n"));
    return null;
  }
}

function toRow(r: RunRecord, slow: boolean): Row {
  return {
    challenge: r.challenge,
    login: r.login,
    slow,
    score: r.score,
    raw: r.components.find((c) => c.id === RAW[r.challenge])?.value ?? null,
    reference: r.provenance.calibration?.referenceCapacityRps ?? null,
    valid: r.integrity?.valid !== false,
  };
}

/** A steady background load the run did not start: one busy loop on one CPU's worth of time. */
async function withBackgroundLoad<T>(body: () => Promise<T>): Promise<T> {
  const name = `srechaos-bench-load-${randomBytes(4).toString("hex")}`;
  const args = ["run", "-d", "--rm", "--name", name, "--cpus", "1", "--network", "none"];
  await exec("docker", [...args, BASE_TAG, "sh", "-c", "while :; do :; done"], { timeoutMs: 60_000 });
  try {
    return await body();
  } finally {
    await exec("docker", ["rm", "-f", name], { timeoutMs: 60_000 });
  }
}

const fmtPct = (x: number | null) => (x === null ? "n/a" : `${(100 * x).toFixed(1)} %`);
const fmtNum = (x: number | null) => (x === null ? "n/a" : x.toFixed(1));

function noiseTable(): string[] {
  const out = [
    `| challenge | runs | score (mean) | CV score | raw (mean) | CV raw | reference req/s (mean) | CV reference |`,
    `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
  ];
  for (const c of only) {
    const rs = measured((r) => r.challenge === c && r.login === TEMPLATE && !r.slow);
    const col = (f: (r: Row) => number | null) => rs.map(f).filter((x): x is number => x !== null);
    const [s, raw, ref] = [col((r) => r.score), col((r) => r.raw), col((r) => r.reference)];
    out.push(
      `| ${c} | ${rs.length} | ${fmtNum(mean(s))} | ${fmtPct(cv(s))} | ${fmtNum(mean(raw))} | ${fmtPct(cv(raw))} | ${fmtNum(mean(ref))} | ${fmtPct(cv(ref))} |`,
    );
  }
  return out;
}

function tauTable(): string[] {
  const out = [
    `| challenge | order expected (best first) | τ per round | mean scores |`,
    `| --- | --- | --- | --- |`,
  ];
  for (const c of tauChallenges) {
    const order = ORDER[c];
    const taus: string[] = [];
    for (let k = 0; k < K; k++) {
      // Round k: each entry's k-th run of this challenge (an invalid run leaves the round incomplete).
      const scores = order.map((login) => {
        const run = rows.filter((r) => r.challenge === c && r.login === login && !r.slow)[k];
        return run?.valid ? run.score : undefined;
      });
      taus.push(scores.every((x) => x !== undefined) ? kendallTau(scores as number[]).toFixed(2) : "n/a");
    }
    const means = order.map((login) =>
      fmtNum(mean(measured((r) => r.challenge === c && r.login === login && !r.slow).map((r) => r.score))),
    );
    out.push(`| ${c} | ${order.join(" > ")} | ${taus.join(", ")} | ${means.join(", ")} |`);
  }
  return out;
}

function driftTable(): string[] {
  const out = [
    `| challenge | quiet score (mean) | slow-runner score (mean) | drift |`,
    `| --- | ---: | ---: | ---: |`,
  ];
  for (const c of only) {
    const of = (slow: boolean) =>
      mean(measured((r) => r.challenge === c && r.login === TEMPLATE && r.slow === slow).map((r) => r.score));
    const [q, s] = [of(false), of(true)];
    const drift = q !== null && s !== null && q > 0 ? (s - q) / q : null;
    out.push(
      `| ${c} | ${fmtNum(q)} | ${fmtNum(s)} | ${drift === null ? "n/a" : `${drift >= 0 ? "+" : ""}${fmtPct(drift)}`} |`,
    );
  }
  return out;
}

const started = Date.now();
try {
  await provisionSandbox({ log: () => undefined });
  const made = await createEntry({ root: t.root, login: TEMPLATE });
  if (made.report.violations.length) throw new Error("the template is not a valid entry");
  const logins = new Set(tauChallenges.flatMap((c) => ORDER[c]));
  for (const login of logins) if (login !== TEMPLATE) t.addFixture(login, login);
  console.log(`reproducibility: K = ${K}, scale ${SCALE} (longest-upkeep ${scaleOf("longest-upkeep")})`);
  // Rounds: each round runs every entry once, so a slow drift of the machine hits all entries alike.
  for (let k = 0; k < K; k++)
    for (const c of only) {
      const entries = tauChallenges.includes(c) ? ORDER[c] : [TEMPLATE];
      for (const login of entries) await once(login, c, false);
    }
  if (!values["no-slow"])
    await withBackgroundLoad(async () => {
      for (let k = 0; k < (quick ? 1 : K); k++) for (const c of only) await once(TEMPLATE, c, true);
    });
} finally {
  t.cleanup();
  const minutes = ((Date.now() - started) / 60_000).toFixed(0);
  console.log(`\n### Noise: the template, ${K} runs per challenge\n`);
  console.log(noiseTable().join("\n"));
  console.log(`\n### Rank stability (Kendall τ against the designed order)\n`);
  console.log(tauTable().join("\n"));
  console.log(`\n### Slower runner (a steady background load on one CPU of two)\n`);
  console.log(values["no-slow"] ? "(skipped: --no-slow)" : driftTable().join("\n"));
  const invalid = rows.filter((r) => !r.valid).length;
  console.log(
    `\n${rows.length} runs (${invalid} invalid, left out of the figures) in ${minutes} min. Aims: CV score ≤ 3 %, τ = 1, |drift| ≤ 5 %.`,
  );
}
