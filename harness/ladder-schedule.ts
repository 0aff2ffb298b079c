/**
 * The order of a step ladder's trials when two apps climb it together: entry and reference take
 * turns step by step (reference, entry, reference, entry…), each app frozen while the other is
 * measured, so both are measured in the same moments of the machine and its slow drifts fall on
 * both alike. Each app climbs until its own SLO has failed on `stopAfter` steps in a row; a step
 * that fails or passes close to the SLO is tried again (scoring/trials.ts). An app's trial is read
 * back from Prometheus while the other app's next trial runs, so the wait for the last scrape
 * costs nothing while both climb. The side effects are passed in: this file only orders them.
 */
import type { App } from "./app-switch.ts";
import type { StagePlan } from "../scoring/index.ts";
import { decideStep, type TrialVerdict } from "../scoring/index.ts";

/** One trial read back and judged. */
export interface JudgedTrial {
  verdict: TrialVerdict;
}

export interface LadderDeps<D, T extends JudgedTrial> {
  /** Lets `app` run alone (the other frozen). */
  activate(app: App): Promise<void>;
  /** Runs one trial of `stage` against `app` to its end. `attempt` counts from 1. */
  drive(app: App, stage: StagePlan, attempt: number): Promise<D>;
  /** Reads a driven trial back and judges it. */
  read(app: App, driven: D): Promise<T>;
}

export interface LadderOptions {
  stages: readonly StagePlan[];
  /** Most trials of one step (odd). */
  maxTrials: number;
  /** An app stops after this many consecutive steps out of SLO. */
  stopAfter: number;
  log: (line: string) => void;
}

/** What one app's climb produced: every trial, and the one kept per decided step, in step order. */
export interface LaneResult<T> {
  trials: T[];
  kept: T[];
}

interface Lane<D, T> extends LaneResult<T> {
  app: App;
  step: number;
  tries: T[];
  failedInARow: number;
  done: boolean;
  pending: D | null;
}

/** Climbs the ladder with every app of `apps`, in turns. Returns each app's trials. */
export async function climbLadder<D, T extends JudgedTrial>(
  apps: readonly App[],
  deps: LadderDeps<D, T>,
  o: LadderOptions,
): Promise<Record<App, LaneResult<T>>> {
  const lanes: Lane<D, T>[] = apps.map((app) => ({
    app,
    step: 0,
    tries: [],
    failedInARow: 0,
    done: o.stages.length === 0,
    pending: null,
    trials: [],
    kept: [],
  }));
  const settle = async (lane: Lane<D, T>) => {
    const trial = await deps.read(lane.app, lane.pending!);
    lane.pending = null;
    lane.trials.push(trial);
    lane.tries.push(trial);
    const d = decideStep(
      lane.tries.map((t) => t.verdict),
      o.maxTrials,
    );
    if (!d.decided) return;
    const stage = o.stages[lane.step]!;
    lane.kept.push(lane.tries[d.kept]!);
    const note = lane.tries.length > 1 ? ` (${lane.tries.length} trials)` : "";
    o.log(
      `${lane.app} ${stage.name} (${stage.rate} req/s): ${d.within ? "within SLO" : "out of SLO"}${note}`,
    );
    lane.tries = [];
    lane.failedInARow = d.within ? 0 : lane.failedInARow + 1;
    lane.step++;
    if (lane.failedInARow >= o.stopAfter || lane.step >= o.stages.length) lane.done = true;
  };
  while (lanes.some((l) => !l.done)) {
    for (const lane of lanes) {
      if (lane.done) continue;
      if (lane.pending !== null) await settle(lane);
      if (lane.done) continue;
      await deps.activate(lane.app);
      lane.pending = await deps.drive(lane.app, o.stages[lane.step]!, lane.tries.length + 1);
    }
  }
  const out = {} as Record<App, LaneResult<T>>;
  for (const l of lanes) out[l.app] = { trials: l.trials, kept: l.kept };
  return out;
}
