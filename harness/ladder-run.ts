/**
 * Step ladders inside a run's stack: the reference's calibration (graceful-degradation and
 * longest-upkeep: the reference alone, the entry frozen) and robust-service's capacity search
 * (entry and reference in turns, step by step, so that both are measured in the same moments of
 * the machine). The reference is stopped once it has climbed; the entry is thawed, always.
 */
import type { StagePlan, StepsDef, RunPlan } from "../scoring/index.ts";
import { stepSearch, type Measurements } from "../scoring/index.ts";
import { createAppSwitch, type App } from "./app-switch.ts";
import { gateWhenHealthy } from "./health-gate.ts";
import type { PhaseContext } from "./load-measure.ts";
import { ladderSettings, measureLadder, type LadderLane } from "./step-ladder.ts";
import { TARGETS } from "./stack.ts";

export interface Climbed {
  lanes: Partial<Record<App, LadderLane>>;
  /** Seconds of wall time each app spent under load (its trials). */
  loadSeconds: { reference: number; entry: number };
}

const busySeconds = (lane: LadderLane | undefined) =>
  (lane?.trials ?? []).reduce((s, t) => s + t.result.seconds, 0);

/**
 * Climbs `stages` with `apps` (the reference first in each turn). When the reference climbs it
 * first passes its own gate with the entry frozen, and it is stopped afterwards: it takes no CPU
 * from the entry's later loads. Throws when the reference fails its gate (a platform fault).
 */
export async function climb(
  ctx: PhaseContext,
  plan: RunPlan,
  stages: StagePlan[],
  steps: StepsDef | undefined,
  apps: readonly App[],
): Promise<Climbed> {
  const { stack, docker, log } = ctx;
  const withReference = apps.includes("reference");
  // A run with a recorded reference (tests) starts no reference app: the entry climbs alone.
  const reference = withReference ? await stack.compose.containerId("reference") : null;
  const containers = { entry: stack.entryContainer, ...(reference ? { reference } : {}) };
  const sw = createAppSwitch({ docker, toxiproxy: stack.toxiproxy, containers, log });
  let lanes: Climbed["lanes"];
  try {
    if (withReference) {
      await sw.activate("reference");
      log(
        apps.length > 1
          ? "entry and reference take turns, step by step"
          : "calibrating on the reference app (url-anvil)…",
      );
      const refGate = await gateWhenHealthy(ctx, TARGETS.reference, reference!, "reference");
      if (!refGate.passed)
        throw new Error(`the reference app failed its own gate: ${JSON.stringify(refGate.checks)}`);
    }
    lanes = await measureLadder(ctx, plan, stages, ladderSettings(steps), sw, containers, apps);
  } finally {
    await sw.release();
  }
  if (reference) await docker.stop(reference);
  return { lanes, loadSeconds: { reference: busySeconds(lanes.reference), entry: busySeconds(lanes.entry) } };
}

/**
 * The step an entry could not hold: the first step out of SLO after its capacity step. Null when
 * it held no step, or held every step it was sent (the ladder's top).
 */
export function stepAboveCapacity(
  def: PhaseContext["def"],
  entry: Measurements,
  stages: readonly StagePlan[],
): StagePlan | null {
  const search = stepSearch(def, entry.phases);
  if (search.capacityIndex < 0) return null;
  const within = new Set(search.withinSlo);
  const above = entry.phases.findIndex((p, i) => i > search.capacityIndex && !within.has(i));
  if (above < 0) return null;
  return stages.find((s) => s.name === entry.phases[above]!.name) ?? null;
}

/** The sink answers no quote: its share of the mix goes to the echo. */
const sinkMix = (mix: RunPlan["mix"]): RunPlan["mix"] => ({
  echo: mix.echo + mix.quote,
  page: mix.page,
  quote: 0,
});

/**
 * The load path's control: the null sink (no app, one proxy hop, the entry's CPUs) is sent the
 * step the entry could not hold, by the same trials, with the entry frozen. When the sink cannot
 * hold it either, the load generator and the proxy, not the entry, set the entry's ceiling.
 */
export async function checkLoadPath(
  ctx: PhaseContext,
  plan: RunPlan,
  stage: StagePlan,
  steps: StepsDef | undefined,
): Promise<{ lane: LadderLane; held: boolean }> {
  const { stack, docker, log } = ctx;
  const containers = { entry: stack.entryContainer, sink: await stack.compose.containerId("sink") };
  const sw = createAppSwitch({ docker, toxiproxy: stack.toxiproxy, containers, log });
  const sinkPlan = { ...plan, mix: sinkMix(plan.mix) };
  let lanes: Climbed["lanes"];
  try {
    lanes = await measureLadder(ctx, sinkPlan, [stage], ladderSettings(steps), sw, containers, ["sink"]);
  } finally {
    await sw.release();
  }
  const lane = lanes.sink!;
  const held = lane.kept[0]?.verdict.within ?? false;
  log(
    `load path check at ${stage.name} (${stage.rate} req/s): the null sink ${held ? "held it" : "could not hold it either"}`,
  );
  return { lane, held };
}
