/**
 * The runs of orderings.test.ts: each entry through one challenge with the real harness (or, for the
 * first robust-service run, through the CLI as a contributor runs it), sharing one measured
 * reference per challenge; every run is printed as a row with its components.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ChallengeId, RunRecord } from "../../record/run-record.ts";
import { parseRunRecord } from "../../record/run-record.ts";
import { runEntry } from "../../harness/run.ts";
import { cli, leftoverProjects, SharedReference } from "./helpers.ts";

/** Small enough for CI on 2 cores, large enough for every phase and fault to last whole seconds. */
export const SCALE = 0.2;
/** longest-upkeep packs 15 faults into its load: at 0.25 they are 3–4 s apart, not 2–3. */
export const UPKEEP_SCALE = 0.25;

interface Row {
  challenge: ChallengeId;
  login: string;
  scale: number;
  record: RunRecord;
  seconds: number;
}

function formatRow({ challenge, login, scale, record, seconds }: Row): string {
  const parts = record.components.map((c) => `${c.id}=${c.points} (${c.value ?? "n/a"} ${c.unit})`);
  const gate = record.verification.passed ? "" : " [verification failed]";
  return `${challenge.padEnd(21)} ${login.padEnd(20)} ${String(record.score).padStart(7)}${gate} | ${parts.join(", ")} | scale ${scale}, ${seconds.toFixed(0)} s`;
}

export class OrderingRuns {
  private readonly rows: Row[] = [];
  /** The first run of each challenge measures the reference; the others are scored against it. */
  private readonly shared = new SharedReference();

  constructor(private readonly root: string) {}

  /** Where a run's run.json and report.md go: SRE_CHAOS_E2E_OUT when set (kept for a look after). */
  outDir(challenge: ChallengeId, login: string): string {
    return join(process.env.SRE_CHAOS_E2E_OUT ?? join(this.root, "out"), challenge, login);
  }

  /** Runs one entry through one challenge with the real harness; records and prints the row. */
  async run(login: string, challenge: ChallengeId): Promise<RunRecord> {
    const scale = challenge === "longest-upkeep" ? UPKEEP_SCALE : SCALE;
    const t0 = Date.now();
    const lines: string[] = [];
    const outDir = this.outDir(challenge, login);
    const { record } = await runEntry({
      root: this.root,
      login,
      challenge,
      scale,
      outDir,
      log: (line) => lines.push(line),
      recordedReference: this.shared.for(challenge),
    }).catch((e: unknown) => {
      console.log(
        `${challenge} ${login}: the run failed; its last log lines:\n${lines.slice(-30).join("\n")}`,
      );
      throw e;
    });
    // The shortcut is taken when offered, and the record says from which run.
    const from = this.shared.from(challenge);
    assert.equal(record.provenance.referenceRecordedFrom, from, `${login}: reference source`);
    return this.finish(record, outDir, t0);
  }

  /**
   * The template through robust-service as a contributor runs it: `sre-chaos run` in a child
   * process. The first run of the challenge: it measures url-anvil (the CLI has no recorded reference).
   */
  runCli(login: string): { record: RunRecord; stdout: string; outDir: string } {
    assert.equal(this.shared.for("robust-service"), undefined, "the CLI run is the first of its challenge");
    const t0 = Date.now();
    const outDir = this.outDir("robust-service", login);
    const args = ["run", login, "--challenge", "robust-service", "--scale", String(SCALE), "--out", outDir];
    const r = cli(this.root, args);
    assert.equal(r.status, 0, `sre-chaos run failed:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
    const record = parseRunRecord(readFileSync(join(outDir, "run.json"), "utf8"), "run.json");
    return { record: this.finish(record, outDir, t0), stdout: r.stdout, outDir };
  }

  /** Every row again, for the end of the log. */
  print(): void {
    console.log("\nscores (points per component; value in its unit)");
    for (const r of this.rows) console.log(formatRow(r));
  }

  /** Keeps the record's reference for later runs, prints its row, checks its stack is gone. */
  private finish(record: RunRecord, outDir: string, t0: number): RunRecord {
    const { challenge, login } = record;
    this.shared.keep(record, join(outDir, "run.json"));
    const seconds = (Date.now() - t0) / 1000;
    const row = { challenge, login, scale: record.provenance.scale, record, seconds };
    this.rows.push(row);
    console.log(formatRow(row));
    // Only this run's project: other runs may share the Docker Engine on a developer's machine.
    const project = `srechaos-${record.runId.toLowerCase()}`;
    assert.ok(!leftoverProjects().includes(project), `the stack of ${login} (${project}) was torn down`);
    return record;
  }
}
