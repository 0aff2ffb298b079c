/** Entry point of the url-anvil image: reads the environment and starts the app. */
import { startServer } from "./start.ts";

startServer(process.env).catch((e: unknown) => {
  console.error(`url-anvil: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
