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
import { checkCalibration, checkLoad, verdict } from "./integrity.ts";
import type { GateResult, LoadConfig } from "./loadgen-client.ts";
import type { EntryFailure } from "../record/failure.ts";
import { failureHeadline } from "../record/failure.ts";
import { collectFailure, RESTART_LOOP_RESTARTS } from "./entry-failure.ts";
import { runLoad } from "./load-run.ts";
import { queryRawSeconds, toMeasurements } from "./measure.ts";
import { TARGETS, type CpuPlacement, type Stack } from "./stack.ts";
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

/** How long an entry may take to become healthy after start, whatever the scale. */
const HEALTH_TIMEOUT_MS = 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A gate's result; `failure` says why the container never became healthy (record/failure.ts). */
export type Gate = GateResult & { failure?: EntryFailure };

/** What the gate needs of a run: the stack, the Docker Engine, the run's quote key and quote age. */
export type GateContext = Pick<PhaseContext, "stack" | "docker" | "quoteKey"> & {
  def: Pick<PhaseContext["def"], "quoteMaxAgeSeconds">;
};

/**
 * Waits until the entry answers /healthz through the load path, then runs the full gate. Gives up
 * when the container stops, restarts RESTART_LOOP_RESTARTS times, or is not healthy in time.
 */
export async function gateWhenHealthy(
  ctx: GateContext,
  target: string,
  container: string,
  service: "entry" | "reference",
): Promise<Gate> {
  const { stack, docker, quoteKey } = ctx;
  const started = Date.now();
  const deadline = started + HEALTH_TIMEOUT_MS;
  const restartsBefore = await restartCount(docker, container);
  const failed = async (name: string, lead: string, checks: GateResult["checks"] = []): Promise<Gate> => {
    const secrets = [quoteKey, stack.compose.project, stack.compose.project.replace(/^srechaos-/, "")];
    const waitedSeconds = (Date.now() - started) / 1000;
    const failure = await collectFailure(docker, container, { restartsBefore, waitedSeconds, secrets });
    const who = service === "reference" ? "the reference app: " : "";
    const detail = `${who}${lead}${failureHeadline(failure)}${lastLogLine(failure)}`.slice(0, 2000);
    return { passed: false, checks: [{ name, passed: false, detail }, ...checks], failure };
  };
  let last: GateResult;
  for (;;) {
    const state = await docker.inspect(container);
    if (!state.running && state.status !== "restarting") return failed("starts", "");
    if ((await restartCount(docker, container)) - restartsBefore >= RESTART_LOOP_RESTARTS)
      return failed("starts", "");
    last = await stack.loadgen.gate(target, quoteKey, ctx.def.quoteMaxAgeSeconds);
    const healthz = last.checks.find((c) => /healthz/.test(c.name));
    if (healthz?.passed && (state.health === null || state.health === "healthy")) return last;
    if (Date.now() > deadline) {
      const lead = `not healthy after ${HEALTH_TIMEOUT_MS / 1000} s (docker health: ${state.health ?? "no healthcheck"}). `;
      return failed("healthy in time", lead, last.checks);
    }
    await sleep(1000);
  }
}

/** Docker's RestartCount of a container (0 when it cannot be read). */
async function restartCount(docker: Docker, container: string): Promise<number> {
  const j = (await docker.inspectJson(container).catch(() => ({}))) as { RestartCount?: number };
  return j.RestartCount ?? 0;
}

/** The entry's own last log line, for the one-line check detail. */
function lastLogLine(f: EntryFailure): string {
  const line = f.logTail.at(-1);
  return line ? ` Its last log line: ${line}` : "";
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
): Promise<{ m: Measurements; t0: number; problems: string[] }> {
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
    return { m, t0: result.t0, problems: checkLoad({ ...result, ...facts }) };
  } finally {
    // A failed run still reverts every fault it applied.
    if (chaos && faults === null) await (chaos as ChaosRun).finish();
    resources.stop();
    restarts.stop();
  }
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
  if (!gate.passed) {
    const score = scoreRun(def, null, null, { passed: false, wrongBodyRatio: 0 });
    return {
      ...base,
      score,
      checks: gate.checks,
      verificationPassed: false,
      measurements: null,
      loadStart: new Date().toISOString(),
      calibration: null,
      integrity: verdict([]),
      ...(gate.failure ? { failure: gate.failure } : {}),
    };
  }

  let reference: Measurements | null = null;
  let capacity: number | null = null;
  // Every load's problems; any one makes the run invalid (score 0).
  const problems: string[] = [];
  const draft = planCalibration(def, scale);
  const calibration = draft.calibration;
  if (calibration && ctx.recorded) {
    reference = ctx.recorded.reference;
    capacity = referenceCapacity(def, reference);
    log(`reference capacity: ${capacity.toFixed(0)} req/s (recorded in run ${ctx.recorded.runId})`);
  } else if (calibration) {
    const refContainer = await stack.compose.containerId("reference");
    const parts = { ...stack, docker: ctx.docker, log };
    reference = await withEntryFrozen(parts, async () => {
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
      problems.push(...measuredRef.problems);
      return measuredRef.m;
    });
    // The reference is done: it takes no CPU from the entry while the entry is measured.
    await ctx.docker.stop(refContainer);
    const measured = referenceCapacity(def, reference);
    capacity = measured;
    log(`reference capacity: ${measured.toFixed(0)} req/s`);
    const thawed = await gateWhenHealthy(ctx, TARGETS.entry, stack.entryContainer, "entry");
    if (!thawed.passed) {
      log("verification gate after calibration: FAILED");
      const checks = thawed.checks.map((c) => ({ ...c, name: `after calibration: ${c.name}`.slice(0, 100) }));
      const score = scoreRun(def, null, null, { passed: false, wrongBodyRatio: 0 });
      return {
        ...base,
        score,
        checks,
        verificationPassed: false,
        measurements: null,
        loadStart: new Date().toISOString(),
        calibration: null,
        integrity: verdict(problems),
        ...(thawed.failure ? { failure: thawed.failure } : {}),
      };
    }
  }
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
      integrity: verdict(problems),
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
  if (problems.length) log(`invalid run: ${problems.join("; ")}`);
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
    integrity: verdict(problems),
  };
}
