/**
 * One load run against one target: starts the load generator, shows live progress, lets a caller
 * stop early (robust-service stops once the SLO has failed for good), then reads what Prometheus
 * recorded.
 */
import type { LoadConfig, LoadGen, LoadStatus } from "./loadgen-client.ts";
import type { Prometheus } from "./prometheus.ts";
import { queryRawSeconds, TAIL_SECONDS, type RawSeconds } from "./measure.ts";
import { progressLine } from "./progress.ts";

export interface LoadRunResult {
  /** Unix seconds of load start (t = 0 for samples, phases and faults). */
  t0: number;
  /** Whole seconds of data read back. */
  seconds: number;
  raw: RawSeconds;
  /** The last status the load generator answered (its totals are read once it reports done). */
  final: LoadStatus;
  /** The harness stopped the load itself (a step search that has failed for good). */
  stoppedEarly: boolean;
  /** False when the load generator did not report done within the planned duration plus slack. */
  finished: boolean;
  /** Seconds the stages add up to. */
  plannedSeconds: number;
}

export interface LoadRunHooks {
  label: string;
  progress: (line: string, elapsed: number) => void;
  /** Called once with t0 (ms since epoch) as soon as the load has started. */
  onStart?: (t0ms: number) => void;
  /** Called when a stage has ended; return true to stop the load now. */
  onStageEnd?: (stageIndex: number, t0: number) => Promise<boolean>;
  signal?: AbortSignal;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the counters' last reading (TAIL_SECONDS after the end) has been scraped. */
const SCRAPE_SETTLE_MS = (TAIL_SECONDS + 0.5) * 1000;

/** A load that has ended (or was stopped), not read back yet. */
export interface DrivenLoad {
  config: LoadConfig;
  /** Unix seconds of load start. */
  t0: number;
  final: LoadStatus;
  stoppedEarly: boolean;
  finished: boolean;
  plannedSeconds: number;
  /** Wall-clock ms at which the load generator reported done (or the harness gave up on it). */
  endedAt: number;
}

/**
 * Starts one load and waits until it has ended (or the caller stopped it), polling the load
 * generator's status every `pollMs` (1 s by default; short loads poll faster so that little time
 * is lost between them). Nothing is read from Prometheus yet: see `readLoad`.
 */
export async function driveLoad(
  loadgen: LoadGen,
  config: LoadConfig,
  hooks: LoadRunHooks,
  pollMs = 1000,
): Promise<DrivenLoad> {
  const planned = config.stages.reduce((s, x) => s + x.duration, 0);
  const startedAt = Date.now();
  await loadgen.start(config);
  let status = await loadgen.status();
  const t0ms = startedAt;
  hooks.onStart?.(t0ms);
  let stageIndex = status.stageIndex;
  let stoppedEarly = false;
  let finished = true;
  // A hard bound on the wait: the planned duration plus slack; loadgen stops itself anyway.
  const deadline = startedAt + (planned + 30) * 1000;
  while (!status.done) {
    if (hooks.signal?.aborted) {
      await loadgen.stop().catch(() => undefined);
      throw new Error("run aborted");
    }
    if (Date.now() > deadline) {
      // Not an error of the harness: what was measured is kept, and the integrity check makes
      // the run invalid (a load that never ended cannot be scored).
      await loadgen.stop().catch(() => undefined);
      finished = false;
      break;
    }
    await sleep(pollMs);
    // Under overload the machine can be too busy to answer a status call in time; that is no
    // reason to abandon the run (the deadline above still bounds it).
    try {
      status = await loadgen.status();
    } catch {
      continue;
    }
    hooks.progress(progressLine(hooks.label, status), status.elapsed);
    if (status.stageIndex !== stageIndex && hooks.onStageEnd && !stoppedEarly) {
      const ended = stageIndex;
      stageIndex = status.stageIndex;
      if (await hooks.onStageEnd(ended, t0ms / 1000)) {
        stoppedEarly = true;
        await loadgen.stop();
      }
    }
  }
  return {
    config,
    t0: t0ms / 1000,
    final: status,
    stoppedEarly,
    finished,
    plannedSeconds: planned,
    endedAt: Date.now(),
  };
}

/**
 * Reads an ended load back from Prometheus once its counters' last reading (TAIL_SECONDS after
 * its end) has been scraped: waits only for what is left of that time. The load generator keeps
 * exposing its recent runs, so the read may come after the next load has started.
 */
export async function readLoad(prometheus: Prometheus, d: DrivenLoad): Promise<LoadRunResult> {
  const left = d.endedAt + SCRAPE_SETTLE_MS - Date.now();
  if (left > 0) await sleep(left);
  const seconds = Math.max(1, Math.ceil(Math.min(d.final.elapsed || d.plannedSeconds, d.plannedSeconds)));
  const raw = await queryRawSeconds(prometheus, d.config.runId, d.t0, seconds);
  const { t0, final, stoppedEarly, finished, plannedSeconds } = d;
  return { t0, seconds, raw, final, stoppedEarly, finished, plannedSeconds };
}

/** Runs one load to its end (or until the caller stops it) and reads it back from Prometheus. */
export async function runLoad(
  loadgen: LoadGen,
  prometheus: Prometheus,
  config: LoadConfig,
  hooks: LoadRunHooks,
): Promise<LoadRunResult> {
  return readLoad(prometheus, await driveLoad(loadgen, config, hooks));
}
