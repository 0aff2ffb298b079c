/**
 * One run, end to end: the single function the CLI (`sre-chaos run`) and the GitHub Action
 * (evaluate mode) both call. Build → stack → health → gate → calibration → load + chaos →
 * Prometheus → score → record; the stack is torn down on success, failure and abort.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  serializeRunRecord,
  type ChallengeId,
  type Provenance,
  type RunRecord,
} from "../record/run-record.ts";
import { buildRecord } from "./record-build.ts";
import { renderReport } from "./report.ts";
import { createDocker, type Docker } from "./docker.ts";
import { buildEntryImage } from "./entry-build.ts";
import { buildPlatform } from "./platform-build.ts";
import { startStack, type Stack } from "./stack.ts";
import { imageEnv } from "./images.ts";
import { validateEntry } from "./entry/validate.ts";
import { readEntryConfig, type EntryConfig } from "./entry/entry-config.ts";
import { entryDir } from "./entry/paths.ts";
import { loadChallenge } from "./challenge-files.ts";
import { measureAndScore, type ScoredRun } from "./run-phases.ts";
import { collectProvenance } from "./provenance.ts";
import { readRecordedReference, type RecordedReference } from "./recorded-reference.ts";
import type { ChallengeDef } from "../scoring/index.ts";

export interface RunOptions {
  /** Repository root (holds contributors/, scoring/, docker-compose.yml). */
  root: string;
  login: string;
  /** Defaults to the challenge in the entry's entry.yml. */
  challenge?: ChallengeId;
  /** Multiplies every duration of the challenge (tests and quick local runs); default 1. */
  scale?: number;
  /** Where run.json and report.md go; default `.sre-chaos/runs/<login>/<run-id>/`. */
  outDir?: string;
  /** Facts only CI knows (repository, PR, head SHA, workflow run id/attempt); the rest is measured. */
  provenance?: Partial<
    Pick<Provenance, "repository" | "pullRequest" | "headSha" | "workflowRunId" | "workflowRunAttempt">
  >;
  /** Progress and log lines. */
  log?: (line: string) => void;
  /** Live progress line (redrawn on a terminal); defaults to `log`. */
  progress?: (line: string, elapsedSeconds: number) => void;
  /** Aborts the run (Ctrl-C); the stack is torn down either way. */
  signal?: AbortSignal;
  docker?: Docker;
  /**
   * Tests only: the path of an earlier run.json of the same challenge and scale whose reference
   * measurements this run reuses instead of measuring url-anvil (harness/recorded-reference.ts).
   * The record says so and is never published.
   */
  recordedReference?: string;
}

export interface RunResult {
  record: RunRecord;
  /** The Markdown report, also written to `<outDir>/report.md`. */
  report: string;
  outDir: string;
  /** Wall-clock seconds: the whole run and its load phases (the rest is the harness's overhead). */
  timings: { total: number; referenceLoad: number; entryLoad: number };
}

/** An entry that breaks a rule of docs/ENTRY.md: nothing is built or run. */
export class EntryInvalidError extends Error {
  constructor(readonly violations: { file: string; rule: string; message: string }[]) {
    super(
      `the entry breaks ${violations.length} rule(s):\n` +
        violations.map((v) => `  ${v.file}: [${v.rule}] ${v.message}`).join("\n"),
    );
    this.name = "EntryInvalidError";
  }
}

