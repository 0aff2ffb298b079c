import type { Io } from "../io.ts";

/** Placeholder until the sandbox command lands. */
export async function command(_args: string[], io: Io): Promise<number> {
  io.err("sre-chaos sandbox: not implemented yet");
  return 1;
}
