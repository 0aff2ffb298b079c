import type { Io } from "../io.ts";
import { parseArgs } from "../io.ts";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { formatChecks, realProbe, runChecks } from "../../sandbox/doctor.ts";
import { PLATFORM_ROOT } from "../../harness/entry/paths.ts";

/** The `go` line of loadgen/go.mod: the oldest Go that builds the load generator. */
async function loadgenGoVersion(): Promise<string | undefined> {
  const mod = await readFile(join(PLATFORM_ROOT, "loadgen", "go.mod"), "utf8").catch(() => "");
  return /^go\s+(\S+)/m.exec(mod)?.[1];
}

/** `sre-chaos doctor`: lists what this machine lacks and the command fixing each; exit 1 if anything is missing. */
export async function command(args: string[], io: Io): Promise<number> {
  parseArgs(args, {});
  const checks = await runChecks(realProbe, { requiredGo: await loadgenGoVersion() });
  for (const line of formatChecks(checks)) io.out(line);
  return checks.every((c) => c.ok) ? 0 : 1;
}
