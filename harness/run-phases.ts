/**
 * What happens while the stack is up: wait for health (bounded), the verification gate,
 * calibration on the reference app, the entry's load with its chaos timeline, and scoring from
 * what Prometheus and the Docker Engine measured.
 */
import type { Check, Integrity, Ladder } from "../record/run-record.ts";
import type { Measurements } from "../scoring/measurements.ts";
import type { ChallengeDef, RunPlan } from "../scoring/index.ts";
import { planCalibration, planRun, referenceCapacity, scoreRun, zeroScore } from "../scoring/index.ts";
import { loadChecks } from "./record-build.ts";
import { checkCalibration, pacerLagLine, verdict } from "./integrity.ts";
import type { EntryFailure } from "../record/failure.ts";
import { TARGETS, type CpuPlacement } from "./stack.ts";
import { checkLoadPath, climb, stepAboveCapacity } from "./ladder-run.ts";
import { ladderRecord, type LadderLane } from "./step-ladder.ts";
import { gateWhenHealthy, type Gate } from "./health-gate.ts";
import { loadAndMeasure, type PhaseContext } from "./load-measure.ts";

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
  /** The step ladder's trials (robust-service, and the reference's calibration), when one ran. */
  ladder?: Ladder;
}

/** The score and record fields of a run that ended at a failed gate: nothing was loaded. */
function gateFailed(
  def: ChallengeDef,
  base: Base,
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
  found: Found,
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
  const climbed = await climb(ctx, draft, calibration, def.calibration.steps, ["reference"]);
  const lane = climbed.lanes.reference!;
  loadSeconds.reference = climbed.loadSeconds.reference;
  for (const t of lane.trials) {
    found.problems.push(...t.problems);
    found.cautions.push(...t.cautions);
  }
  found.ladder = ladderRecord(climbed.lanes, false);
  const reference = lane.measurements;
  const capacity = referenceCapacity(def, reference);
  log(`reference capacity: ${capacity.toFixed(0)} req/s`);
  const thawed = await gateWhenHealthy(ctx, TARGETS.entry, stack.entryContainer, "entry", "now");
  if (!thawed.passed) {
    log("verification gate after calibration: FAILED");
    const checks = thawed.checks.map((c) => ({ ...c, name: `after calibration: ${c.name}`.slice(0, 100) }));
    return { failedAfter: { ...thawed, checks } };
  }
  return { reference, capacity };
}

/** Every load's problems (any one makes the run invalid: score 0) and cautions (the run stands). */
interface Found {
  problems: string[];
  cautions: string[];
  ladder?: Ladder;
}

type Base = Pick<ScoredRun, "prometheusVersion" | "placement" | "loadSeconds">;

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

  const found: Found = { problems: [], cautions: [] };
  if (def.steps) return scoreLadder(ctx, { ...base, checks: gate.checks }, found);
  const calibrated = await calibrate(ctx, planCalibration(def, scale), found, loadSeconds);
  if ("failedAfter" in calibrated) return gateFailed(def, base, calibrated.failedAfter, found.problems);
  const noCapacity = checkCalibration(calibrated.capacity);
  if (noCapacity.length) {
    // No default capacity: nothing to plan the entry's load against, nor to score it against.
    found.problems.push(...noCapacity);
    log(`invalid run: ${found.problems.join("; ")}`);
    const why = "The reference calibration measured no capacity, so the run is invalid and scores 0.";
    return {
      ...base,
      score: zeroScore(def, why),
      checks: gate.checks,
      verificationPassed: true,
      measurements: null,
      loadStart: new Date().toISOString(),
      calibration: null,
      integrity: verdict(found.problems, found.cautions),
    };
  }
  return scoreEntryLoad(ctx, { ...base, checks: gate.checks }, calibrated, found);
}

