/** The action's entry point (bundled to dist/index.js): everything happens in run(). */
import { run } from "./main.ts";

// Exit once run() is done (its exit code set by core.setFailed): a stray handle, such as a child
// process the harness failed to reap, must not keep the job alive.
void run().finally(() => process.exit());
