/** JSON over HTTP to the stack's control APIs (always on 127.0.0.1), with a deadline per call. */

export class HttpError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${url}: HTTP ${status}${body ? `: ${body.slice(0, 300)}` : ""}`);
    this.name = "HttpError";
  }
}

/** Sends a request and parses a JSON answer (or returns null for an empty body). */
export async function httpJson<T>(
  url: string,
  init: { method?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<T> {
  const res = await fetch(url, {
    method: init.method ?? "GET",
    headers: init.body === undefined ? {} : { "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(init.timeoutMs ?? 10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new HttpError(url, res.status, text);
  return (text ? JSON.parse(text) : null) as T;
}

/** Retries `fn` until it resolves or `timeoutMs` passes; the last error explains the failure. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  fn: () => Promise<T>,
  everyMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what}: not ready after ${Math.round(timeoutMs / 1000)} s (${last instanceof Error ? last.message : String(last)})`,
      );
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
