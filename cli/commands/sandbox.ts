import type { Io } from "../io.ts";
import { parseArgs } from "../io.ts";
import { provisionSandbox } from "../../sandbox/provision.ts";

/**
 * `sre-chaos sandbox [--force]`: installs Docker from the OS packages when missing, starts it,
 * and builds the local stand-in images. Prints each step with its time, then the total.
 */
export async function command(args: string[], io: Io): Promise<number> {
  const { options } = parseArgs(args, { force: "boolean" });
  const t0 = performance.now();
  try {
    const steps = await provisionSandbox({ log: (l) => io.out(l), force: options.force === true });
    const total = (performance.now() - t0) / 1000;
    io.out(`sandbox ready: ${steps.length} steps in ${total.toFixed(1)} s`);
    return 0;
  } catch (e) {
    io.err(e instanceof Error ? e.message : String(e));
    io.out(`sandbox failed after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return 1;
  }
}
