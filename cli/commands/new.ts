import type { Io } from "../io.ts";

/** Placeholder until the new command lands. */
export async function command(_args: string[], io: Io): Promise<number> {
  io.err("sre-chaos new: not implemented yet");
  return 1;
}
