/**
 * The body of a site build's worker thread: builds the pages of each batch of logins it is sent
 * (login-pages.ts) and answers with the batch's results. A failure ends the thread, which fails the
 * build (login-pool.ts).
 */
import { parentPort, workerData } from "node:worker_threads";
import { loginPages, type LoginJob, type LoginPagesConfig } from "./login-pages.ts";

const build = loginPages(workerData as LoginPagesConfig);
// One batch at a time, answered in the order they came (the pool matches answers to batches so).
let done: Promise<void> = Promise.resolve();
parentPort!.on("message", (jobs: LoginJob[]) => {
  done = done.then(async () => parentPort!.postMessage(await build(jobs)));
});
