import { parseArgs as parseNodeArgs } from "node:util";

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

type Kind = "string" | "boolean";
type Parsed<S extends Record<string, Kind>> = {
  positional: string[];
  options: { [K in keyof S]?: S[K] extends "string" ? string : boolean };
};

/** The option a node:util parseArgs error names (`'--x'`, `'-x'`, `'--x <value>'`). */
const optionIn = (message: string) => /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? "?";

/**
 * Parses `--name value`, `--name=value` and `--flag` options with node:util's parseArgs (strict:
 * an unknown option or a missing value is an error); positional arguments are returned in order,
 * and everything after `--` is positional. Errors are {@link UsageError}s naming the option.
 */
export function parseArgs<S extends Record<string, Kind>>(args: string[], spec: S): Parsed<S> {
  const options = Object.fromEntries(Object.entries(spec).map(([name, type]) => [name, { type }]));
  try {
    const { values, positionals } = parseNodeArgs({ args, options, strict: true, allowPositionals: true });
    return { positional: positionals, options: { ...values } as Parsed<S>["options"] };
  } catch (e) {
    const code = (e as { code?: string }).code;
    const message = (e as Error).message;
    const name = optionIn(message);
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const known = Object.keys(spec).map((k) => `--${k}`);
      throw new UsageError(`unknown option ${name} (known: ${known.join(", ") || "none"})`);
    }
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      if (/does not take an argument/.test(message)) throw new UsageError(`option ${name} takes no value`);
      const dash = /ambiguous/.test(message) ? ` (write ${name}=<value> for one that starts with "-")` : "";
      throw new UsageError(`option ${name} needs a value${dash}`);
    }
    throw e;
  }
}
