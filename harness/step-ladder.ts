/**
 * A step ladder measured one trial at a time (harness/ladder-schedule.ts orders the trials): each
 * trial is one short load of one step against one app, read back from Prometheus, judged against
 * the SLO and checked for plausibility. The kept trial of every decided step, in step order, makes
 * the app's `Measurements`, as if it had climbed the steps back to back: the series are the kept
 * trials' seconds end to end, and the steps are its phases.
 */
import { cpus } from "node:os";
import type { Measurements, PhaseStats, RunPlan, StagePlan, StepsDef } from "../scoring/index.ts";
import { judgeTrial, okRate } from "../scoring/index.ts";
import type { Ladder } from "../record/run-record.ts";
import type { App, AppSwitch } from "./app-switch.ts";
import { ENTRY_LIMITS } from "./compose-entry.ts";
import { checkLoad, loadPathCautions } from "./integrity.ts";
import { climbLadder, type JudgedTrial } from "./ladder-schedule.ts";
import { loadConfig, type PhaseContext } from "./load-measure.ts";
import { driveLoad, readLoad, type DrivenLoad, type LoadRunResult } from "./load-run.ts";
import { phasesOf, sampleResources, watchRestarts } from "./load-watch.ts";
import { toMeasurements, type RawSeconds } from "./measure.ts";
import { TARGETS } from "./stack.ts";

/** Whose figures a trial's seconds are, for the cautions. */
const WHO: Record<App, string> = { entry: "entry", reference: "reference app", sink: "null sink" };

/**
 * The CPU each app may use: the entry's limit for the entry and the reference (same sandbox); the
 * sink is pinned to the entry's CPUs without a quota.
 */
const CPU_LIMIT: Record<App, number> = {
  entry: ENTRY_LIMITS.cpus,
  reference: ENTRY_LIMITS.cpus,
  sink: cpus().length,
};

/** Status polls during a trial: short loads lose little time between them. */
const TRIAL_POLL_MS = 200;

type Resources = { cpu: (number | null)[]; memory: (number | null)[] };

/** One trial, read back and judged. */
export interface LadderTrial extends JudgedTrial {
  app: App;
  stage: StagePlan;
  attempt: number;
  result: LoadRunResult;
  phase: PhaseStats;
  resources: Resources;
  problems: string[];
  cautions: string[];
}

/** One app's climb: its measurements (the kept trials end to end) and every trial. */
export interface LadderLane {
  measurements: Measurements;
  trials: LadderTrial[];
  kept: LadderTrial[];
  /** Unix seconds of the app's first trial. */
  t0: number;
}

/** Joins the kept trials' seconds end to end: one app's series as if it had climbed without pause. */
export function joinTrials(
  kept: readonly Pick<LadderTrial, "stage" | "result" | "resources">[],
  restarts: number,
): Measurements {
  const raw: RawSeconds = {
    counts: [],
    buckets: [],
    dropped: [],
    probeUp: [],
    loadScraped: [],
    pacerLag: [],
    iterations: 0,
  };
  const resources: Resources = { cpu: [], memory: [] };
  const phases: { name: string; start: number; end: number; targetRate: number }[] = [];
  for (const t of kept) {
    const at = raw.counts.length;
    const r = t.result.raw;
    raw.counts.push(...r.counts);
    raw.buckets.push(...r.buckets);
    raw.dropped.push(...r.dropped);
    raw.probeUp.push(...r.probeUp);
    raw.loadScraped.push(...r.loadScraped);
    raw.pacerLag.push(...r.pacerLag);
    raw.iterations += r.iterations;
    resources.cpu.push(...t.resources.cpu);
    resources.memory.push(...t.resources.memory);
    phases.push({ name: t.stage.name, start: at, end: at + r.counts.length, targetRate: t.stage.rate });
  }
  return toMeasurements(raw, phases, [], restarts, resources);
}

/** The ladder settings of the steps an app climbs (the challenge's own, or its calibration's). */
export function ladderSettings(steps: StepsDef | undefined): LadderSettings {
  return {
    trials: steps?.trials ?? 1,
    retryAbove: steps?.retryAbove ?? 1,
    halfStep: steps?.halfStep ?? false,
  };
}

export type LadderSettings = Pick<StepsDef, "trials" | "retryAbove" | "halfStep">;

/**
 * Climbs `stages` with every app of `apps` in turns (the switch freezes the one not measured) and
 * returns each app's lane. The callers start and release the switch.
 */
