/**
 * One GET to the dependency with a hard deadline, over a keep-alive agent so a busy minute costs
 * one connection, not thousands. node:http rather than fetch: the same code on Node 18 and 20.
 */
import { Agent, request } from "node:http";

/** The dependency's answer, body kept byte for byte. */
export interface FetchResult {
  status: number;
  contentType: string;
  body: Buffer;
}

const MAX_BODY = 64 * 1024;

/** A keep-alive agent; one socket is enough because fetches are coalesced. */
export const keepAliveAgent = (): Agent => new Agent({ keepAlive: true, maxSockets: 4, timeout: 5_000 });

/** GET `url`; rejects on network error, an oversized body, or no complete answer within `timeoutMs`. */
export function getWithDeadline(url: string, timeoutMs: number, agent: Agent): Promise<FetchResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "GET", agent, headers: { accept: "application/json" } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) req.destroy(new Error(`upstream body over ${MAX_BODY} bytes`));
        else chunks.push(c);
      });
      res.on("end", () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers["content-type"] ?? ""),
          body: Buffer.concat(chunks),
        });
      });
      res.on("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    // A deadline for the whole exchange, not just an idle timeout: a slow trickle must fail too.
    const timer = setTimeout(
      () => req.destroy(new Error(`upstream: no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    req.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end();
  });
}