/** `<UTC yyyymmddThhmmssZ>-<8 hex>`: sortable, unique, safe as a file and project name. */
export function newRunId(now: Date): string {
  const ts = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${ts}-${randomBytes(4).toString("hex")}`;
}

/** What a run knows before anything is built: the entry, its challenge, ids and paths. */
interface Prepared {
  opts: RunOptions;
  log: (line: string) => void;
  docker: Docker;
  started: Date;
  dir: string;
  entry: EntryConfig;
  challenge: ChallengeId;
  def: ChallengeDef;
  scale: number;
  runId: string;
  outDir: string;
  recorded: RecordedReference | undefined;
}

/** Builds the entry, starts the stack, verifies, loads, breaks, scores, writes the record, tears down. */
export async function runEntry(opts: RunOptions): Promise<RunResult> {
  const run = await prepare(opts);
  const buildTag = await buildPlatform(opts.root, run.log);
  const entryImage = `sre-chaos-entry/${opts.login.toLowerCase()}:${run.runId.toLowerCase()}`;
  const image = await buildEntry(run, entryImage);
  const scored = await runInStack(run, buildTag, entryImage);
  return writeResult(run, image.id, scored);
}

/** Validates the entry and reads what the run needs; a recorded reference that cannot serve fails here. */
async function prepare(opts: RunOptions): Promise<Prepared> {
  const log = opts.log ?? (() => undefined);
  const { root, login } = opts;
  const started = new Date();
  const violations = await validateEntry(root, login);
  if (violations.length) throw new EntryInvalidError(violations);
  const dir = entryDir(root, login);
  const entry = await readEntryConfig(dir);
  const challenge = opts.challenge ?? entry.challenge;
  const def = await loadChallenge(challenge, root);
  const scale = opts.scale ?? 1;
  const runId = newRunId(started);
  const outDir = opts.outDir ?? join(root, ".sre-chaos", "runs", login, runId);
  log(`run ${runId}: ${login} on ${challenge} (scale ${scale})`);
  // Read before anything is built: a record that cannot serve fails the run at once.
  const recorded = opts.recordedReference
    ? readRecordedReference(opts.recordedReference, challenge, scale)
    : undefined;
  const docker = opts.docker ?? createDocker();
  return { opts, log, docker, started, dir, entry, challenge, def, scale, runId, outDir, recorded };
}

/** The entry's image, under the build limits of docs/ENTRY.md (an error says which limit or rule, and where). */
async function buildEntry(run: Prepared, tag: string) {
  const t = Date.now();
  const image = await buildEntryImage({
    docker: run.docker,
    context: run.dir,
    tag,
    where: `contributors/${run.opts.login}/Dockerfile`,
    signal: run.opts.signal,
    log: run.log,
  });
  run.log(
    `built the entry image (${((Date.now() - t) / 1000).toFixed(1)} s, ${(image.size / 2 ** 20).toFixed(0)} MiB)`,
  );
  return image;
}

/** Starts the stack, measures and scores; the stack, work folder and image tag go on every outcome. */
async function runInStack(run: Prepared, buildTag: string, entryImage: string): Promise<ScoredRun> {
  const { opts, log, docker, entry, recorded } = run;
  const workDir = join(opts.root, ".sre-chaos", "work", run.runId);
  const quoteKey = randomBytes(32).toString("hex");
  let stack: Stack | null = null;
  const onAbort = () => log("aborting: tearing the stack down…");
  opts.signal?.addEventListener("abort", onAbort);
  try {
    stack = await startStack({
      root: opts.root,
      runDir: workDir,
      runId: run.runId,
      docker,
      env: await imageEnv(),
      quoteKey,
      buildTag,
      entry: { image: entryImage, port: entry.port, restart: entry.restart, healthcheck: entry.healthcheck },
      // Every challenge calibrates on the reference app (rates in `kx` units, robust-service's
      // normalization); with a recorded reference its figures come from an earlier run instead.
      withReference: !recorded,
      log,
    });
    return await measureAndScore({
      stack,
      def: run.def,
      scale: run.scale,
      quoteKey,
      docker,
      log,
      progress: opts.progress ?? ((line: string) => log(line)),
      signal: opts.signal,
      login: opts.login,
      recorded,
    });
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
    if (stack) await stack.down();
    rmSync(workDir, { recursive: true, force: true });
    // One tag per run would pile up; the record keeps the image's digest (provenance).
    await docker.untag(entryImage);
  }
}

/** The record and the report, written to the run's output folder. */
async function writeResult(run: Prepared, imageId: string, scored: ScoredRun): Promise<RunResult> {
  const { opts, recorded, runId, outDir } = run;
  const provenance = await collectProvenance({
    root: opts.root,
    scale: run.scale,
    ci: opts.provenance ?? {},
    entryImageDigest: imageId,
    prometheusVersion: scored.prometheusVersion,
    placement: scored.placement,
    calibration: scored.calibration,
    ...(recorded ? { referenceRecordedFrom: recorded.runId } : {}),
  });
  const record = buildRecord({
    runId,
    login: opts.login,
    challenge: run.challenge,
    description: run.entry.description,
    startedAt: run.started.toISOString(),
    finishedAt: new Date().toISOString(),
    score: scored.score.score,
    scoreUnit: scored.score.scoreUnit,
    components: scored.score.components,
    checks: scored.checks,
    verificationPassed: scored.verificationPassed,
    measurements: scored.measurements,
    reference: scored.reference ?? null,
    loadStart: scored.loadStart,
    provenance,
    integrity: scored.integrity,
    failure: scored.failure,
    ladder: scored.ladder,
  });
  const json = serializeRunRecord(record, `run ${runId}`);
  const report = renderReport(record);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "run.json"), json);
  writeFileSync(join(outDir, "report.md"), report);
  const timings = {
    total: (Date.now() - run.started.getTime()) / 1000,
    referenceLoad: scored.loadSeconds.reference,
    entryLoad: scored.loadSeconds.entry,
  };
  return { record, report, outDir, timings };
}
