import type { Io } from "../io.ts";

/** Placeholder until the run command lands. */
export async function command(_args: string[], io: Io): Promise<number> {
  io.err("sre-chaos run: not implemented yet");
  return 1;
}
