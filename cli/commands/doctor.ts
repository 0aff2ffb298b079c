import type { Io } from "../io.ts";

/** Placeholder until the doctor command lands. */
export async function command(_args: string[], io: Io): Promise<number> {
  io.err("sre-chaos doctor: not implemented yet");
  return 1;
}
