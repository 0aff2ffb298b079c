/** `sre-chaos validate <login>`: check an entry against every rule; exit 1 on any violation. */
import { parseArgs, UsageError, type Io } from "../io.ts";
import { inspectEntry, type EntryReport } from "../../harness/entry/validate.ts";
import { repoRoot } from "../../harness/entry/paths.ts";

/** Prints one line per violation and warning; returns the exit code (1 when anything is violated). */
export function printReport(io: Io, folder: string, report: EntryReport): number {
  for (const w of report.warnings) io.out(`warning: ${w.file}: [${w.rule}] ${w.message}`);
  for (const v of report.violations) io.err(`${v.file}: [${v.rule}] ${v.message}`);
  if (report.violations.length) {
    io.err(`${folder} breaks ${report.violations.length} rule(s); see docs/ENTRY.md`);
    return 1;
  }
  io.out(`ok: ${folder} passes every rule`);
  return 0;
}

export async function command(args: string[], io: Io, root: string = repoRoot()): Promise<number> {
  const { positional } = parseArgs(args, {});
  const [login, extra] = positional;
  if (!login || extra) throw new UsageError("usage: sre-chaos validate <login>");
  return printReport(io, `contributors/${login}`, await inspectEntry(root, login));
}
