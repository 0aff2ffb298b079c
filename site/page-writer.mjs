// A site build's page writer (site/page-files.ts): writes each batch of pages it is sent, one plain
// synchronous write per file, in its own thread, and answers with the batch's id once it is on disk.
// Plain JavaScript, so the thread starts without the TypeScript loader.
import { writeFileSync } from "node:fs";
import { parentPort } from "node:worker_threads";

parentPort.on("message", ({ id, pages }) => {
  try {
    for (const [file, html] of pages) writeFileSync(file, html);
    parentPort.postMessage({ id, error: null });
  } catch (e) {
    parentPort.postMessage({ id, error: e instanceof Error ? e.message : String(e) });
  }
});
