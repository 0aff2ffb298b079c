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

/** Runs one load to its end (or until the caller stops it) and reads it back from Prometheus. */
export async function runLoad(
  loadgen: LoadGen,
  prometheus: Prometheus,
  config: LoadConfig,
  hooks: LoadRunHooks,
): Promise<LoadRunResult> {
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
    await sleep(1000);
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
  await sleep(SCRAPE_SETTLE_MS);
  const t0 = t0ms / 1000;
  const seconds = Math.max(1, Math.ceil(Math.min(status.elapsed || planned, planned)));
  const raw = await queryRawSeconds(prometheus, config.runId, t0, seconds);
  return { t0, seconds, raw, final: status, stoppedEarly, finished, plannedSeconds: planned };
}
