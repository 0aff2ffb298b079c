/** Entry point of the upstream image: reads the environment and starts the service. */
import { startServer } from "./start.ts";

startServer(process.env).catch((e: unknown) => {
  console.error(`upstream: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
