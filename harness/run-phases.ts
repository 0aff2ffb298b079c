/**
 * What happens while the stack is up: wait for health (bounded), the verification gate,
 * calibration on the reference app, the entry's load with its chaos timeline, and scoring from
 * what Prometheus and the Docker Engine measured.
 */
import { randomBytes } from "node:crypto";
import type { Check, Integrity } from "../record/run-record.ts";
import type { FaultWindow, Measurements } from "../scoring/measurements.ts";
import type { ChallengeDef, RunPlan, StagePlan } from "../scoring/index.ts";
import {
  planCalibration,
  planRun,
  referenceCapacity,
  scoreRun,
  stageWithinSlo,
  zeroScore,
} from "../scoring/index.ts";
import type { Docker } from "./docker.ts";
import { ChaosRun } from "./chaos.ts";
import { withEntryFrozen } from "./calibration.ts";
import { phasesOf, sampleResources, watchRestarts } from "./load-watch.ts";
import { loadChecks } from "./record-build.ts";
import { ENTRY_LIMITS } from "./compose-entry.ts";
import { checkCalibration, checkLoad, loadPathCautions, pacerLagLine, verdict } from "./integrity.ts";
import type { LoadConfig } from "./loadgen-client.ts";
import type { EntryFailure } from "../record/failure.ts";
import { runLoad } from "./load-run.ts";
import { queryRawSeconds, toMeasurements } from "./measure.ts";
import { TARGETS, type CpuPlacement, type Stack } from "./stack.ts";
import { gateWhenHealthy, type Gate } from "./health-gate.ts";
import type { RecordedReference } from "./recorded-reference.ts";

export interface PhaseContext {
  stack: Stack;
  def: ChallengeDef;
  scale: number;
  quoteKey: string;
  docker: Docker;
  login: string;
  log: (line: string) => void;
  progress: (line: string, elapsed: number) => void;
  signal?: AbortSignal;
  /** Tests only: reference measurements from an earlier run, used instead of measuring url-anvil. */
  recorded?: RecordedReference;
}

export interface ScoredRun {
  /** Seconds spent in the load phases (calibration and entry), for the overhead benchmark. */
  loadSeconds: { reference: number; entry: number };
  score: ReturnType<typeof scoreRun>;
  checks: Check[];
  verificationPassed: boolean;
  measurements: Measurements | null;
  /** The reference's calibration load the score was computed against (absent: none ran). */
  reference?: Measurements | null;
  /** ISO time of the entry's load start (t = 0 of the series). */
  loadStart: string;
  prometheusVersion: string | null;
  placement: CpuPlacement;
  calibration: Record<string, number> | null;
  /** The plausibility checks' verdict on every load of the run (harness/integrity.ts). */
  integrity: Integrity;
  /** Why the entry never became healthy, when that failed the gate. */
  failure?: EntryFailure;
}

