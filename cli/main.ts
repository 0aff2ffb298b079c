/**
 * The `sre-chaos` CLI: maps a subcommand to its module. Each command module exports
 * `command(args, io)` and returns an exit code; only this file and bin/ turn errors into exit codes.
 */
import { UsageError, type Io, consoleIo } from "./io.ts";

type Command = (args: string[], io: Io) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ command: Command }> }> = {
  new: {
    summary: "new <login>                 create contributors/<login>/ from the template",
    load: () => import("./commands/new.ts"),
  },
  validate: {
    summary: "validate <login>            check an entry against every rule",
    load: () => import("./commands/validate.ts"),
  },
  run: {
    summary:
      "run <login> [--challenge <id>] [--scale <x>] [--out <dir>]   build, load, break and score an entry",
    load: () => import("./commands/run.ts"),
  },
  site: {
    summary: "site [--results <dir>] [--out <dir>] [--base-path /x/] [--serve]   build the leaderboard",
    load: () => import("./commands/site.ts"),
  },
  sandbox: {
    summary: "sandbox                     install Docker and build local stand-ins for every image",
    load: () => import("./commands/sandbox.ts"),
  },
  doctor: {
    summary: "doctor                      say what this machine lacks and how to fix it",
    load: () => import("./commands/doctor.ts"),
  },
};

export function usage(): string {
  return [
    "usage: sre-chaos <command> [options]",
    "",
    ...Object.values(COMMANDS).map((c) => `  ${c.summary}`),
  ].join("\n");
}

/** Runs the CLI and returns the process exit code. */
export async function main(argv: string[], io: Io = consoleIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    io.out(usage());
    return name ? 0 : 2;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.err(`sre-chaos: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    const { command } = await entry.load();
    return await command(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`sre-chaos ${name}: ${e.message}`);
      return 2;
    }
    io.err(`sre-chaos ${name}: ${e instanceof Error ? e.message : String(e)}`);
    if (process.env.SRE_CHAOS_DEBUG && e instanceof Error) io.err(e.stack ?? "");
    return 1;
  }
}
