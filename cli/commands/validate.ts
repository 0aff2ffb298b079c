import type { Io } from "../io.ts";

/** Placeholder until the validate command lands. */
export async function command(_args: string[], io: Io): Promise<number> {
  io.err("sre-chaos validate: not implemented yet");
  return 1;
}
