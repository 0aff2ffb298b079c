/**
 * Runs the per-login part of a build (login-pages.ts) in this thread and in `workers` worker threads
 * at once. Logins go out in small batches as each lane comes free (a busy neighbour on a shared
 * machine slows one lane, not the build); each worker always has a second batch queued, so it never
 * waits for this thread, which works on its own batches in between. Results come back in job order
 * whatever order the batches finished in, so the build's report is deterministic.
 */
import { Worker } from "node:worker_threads";
import { loginPages, type LoginJob, type LoginPagesConfig, type LoginResult } from "./login-pages.ts";

const WORKER = new URL("./build-worker.mjs", import.meta.url);

/** Logins per batch: small enough to balance the lanes at the end, large enough that messages are few. */
export function batchSize(jobs: number, lanes: number): number {
  return Math.max(1, Math.min(50, Math.ceil(jobs / (lanes * 16))));
}

/** Builds every job's pages, here and in `workers` threads; rejects on the first failure. */
export async function buildLogins(
  config: LoginPagesConfig,
  jobs: readonly LoginJob[],
  workers: number,
): Promise<LoginResult[]> {
  const size = batchSize(jobs.length, workers + 1);
  const batches: LoginJob[][] = [];
  for (let i = 0; i < jobs.length; i += size) batches.push(jobs.slice(i, i + size));
  let next = 0;
  const queue: BatchQueue = {
    batches,
    results: new Array<LoginResult[]>(batches.length),
    take: () => (next < batches.length ? next++ : -1),
  };
  const pool = Array.from(
    { length: Math.min(Math.max(0, workers), batches.length) },
    () => new Worker(WORKER, { workerData: config }),
  );
  try {
    await Promise.all([ownLane(config, queue), ...pool.map((w) => workerLane(w, queue))]);
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return queue.results.flat();
}

/** The batches, shared by the lanes: each takes the next one's index (-1: none left). */
interface BatchQueue {
  batches: LoginJob[][];
  results: LoginResult[][];
  take: () => number;
}

/** A worker thread keeps two batches queued, so it never waits for the main thread between them. */
function workerLane(w: Worker, queue: BatchQueue): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const queued: number[] = [];
    const give = () => {
      const b = queue.take();
      if (b < 0) return;
      queued.push(b);
      w.postMessage(queue.batches[b]);
    };
    w.on("message", (r: LoginResult[]) => {
      queue.results[queued.shift()!] = r;
      give();
      if (!queued.length) resolve();
    });
    w.on("error", reject);
    w.on("exit", (code) => reject(new Error(`site worker stopped (exit code ${code})`)));
    give();
    give();
    if (!queued.length) resolve();
  });
}

/**
 * This thread builds batches too; the next batch's records are read (in the reader's thread) while
 * this one is built.
 */
async function ownLane(config: LoginPagesConfig, queue: BatchQueue): Promise<void> {
  const build = loginPages(config);
  try {
    let b = queue.take();
    let read = b >= 0 ? build.prepare(queue.batches[b]!) : null;
    while (b >= 0) {
      const next = queue.take();
      const nextRead = next >= 0 ? build.prepare(queue.batches[next]!) : null;
      nextRead?.catch(() => {}); // awaited in its turn; a failure fails the build then
      // Awaiting the batch's writes also lets the workers' answers in, so each gets its next batch.
      queue.results[b] = await build(queue.batches[b]!, read!);
      [b, read] = [next, nextRead];
    }
  } finally {
    await build.close();
  }
}