/** The entry's load with its chaos, planned on the reference's capacity, and its score. */
async function scoreEntryLoad(
  ctx: PhaseContext,
  base: Base & Pick<ScoredRun, "checks">,
  { reference, capacity }: { reference: Measurements | null; capacity: number | null },
  found: Found,
): Promise<ScoredRun> {
  const { stack, def, scale, log } = ctx;
  const plan = planRun(def, { scale, referenceCapacity: capacity });
  const tEntry = Date.now();
  const entry = await loadAndMeasure(
    ctx,
    "entry",
    TARGETS.entry,
    stack.entryContainer,
    plan,
    plan.stages,
    true,
  );
  base.loadSeconds.entry = (Date.now() - tEntry) / 1000;
  const problems = [...found.problems, ...entry.problems];
  const cautions = [...found.cautions, ...entry.cautions];
  if (problems.length) log(`invalid run: ${problems.join("; ")}`);
  log(`entry load: ${pacerLagLine(entry.pacerLag)}`);
  for (const c of cautions) log(`caution: ${c}`);
  const { checked, failed } = loadChecks(entry.m);
  const wrongBodyRatio = checked ? failed / checked : 0;
  return {
    ...base,
    score: scoreRun(def, entry.m, reference, { passed: true, wrongBodyRatio }),
    verificationPassed: true,
    measurements: entry.m,
    reference,
    loadStart: new Date(entry.t0 * 1000).toISOString(),
    calibration: capacity === null ? null : { referenceCapacityRps: Number(capacity.toFixed(1)) },
    integrity: verdict(problems, cautions),
    ...(found.ladder ? { ladder: found.ladder } : {}),
  };
}

/**
 * A challenge scored by a step search (robust-service): the entry and the reference climb the
 * ladder in turns, step by step, and the entry is scored against the reference measured in the
 * same minutes. With a recorded reference (tests) only the entry climbs.
 */
async function scoreLadder(
  ctx: PhaseContext,
  base: Base & Pick<ScoredRun, "checks">,
  found: Found,
): Promise<ScoredRun> {
  const { def, scale, log } = ctx;
  const plan = planRun(def, { scale, referenceCapacity: null });
  const apps = ctx.recorded ? (["entry"] as const) : (["reference", "entry"] as const);
  const climbed = await climb(ctx, plan, plan.stages, def.steps, apps);
  base.loadSeconds.reference = climbed.loadSeconds.reference;
  base.loadSeconds.entry = climbed.loadSeconds.entry;
  const { entry: lane, reference: refLane } = climbed.lanes;
  const trials = [...(refLane?.trials ?? []), ...lane!.trials];
  const problems = [...found.problems, ...trials.flatMap((t) => t.problems)];
  const cautions = [...found.cautions, ...trials.flatMap((t) => t.cautions)];
  const reference = ctx.recorded?.reference ?? refLane!.measurements;
  const capacity = referenceCapacity(def, reference);
  const where = ctx.recorded ? ` (recorded in run ${ctx.recorded.runId})` : "";
  log(`reference capacity: ${capacity.toFixed(0)} req/s${where}`);
  problems.push(...checkCalibration(capacity));
  const entry = lane!.measurements;
  const climbedStages = lane!.kept.map((t) => t.stage);
  const loadPath = await checkLoadPathAbove(ctx, { ...plan, stages: climbedStages }, entry, cautions);
  if (problems.length) log(`invalid run: ${problems.join("; ")}`);
  for (const c of cautions) log(`caution: ${c}`);
  const { checked, failed } = loadChecks(entry);
  return {
    ...base,
    score: scoreRun(def, entry, reference, { passed: true, wrongBodyRatio: checked ? failed / checked : 0 }),
    verificationPassed: true,
    measurements: entry,
    reference,
    loadStart: new Date(lane!.t0 * 1000).toISOString(),
    calibration: { referenceCapacityRps: Number(capacity.toFixed(1)), ...loadPath.figures },
    integrity: verdict(problems, cautions),
    ladder: ladderRecord({ ...climbed.lanes, ...loadPath.lanes }, apps.length > 1),
  };
}

/**
 * The load path's control on the step the entry could not hold (harness/ladder-run.ts; `plan.stages`
 * are the steps the entry climbed, its half step included). When the null sink could not hold it
 * either, the run carries a caution: the entry's ceiling was the load path's. Recorded as
 * `loadPathCheckedRps` and `loadPathHeld` (1 or 0) in the calibration figures.
 */
async function checkLoadPathAbove(
  ctx: PhaseContext,
  plan: RunPlan,
  entry: Measurements,
  cautions: string[],
): Promise<{ figures: Record<string, number>; lanes: { sink?: LadderLane } }> {
  const stage = stepAboveCapacity(ctx.def, entry, plan.stages);
  if (!stage) return { figures: {}, lanes: {} };
  const { lane, held } = await checkLoadPath(ctx, plan, stage, ctx.def.steps);
  if (!held)
    cautions.push(
      `load path saturated: the null sink (no app, the same load generator and proxy) could not hold ${stage.name} (${stage.rate} req/s) either, so the entry's capacity is at least what it held, and the ceiling was the machine's`,
    );
  return { figures: { loadPathCheckedRps: stage.rate, loadPathHeld: held ? 1 : 0 }, lanes: { sink: lane } };
}
