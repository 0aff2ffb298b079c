/** Where commands write. Tests pass a recording Io; the CLI passes the console. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** True when stdout is a terminal, so progress may redraw a line in place. */
  readonly tty: boolean;
}

export const consoleIo: Io = {
  out: (l) => process.stdout.write(l + "\n"),
  err: (l) => process.stderr.write(l + "\n"),
  tty: Boolean(process.stdout.isTTY),
};

/** A bad flag or argument: the CLI prints the message and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Parses `--name value` and `--flag` options; positional arguments are returned in order. */
export function parseArgs(
  args: string[],
  spec: Record<string, "string" | "boolean">,
): { positional: string[]; options: Record<string, string | boolean | undefined> } {
  const positional: string[] = [];
  const options: Record<string, string | boolean | undefined> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith("--")) {
      positional.push(a);
      continue;
    }
    const [rawName, inline] = a.slice(2).split("=", 2) as [string, string | undefined];
    const kind = spec[rawName];
    if (!kind)
      throw new UsageError(
        `unknown option --${rawName} (known: ${
          Object.keys(spec)
            .map((k) => `--${k}`)
            .join(", ") || "none"
        })`,
      );
    if (kind === "boolean") {
      options[rawName] = true;
    } else {
      const v = inline ?? args[++i];
      if (v === undefined || v.startsWith("--")) throw new UsageError(`option --${rawName} needs a value`);
      options[rawName] = v;
    }
  }
  return { positional, options };
}