/** One load run against a target, measured into `Measurements`. */
async function loadAndMeasure(
  ctx: PhaseContext,
  label: string,
  target: string,
  container: string,
  plan: RunPlan,
  stages: StagePlan[],
  withChaos: boolean,
): Promise<{
  m: Measurements;
  t0: number;
  problems: string[];
  cautions: string[];
  pacerLag: (number | null)[];
}> {
  const { stack, def, docker, log } = ctx;
  const config: LoadConfig = {
    runId: `${label}-${randomBytes(4).toString("hex")}`,
    target,
    stages: stages.map((s) => ({ ...s })),
    mix: plan.mix,
    timeoutMs: plan.timeoutMs,
    maxInFlight: plan.maxInFlight,
    quoteKey: ctx.quoteKey,
    quoteMaxAgeSeconds: plan.quoteMaxAgeSeconds,
    fastFailMs: plan.fastFailMs,
  };
  const restarts = watchRestarts(docker, container, (await docker.inspect(container)).startedAt);
  const resources = sampleResources(docker, container);
  let chaos: ChaosRun | null = null;
  let faults: FaultWindow[] | null = null;
  let failedInARow = 0;
  const stopAfter = def.stopAfterFailedSteps ?? 0;
  try {
    const result = await runLoad(stack.loadgen, stack.prometheus, config, {
      label,
      progress: ctx.progress,
      signal: ctx.signal,
      onStart: (t0ms) => {
        if (!withChaos || plan.faults.length === 0) return;
        chaos = new ChaosRun(
          { docker, entry: container, toxiproxy: stack.toxiproxy, upstream: stack.upstream, log },
          t0ms,
        );
        chaos.schedule(plan.faults);
      },
      onStageEnd:
        stopAfter > 0
          ? async (index, t0) => {
              const phase = phasesOf(stages, Infinity)[index];
              if (!phase) return false;
              const raw = await queryRawSeconds(stack.prometheus, config.runId, t0, Math.ceil(phase.end));
              const m = toMeasurements(raw, [phase], [], 0, { cpu: [], memory: [] });
              failedInARow = stageWithinSlo(def, m.phases[0]!) ? 0 : failedInARow + 1;
              if (failedInARow >= stopAfter)
                log(`${label}: SLO failed for ${failedInARow} steps in a row; stopping the load`);
              return failedInARow >= stopAfter;
            }
          : undefined,
    });
    faults = chaos ? await (chaos as ChaosRun).finish() : [];
    await restarts.check();
    const perSecond = resources.perSecond(result.t0, result.seconds);
    const m = toMeasurements(result.raw, phasesOf(stages, result.seconds), faults, restarts.count, perSecond);
    // The reference has the entry's sandbox, so the same CPU limit bounds both.
    const facts = {
      label: `${label} load`,
      runId: config.runId,
      cpu: perSecond.cpu,
      cpuLimit: ENTRY_LIMITS.cpus,
    };
    return {
      m,
      t0: result.t0,
      problems: checkLoad({ ...result, ...facts }),
      cautions: loadPathCautions(
        facts.label,
        label === "entry" ? "entry" : "reference app",
        result.raw.pacerLag,
        m.phases,
      ),
      pacerLag: result.raw.pacerLag,
    };
  } finally {
    // A failed run still reverts every fault it applied.
    if (chaos && faults === null) await (chaos as ChaosRun).finish();
    resources.stop();
    restarts.stop();
  }
}

/** The score and record fields of a run that ended at a failed gate: nothing was loaded. */
function gateFailed(
  def: ChallengeDef,
  base: Pick<ScoredRun, "prometheusVersion" | "placement" | "loadSeconds">,
  gate: Pick<Gate, "checks" | "failure">,
  problems: string[],
): ScoredRun {
  return {
    ...base,
    score: scoreRun(def, null, null, { passed: false, wrongBodyRatio: 0 }),
    checks: gate.checks,
    verificationPassed: false,
    measurements: null,
    loadStart: new Date().toISOString(),
    calibration: null,
    integrity: verdict(problems),
    ...(gate.failure ? { failure: gate.failure } : {}),
  };
}

type Calibrated =
  | { reference: Measurements | null; capacity: number | null }
  /** The entry failed its gate once thawed after the reference's load. */
  | { failedAfter: Gate };

/**
 * The reference's figures for a run: none when the challenge has no calibration, recorded ones
 * (tests only), or url-anvil measured while the entry is frozen — then the entry's gate again.
 * The reference load's problems go to `problems`, its cautions to `cautions`, its wall time to
 * `loadSeconds.reference`.
 */
