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
  /** After its climb, an app tries the half step between its last step held and the next one. */
  halfStep: boolean;
  log: (line: string) => void;
}

/** What one app's climb produced: every trial, and the one kept per decided step, in step order. */
export interface LaneResult<T> {
  trials: T[];
  kept: T[];
}

/** A trial driven and not read yet: which step, which attempt. */
interface Pending<D> {
  driven: D;
  /** The step it ran (kept apart from `step`: a half step shifts the indexes after it). */
  stage: StagePlan;
  step: number;
  attempt: number;
}

interface Lane<D, T> extends LaneResult<T> {
  app: App;
  /** The ladder's steps, and this app's half step once it has one. */
  stages: StagePlan[];
  /** The verdict of each decided step, by index into `stages`. */
  decided: (boolean | undefined)[];
  /** Trying its half step: the climb ends with that step's decision. */
  refining: boolean;
  /** The step each kept trial stands for, in the order of `kept`. */
  keptStages: StagePlan[];
  step: number;
  tries: T[];
  failedInARow: number;
  done: boolean;
  /** Oldest first; a second one only while the lane climbs alone (a guess, see below). */
  pending: Pending<D>[];
}

/** The trial a lane needs next, from what it has decided so far. */
const needed = <D, T>(lane: Lane<D, T>) => ({ step: lane.step, attempt: lane.tries.length + 1 });

/**
 * Climbs the ladder with every app of `apps`, in turns. Returns each app's trials. While both apps
 * climb, an app's trial is read while the other's runs. An app left alone guesses instead: while
 * its last trial waits for its final scrape, it already runs the next step (as if the last trial
 * had passed). A guess that turns out wrong — the last trial must be repeated, or ended the climb —
 * is dropped unread; a right one saves the wait.
 */
export async function climbLadder<D, T extends JudgedTrial>(
  apps: readonly App[],
  deps: LadderDeps<D, T>,
  o: LadderOptions,
): Promise<Partial<Record<App, LaneResult<T>>>> {
  const lanes: Lane<D, T>[] = apps.map((app) => ({
    app,
    stages: [...o.stages],
    decided: [],
    refining: false,
    keptStages: [],
    step: 0,
    tries: [],
    failedInARow: 0,
    done: o.stages.length === 0,
    pending: [],
    trials: [],
    kept: [],
  }));
  /**
   * After the climb, the half step (geometric mean) between the last step held and the next one,
   * which failed: a capacity then lands on a grid twice as fine for the cost of one step.
   */
  const refine = (lane: Lane<D, T>) => {
    const held = lane.decided.lastIndexOf(true);
    if (held < 0 || lane.decided[held + 1] !== false) return;
    const [lo, hi] = [lane.stages[held]!, lane.stages[held + 1]!];
    const rate = Math.round(Math.sqrt(lo.rate * hi.rate));
    if (rate <= lo.rate || rate >= hi.rate) return;
    lane.stages.splice(held + 1, 0, { ...lo, name: `${lo.name}.5`, rate });
    lane.decided.splice(held + 1, 0, undefined);
    Object.assign(lane, { step: held + 1, refining: true, done: false });
  };
  const decide = (lane: Lane<D, T>, trial: T) => {
    lane.trials.push(trial);
    lane.tries.push(trial);
    const d = decideStep(
      lane.tries.map((t) => t.verdict),
      o.maxTrials,
    );
    if (!d.decided) return;
    const stage = lane.stages[lane.step]!;
    lane.kept.push(lane.tries[d.kept]!);
    lane.keptStages.push(stage);
    lane.decided[lane.step] = d.within;
    const note = lane.tries.length > 1 ? ` (${lane.tries.length} trials)` : "";
    o.log(
      `${lane.app} ${stage.name} (${stage.rate} req/s): ${d.within ? "within SLO" : "out of SLO"}${note}`,
    );
    lane.tries = [];
    if (lane.refining) {
      lane.done = true;
      return;
    }
    lane.failedInARow = d.within ? 0 : lane.failedInARow + 1;
    lane.step++;
    if (lane.failedInARow >= o.stopAfter || lane.step >= lane.stages.length) lane.done = true;
    if (lane.done && o.halfStep) refine(lane);
  };
  /** Reads the lane's oldest pending trial, then drops the guesses that are no longer needed. */
  const settle = async (lane: Lane<D, T>) => {
    const p = lane.pending.shift()!;
    decide(lane, await deps.read(lane.app, p.driven));
    while (lane.pending.length > 0) {
      const next = lane.pending[0]!;
      const want = needed(lane);
      if (!lane.done && next.step === want.step && next.attempt === want.attempt) break;
      lane.pending.shift();
      o.log(`${lane.app} ${next.stage.name}: the trial run ahead is not needed; dropped`);
    }
  };
  /** What to drive next: the needed trial, or — alone, one trial pending — the step after it. */
  const nextTrial = (lane: Lane<D, T>, alone: boolean) => {
    const last = lane.pending.at(-1);
    if (!last) return needed(lane);
    if (!alone || lane.refining || lane.pending.length > 1 || last.step + 1 >= lane.stages.length)
      return null;
    return { step: last.step + 1, attempt: 1 };
  };
  while (lanes.some((l) => !l.done)) {
    for (const lane of lanes) {
      if (lane.done) continue;
      const alone = lanes.filter((l) => !l.done).length === 1;
      let next = nextTrial(lane, alone);
      while (next === null && !lane.done) {
        await settle(lane);
        next = nextTrial(lane, alone);
      }
      if (lane.done || next === null) continue;
      await deps.activate(lane.app);
      const stage = lane.stages[next.step]!;
      const driven = await deps.drive(lane.app, stage, next.attempt);
      lane.pending.push({ driven, stage, ...next });
    }
  }
  for (const lane of lanes)
    for (const p of lane.pending)
      o.log(`${lane.app} ${p.stage.name}: the trial run ahead is not needed; dropped`);
  const out: Partial<Record<App, LaneResult<T>>> = {};
  // Kept in the ladder's order: a half step goes between the two steps it splits.
  for (const l of lanes) {
    const order = l.kept
      .map((_, i) => i)
      .sort((a, b) => l.stages.indexOf(l.keptStages[a]!) - l.stages.indexOf(l.keptStages[b]!));
    out[l.app] = { trials: l.trials, kept: order.map((i) => l.kept[i]!) };
  }
  return out;
}
