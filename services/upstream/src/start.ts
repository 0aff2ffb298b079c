/** Turns the environment into options, starts upstream, stops it on SIGTERM/SIGINT. */
import { parseQuoteKey } from "./quote.ts";
import { createUpstream } from "./server.ts";

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error(`${name} must be a port number, got "${raw}"`);
  return n;
}

/** Starts upstream from QUOTE_KEY (required), PORT (8080) and CONTROL_PORT (8081). */
export async function startServer(env: NodeJS.ProcessEnv): Promise<void> {
  const quoteKey = parseQuoteKey(env.QUOTE_KEY);
  const up = createUpstream({ quoteKey, defaultMetrics: true });
  const bound = await up.listen(port(env, "PORT", 8080), port(env, "CONTROL_PORT", 8081));
  console.log(`upstream: quotes on :${bound.port}, fault control on :${bound.controlPort}`);
  const stop = () => {
    up.close().then(() => console.log("upstream: stopped"));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
