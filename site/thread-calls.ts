/**
 * Calls into a helper thread of plain JavaScript (the page writer, the record reader): each call is
 * one message `{ id, ...request }` and settles with the thread's answer `{ id, error, result }`. The
 * thread holds the process open only while a call is waiting, and a thread that fails or stops
 * fails every call still waiting.
 */
import { Worker, type Transferable } from "node:worker_threads";

export interface ThreadCalls<Req extends object, Res> {
  call(request: Req, transfer?: Transferable[]): Promise<Res>;
  /** Ends the thread (after the calls it was given). */
  close(): Promise<void>;
}

/** Starts the thread at `url`; `what` names it in errors. */
export function threadCalls<Req extends object, Res>(url: URL, what: string): ThreadCalls<Req, Res> {
  const worker = new Worker(url);
  worker.unref();
  const waiting = new Map<number, { resolve: (r: Res) => void; reject: (e: Error) => void }>();
  let next = 0;
  const failAll = (e: Error) => {
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
    worker.unref();
  };
  worker.on("message", ({ id, error, result }: { id: number; error: string | null; result: Res }) => {
    const w = waiting.get(id)!;
    waiting.delete(id);
    if (!waiting.size) worker.unref();
    if (error === null) w.resolve(result);
    else w.reject(new Error(`${what}: ${error}`));
  });
  worker.on("error", failAll);
  worker.on("exit", (code) => failAll(new Error(`${what} stopped (exit code ${code})`)));
  return {
    call: (request, transfer) =>
      new Promise((resolve, reject) => {
        const id = next++;
        if (!waiting.size) worker.ref();
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, ...request }, transfer);
      }),
    close: async () => {
      await worker.terminate();
    },
  };
}