async function calibrate(
  ctx: PhaseContext,
  draft: RunPlan,
  found: { problems: string[]; cautions: string[] },
  loadSeconds: ScoredRun["loadSeconds"],
): Promise<Calibrated> {
  const { stack, def, log } = ctx;
  const calibration = draft.calibration;
  if (!calibration) return { reference: null, capacity: null };
  if (ctx.recorded) {
    const reference = ctx.recorded.reference;
    const capacity = referenceCapacity(def, reference);
    log(`reference capacity: ${capacity.toFixed(0)} req/s (recorded in run ${ctx.recorded.runId})`);
    return { reference, capacity };
  }
  const refContainer = await stack.compose.containerId("reference");
  const parts = { ...stack, docker: ctx.docker, log };
  const reference = await withEntryFrozen(parts, async () => {
    const refGate = await gateWhenHealthy(ctx, TARGETS.reference, refContainer, "reference");
    if (!refGate.passed)
      throw new Error(`the reference app failed its own gate: ${JSON.stringify(refGate.checks)}`);
    log("calibrating on the reference app (url-anvil)…");
    const tRef = Date.now();
    const measuredRef = await loadAndMeasure(
      ctx,
      "reference",
      TARGETS.reference,
      refContainer,
      draft,
      calibration,
      false,
    );
    loadSeconds.reference = (Date.now() - tRef) / 1000;
    found.problems.push(...measuredRef.problems);
    found.cautions.push(...measuredRef.cautions);
    log(`reference load: ${pacerLagLine(measuredRef.pacerLag)}`);
    return measuredRef.m;
  });
  // The reference is done: it takes no CPU from the entry while the entry is measured.
  await ctx.docker.stop(refContainer);
  const capacity = referenceCapacity(def, reference);
  log(`reference capacity: ${capacity.toFixed(0)} req/s`);
  const thawed = await gateWhenHealthy(ctx, TARGETS.entry, stack.entryContainer, "entry");
  if (!thawed.passed) {
    log("verification gate after calibration: FAILED");
    const checks = thawed.checks.map((c) => ({ ...c, name: `after calibration: ${c.name}`.slice(0, 100) }));
    return { failedAfter: { ...thawed, checks } };
  }
  return { reference, capacity };
}

export async function measureAndScore(ctx: PhaseContext): Promise<ScoredRun> {
  const { stack, def, scale, log } = ctx;
  const prometheusVersion = await stack.prometheus.version();
  const loadSeconds = { reference: 0, entry: 0 };
  const base = { prometheusVersion, placement: stack.placement, loadSeconds };
  log("waiting for the entry to become healthy…");
  const gate = await gateWhenHealthy(ctx, TARGETS.entry, stack.entryContainer, "entry");
  const failedNames = gate.checks.filter((c) => !c.passed).map((c) => c.name);
  log(gate.passed ? "verification gate: passed" : `verification gate: FAILED (${failedNames.join(", ")})`);
  if (!gate.passed) return gateFailed(def, base, gate, []);

  // Every load's problems (any one makes the run invalid: score 0) and cautions (the run stands).
  const problems: string[] = [];
  const cautions: string[] = [];
  const calibrated = await calibrate(ctx, planCalibration(def, scale), { problems, cautions }, loadSeconds);
  if ("failedAfter" in calibrated) return gateFailed(def, base, calibrated.failedAfter, problems);
  const { reference, capacity } = calibrated;
  const noCapacity = checkCalibration(capacity);
  if (noCapacity.length) {
    // No default capacity: nothing to plan the entry's load against, nor to score it against.
    problems.push(...noCapacity);
    log(`invalid run: ${problems.join("; ")}`);
    const why = "The reference calibration measured no capacity, so the run is invalid and scores 0.";
    return {
      ...base,
      score: zeroScore(def, why),
      checks: gate.checks,
      verificationPassed: true,
      measurements: null,
      loadStart: new Date().toISOString(),
      calibration: null,
      integrity: verdict(problems, cautions),
    };
  }
  const plan = planRun(def, { scale, referenceCapacity: capacity });
  const tEntry = Date.now();
  const { m, t0, ...entryLoad } = await loadAndMeasure(
    ctx,
    "entry",
    TARGETS.entry,
    stack.entryContainer,
    plan,
    plan.stages,
    true,
  );
  loadSeconds.entry = (Date.now() - tEntry) / 1000;
  problems.push(...entryLoad.problems);
  cautions.push(...entryLoad.cautions);
  if (problems.length) log(`invalid run: ${problems.join("; ")}`);
  log(`entry load: ${pacerLagLine(entryLoad.pacerLag)}`);
  for (const c of cautions) log(`caution: ${c}`);
  const { checked, failed } = loadChecks(m);
  const score = scoreRun(def, m, reference, { passed: true, wrongBodyRatio: checked ? failed / checked : 0 });
  return {
    ...base,
    loadSeconds,
    score,
    checks: gate.checks,
    verificationPassed: true,
    measurements: m,
    reference,
    loadStart: new Date(t0 * 1000).toISOString(),
    calibration: capacity === null ? null : { referenceCapacityRps: Number(capacity.toFixed(1)) },
    integrity: verdict(problems, cautions),
  };
}
