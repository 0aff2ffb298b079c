/**
 * Step ladders inside a run's stack: the reference's calibration (graceful-degradation and
 * longest-upkeep: the reference alone, the entry frozen) and robust-service's capacity search
 * (entry and reference in turns, step by step, so that both are measured in the same moments of
 * the machine). The reference is stopped once it has climbed; the entry is thawed, always.
 */
import type { StagePlan, StepsDef, RunPlan } from "../scoring/index.ts";
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
  const reference = await stack.compose.containerId("reference");
  const containers = { entry: stack.entryContainer, reference };
  const sw = createAppSwitch({ docker, toxiproxy: stack.toxiproxy, containers, log });
  const withReference = apps.includes("reference");
  let lanes: Climbed["lanes"];
  try {
    if (withReference) {
      await sw.activate("reference");
      log(
        apps.length > 1
          ? "entry and reference take turns, step by step"
          : "calibrating on the reference app (url-anvil)…",
      );
      const refGate = await gateWhenHealthy(ctx, TARGETS.reference, reference, "reference");
      if (!refGate.passed)
        throw new Error(`the reference app failed its own gate: ${JSON.stringify(refGate.checks)}`);
    }
    lanes = await measureLadder(ctx, plan, stages, ladderSettings(steps), sw, containers, apps);
  } finally {
    await sw.release();
  }
  if (withReference) await docker.stop(reference);
  return { lanes, loadSeconds: { reference: busySeconds(lanes.reference), entry: busySeconds(lanes.entry) } };
}
