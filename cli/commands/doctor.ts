import type { Io } from "../io.ts";
import { parseArgs } from "../io.ts";
import { formatChecks, realProbe, runChecks } from "../../sandbox/doctor.ts";

/** `sre-chaos doctor`: lists what this machine lacks and the command fixing each; exit 1 if anything is missing. */
export async function command(args: string[], io: Io): Promise<number> {
  parseArgs(args, {});
  const checks = await runChecks(realProbe);
  for (const line of formatChecks(checks)) io.out(line);
  return checks.every((c) => c.ok) ? 0 : 1;
}
