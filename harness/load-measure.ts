/**
 * One load of a run against one app along a challenge's phases: the load generator's config, the
 * chaos timeline on the entry's load, and what Prometheus and the Docker Engine measured, with the
 * plausibility checks' problems and cautions. Step ladders are measured trial by trial instead
 * (harness/step-ladder.ts).
 */
import { randomBytes } from "node:crypto";
import type { FaultWindow, Measurements } from "../scoring/measurements.ts";
import type { ChallengeDef, RunPlan, StagePlan } from "../scoring/index.ts";
import type { Docker } from "./docker.ts";
import { ChaosRun } from "./chaos.ts";
import { phasesOf, sampleResources, watchRestarts } from "./load-watch.ts";
import { ENTRY_LIMITS } from "./compose-entry.ts";
import { checkLoad, loadPathCautions } from "./integrity.ts";
import type { LoadConfig } from "./loadgen-client.ts";
import { runLoad } from "./load-run.ts";
import { toMeasurements } from "./measure.ts";
import type { Stack } from "./stack.ts";
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

/** What the load generator is told for one load of `plan` against `target`. */
export function loadConfig(
  ctx: PhaseContext,
  label: string,
  target: string,
  plan: RunPlan,
  stages: StagePlan[],
): LoadConfig {
  return {
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
}

export interface Measured {
  m: Measurements;
  t0: number;
  problems: string[];
  cautions: string[];
  pacerLag: (number | null)[];
}

/** One load run against a target ("entry" or "reference"), measured into `Measurements`. */
export async function loadAndMeasure(
  ctx: PhaseContext,
  label: "entry" | "reference",
  target: string,
  container: string,
  plan: RunPlan,
  stages: StagePlan[],
  withChaos: boolean,
): Promise<Measured> {
  const { stack, docker, log } = ctx;
  const config = loadConfig(ctx, label, target, plan, stages);
  const restarts = watchRestarts(docker, container, (await docker.inspect(container)).startedAt);
  const resources = sampleResources(docker, container);
  let chaos: ChaosRun | null = null;
  let faults: FaultWindow[] | null = null;
  try {
    const result = await runLoad(stack.loadgen, stack.prometheus, config, {
      label,
      progress: ctx.progress,
      signal: ctx.signal,
      onStart: (t0ms) => {
        if (!withChaos || plan.faults.length === 0) return;
        const parts = { docker, entry: container, toxiproxy: stack.toxiproxy, upstream: stack.upstream, log };
        chaos = new ChaosRun(parts, t0ms);
        chaos.schedule(plan.faults);
      },
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
    const app = label === "entry" ? "entry" : "reference app";
    return {
      m,
      t0: result.t0,
      problems: checkLoad({ ...result, ...facts }),
      cautions: loadPathCautions(facts.label, app, result.raw.pacerLag, m.phases),
      pacerLag: result.raw.pacerLag,
    };
  } finally {
    // A failed run still reverts every fault it applied.
    if (chaos && faults === null) await (chaos as ChaosRun).finish();
    resources.stop();
    restarts.stop();
  }
}
