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
    summary:
      "site [--results <dir>] [--out <dir>] [--base-path /x/] [--serve [--port <n>]]   build the leaderboard",
    load: () => import("./commands/site.ts"),
  },
  sandbox: {
    summary: "sandbox [--force]           install Docker and build local stand-ins for every image",
    load: () => import("./commands/sandbox.ts"),
  },
  doctor: {
    summary: "doctor                      say what this machine lacks and how to fix it",
    load: () => import("./commands/doctor.ts"),
  },
};

/** `usage: sre-chaos run <login> [...]`, and the command's one-line description when `described`. */
function usageOf(summary: string, described = false): string {
  const [synopsis, description] = summary.split(/\s{2,}/);
  return `usage: sre-chaos ${synopsis}${described && description ? `\n  ${description}` : ""}`;
}

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
  const options = rest.includes("--") ? rest.slice(0, rest.indexOf("--")) : rest;
  if (options.includes("--help") || options.includes("-h")) {
    io.out(usageOf(entry.summary, true));
    return 0;
  }
  try {
    const { command } = await entry.load();
    return await command(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      const hint = e.message.startsWith("usage:") ? "" : `\n${usageOf(entry.summary)}`;
      io.err(`sre-chaos ${name}: ${e.message}${hint}`);
      return 2;
    }
    io.err(`sre-chaos ${name}: ${e instanceof Error ? e.message : String(e)}`);
    if (process.env.SRE_CHAOS_DEBUG && e instanceof Error) io.err(e.stack ?? "");
    return 1;
  }
}
