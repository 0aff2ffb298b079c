/**
 * Writes a thread's page files in a thread of their own (page-writer.mjs), a batch at a time. Each
 * `fs.writeFile` is three trips through libuv's thread pool (open, write, close), and on a busy
 * 2-CPU machine every trip's wake-up cost this thread more than the write: one message per batch of
 * pages instead, written with plain synchronous calls where they block no one.
 */
import { threadCalls } from "./thread-calls.ts";

export interface PageFiles {
  /** Writes every `[file, html]` (its folder exists); settles when all are on disk. */
  write(pages: [string, string][]): Promise<void>;
  /** Ends the writer thread (after the writes it was given). */
  close(): Promise<void>;
}

const WRITER = new URL("./page-writer.mjs", import.meta.url);

/** Starts a writer thread; it holds the process open only while a batch is being written. */
export function pageFiles(): PageFiles {
  const calls = threadCalls<{ pages: [string, string][] }, void>(WRITER, "site page writer");
  return { write: (pages) => calls.call({ pages }), close: () => calls.close() };
}
