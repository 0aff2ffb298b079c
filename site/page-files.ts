/**
 * Writes a thread's page files in a thread of their own (page-writer.mjs), a batch at a time. Each
 * `fs.writeFile` is three trips through libuv's thread pool (open, write, close), and on a busy
 * 2-CPU machine every trip's wake-up cost this thread more than the write: one message per batch of
 * pages instead, written with plain synchronous calls where they block no one.
 */
import { Worker } from "node:worker_threads";

export interface PageFiles {
  /** Writes every `[file, html]` (its folder exists); settles when all are on disk. */
  write(pages: [string, string][]): Promise<void>;
  /** Ends the writer thread (after the writes it was given). */
  close(): Promise<void>;
}

const WRITER = new URL("./page-writer.mjs", import.meta.url);

/** Starts a writer thread; it holds the process open only while a batch is being written. */
export function pageFiles(): PageFiles {
  const worker = new Worker(WRITER);
  worker.unref();
  const waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let next = 0;
  const failAll = (e: Error) => {
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
    worker.unref();
  };
  worker.on("message", ({ id, error }: { id: number; error: string | null }) => {
    const w = waiting.get(id)!;
    waiting.delete(id);
    if (!waiting.size) worker.unref();
    if (error === null) w.resolve();
    else w.reject(new Error(`site page writer: ${error}`));
  });
  worker.on("error", failAll);
  worker.on("exit", (code) => failAll(new Error(`site page writer stopped (exit code ${code})`)));
  return {
    write: (pages) =>
      new Promise((resolve, reject) => {
        const id = next++;
        if (!waiting.size) worker.ref();
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, pages });
      }),
    close: async () => {
      await worker.terminate();
    },
  };
}
