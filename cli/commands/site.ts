import type { Io } from "../io.ts";

/** Placeholder until the site command lands. */
export async function command(_args: string[], io: Io): Promise<number> {
  io.err("sre-chaos site: not implemented yet");
  return 1;
}
