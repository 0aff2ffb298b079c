// A site build's record reader (site/login-pages.ts): for each batch of login folders it is sent,
// lists, reads and scans their run records (record-files.mjs) in its own thread, so the build's
// thread only parses what it needs, and answers with the files' bytes (moved, not copied).
// Plain JavaScript, so the thread starts without the TypeScript loader.
import { parentPort } from "node:worker_threads";
import { readLoginFiles } from "./record-files.mjs";

parentPort.on("message", ({ id, dirs }) => {
  try {
    const result = dirs.map((dir) => readLoginFiles(dir));
    const transfer = result.flatMap((r) => r.files.flatMap((f) => (f.bytes ? [f.bytes.buffer] : [])));
    parentPort.postMessage({ id, error: null, result }, transfer);
  } catch (e) {
    parentPort.postMessage({ id, error: e instanceof Error ? e.message : String(e) });
  }
});
