/** `sre-chaos run <login> [--challenge <id>] [--scale <x>] [--out <dir>]`: the same run CI does. */
import { resolve } from "node:path";
import { CHALLENGE_IDS, type ChallengeId } from "../../record/run-record.ts";
import { parseArgs, UsageError, type Io } from "../io.ts";
import { createProgressPrinter } from "../../harness/progress.ts";
import { repoRoot } from "../../harness/entry/paths.ts";

export async function command(args: string[], io: Io): Promise<number> {
  const { positional, options } = parseArgs(args, { challenge: "string", scale: "string", out: "string" });
  const [login, extra] = positional;
  if (!login || extra)
    throw new UsageError("usage: sre-chaos run <login> [--challenge <id>] [--scale <x>] [--out <dir>]");
  const challenge = options.challenge as string | undefined;
  if (challenge !== undefined && !(CHALLENGE_IDS as readonly string[]).includes(challenge)) {
    throw new UsageError(
      `--challenge: unknown challenge "${challenge}" (valid: ${CHALLENGE_IDS.join(", ")})`,
    );
  }
  const scale = options.scale === undefined ? 1 : Number(options.scale);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 10)
    throw new UsageError(`--scale: expected a number in (0, 10], got "${options.scale}"`);

  const { runEntry } = await import("../../harness/run.ts");
  const abort = new AbortController();
  const onSigint = () => {
    io.err("\ninterrupted: stopping the load and tearing the stack down (Ctrl-C again to force)…");
    process.off("SIGINT", onSigint);
    abort.abort();
  };
  process.on("SIGINT", onSigint);
  const printer = createProgressPrinter(io.out, io.tty);
  const started = Date.now();
  try {
    const result = await runEntry({
      root: repoRoot(),
      login,
      challenge: challenge as ChallengeId | undefined,
      scale,
      outDir: options.out === undefined ? undefined : resolve(String(options.out)),
      log: (line) => {
        printer.done();
        io.out(line);
      },
      progress: (line, elapsed) => printer.update(line, elapsed),
      signal: abort.signal,
    });
    printer.done();
    io.out("");
    io.out(result.report);
    io.out(`run record: ${result.outDir}/run.json (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    return 0;
  } finally {
    process.off("SIGINT", onSigint);
  }
}