export async function measureLadder(
  ctx: PhaseContext,
  plan: RunPlan,
  stages: StagePlan[],
  steps: LadderSettings,
  sw: AppSwitch,
  containers: Partial<Record<App, string>>,
  apps: readonly App[],
): Promise<Partial<Record<App, LadderLane>>> {
  const { stack, docker, def } = ctx;
  const watch = Object.fromEntries(
    await Promise.all(
      apps.map(async (app) => {
        const c = containers[app]!;
        const restarts = watchRestarts(docker, c, (await docker.inspect(c)).startedAt);
        return [app, { restarts, resources: sampleResources(docker, c) }] as const;
      }),
    ),
  ) as Partial<
    Record<App, { restarts: ReturnType<typeof watchRestarts>; resources: ReturnType<typeof sampleResources> }>
  >;
  try {
    const drive = async (app: App, stage: StagePlan, attempt: number) => {
      const config = loadConfig(ctx, app, TARGETS[app], plan, [stage]);
      const label = attempt > 1 ? `${app} #${attempt}` : app;
      const hooks = { label, progress: ctx.progress, signal: ctx.signal };
      return { stage, attempt, driven: await driveLoad(stack.loadgen, config, hooks, TRIAL_POLL_MS) };
    };
    const read = async (
      app: App,
      { stage, attempt, driven }: { stage: StagePlan; attempt: number; driven: DrivenLoad },
    ): Promise<LadderTrial> => {
      const result = await readLoad(stack.prometheus, driven);
      const resources = watch[app]!.resources.perSecond(result.t0, result.seconds);
      const m = toMeasurements(result.raw, phasesOf([stage], result.seconds), [], 0, resources);
      const phase = m.phases[0]!;
      const label = `${app} ${stage.name}${attempt > 1 ? ` trial ${attempt}` : ""}`;
      const facts = { label, runId: driven.config.runId, cpu: resources.cpu, cpuLimit: CPU_LIMIT[app] };
      return {
        app,
        stage,
        attempt,
        result,
        phase,
        resources,
        verdict: judgeTrial(def, steps, phase),
        problems: checkLoad({ ...result, ...facts }),
        cautions: loadPathCautions(label, WHO[app], result.raw.pacerLag, m.phases),
      };
    };
    const lanes = await climbLadder(
      apps,
      { activate: (app) => sw.activate(app), drive, read },
      {
        stages,
        maxTrials: steps.trials,
        halfStep: steps.halfStep,
        stopAfter: def.stopAfterFailedSteps ?? 2,
        log: ctx.log,
      },
    );
    const out: Partial<Record<App, LadderLane>> = {};
    for (const app of apps) {
      const w = watch[app]!;
      await w.restarts.check();
      const lane = lanes[app]!;
      out[app] = {
        measurements: joinTrials(lane.kept, w.restarts.count),
        trials: lane.trials,
        kept: lane.kept,
        t0: lane.trials[0]?.result.t0 ?? Date.now() / 1000,
      };
    }
    return out;
  } finally {
    for (const w of Object.values(watch)) {
      w!.resources.stop();
      w!.restarts.stop();
    }
  }
}

/** The record's view of a ladder: every step of every app, its trials and the one kept. */
export function ladderRecord(lanes: Partial<Record<App, LadderLane>>, interleaved: boolean): Ladder {
  const all = Object.values(lanes).flatMap((l) => l!.trials);
  const start = Math.min(...all.map((t) => t.result.t0));
  const r = (x: number, d = 1) => Number(x.toFixed(d));
  const steps: Ladder["steps"] = [];
  for (const [app, lane] of Object.entries(lanes) as [App, LadderLane][]) {
    for (const kept of lane.kept) {
      const trials = lane.trials.filter((t) => t.stage.name === kept.stage.name);
      steps.push({
        app,
        step: kept.stage.name,
        rate: kept.stage.rate,
        trials: trials.map((t) => ({
          at: r(t.result.t0 - start),
          okRps: r(okRate(t.phase)),
          p99Ms: t.phase.p99 === null ? null : r(t.phase.p99),
          withinSlo: t.verdict.within,
        })),
        kept: trials.indexOf(kept),
      });
    }
  }
  return { interleaved, steps: steps.sort((a, b) => a.trials[0]!.at - b.trials[0]!.at) };
}
