/** Turns the environment into options, starts url-anvil, drains it on SIGTERM/SIGINT. */
import { createUrlAnvil } from "./server.ts";

function intEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return n;
}

/** Starts url-anvil from PORT (8080), UPSTREAM_URL (http://upstream:8080) and MAX_INFLIGHT (256). */
export async function startServer(env: NodeJS.ProcessEnv): Promise<void> {
  const upstreamUrl = env.UPSTREAM_URL || "http://upstream:8080";
  new URL(upstreamUrl); // fail at start, not on the first request
  const app = createUrlAnvil({
    upstreamUrl,
    maxInflight: intEnv(env, "MAX_INFLIGHT", 256, 1, 1_000_000),
    defaultMetrics: true,
  });
  const port = await app.listen(intEnv(env, "PORT", 8080, 0, 65535));
  console.log(`url-anvil: listening on :${port}, upstream ${upstreamUrl}`);
  const stop = (signal: string) => {
    console.log(`url-anvil: ${signal}, draining`);
    app.close().then(() => console.log("url-anvil: stopped"));
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}
