/**
 * The quote the dependency service hands out, and its token. The token lets the load generator
 * tell a real quote from a forged one: the entry never sees the key, so it can only relay quotes.
 */
import { createHmac, randomBytes } from "node:crypto";

/** Short, well-known SRE sayings; any of them is a valid `text`. */
export const QUOTES: readonly string[] = [
  "Hope is not a strategy.",
  "Everything fails, all the time.",
  "If it isn't monitored, it isn't in production.",
  "Complexity is the enemy of reliability.",
  "The best incident is the one that never pages anyone.",
  "Automate yourself out of a job, then find a better one.",
  "Measure twice, deploy once.",
  "Toil is work that scales linearly with the service.",
];

/** The JSON body of `GET /quote`, field order as sent. */
export interface Quote {
  id: string;
  text: string;
  issuedAt: number;
  token: string;
}

/** hex(HMAC-SHA256(key, `${id}:${issuedAt}:${text}`)) — the format the load generator verifies. */
export function quoteToken(key: Buffer, id: string, issuedAt: number, text: string): string {
  return createHmac("sha256", key).update(`${id}:${issuedAt}:${text}`).digest("hex");
}

/** A fresh quote: random 16-hex id, a text picked with `random`, signed with `key`. */
export function makeQuote(key: Buffer, now: number, random: () => number): Quote {
  const id = randomBytes(8).toString("hex");
  const text = QUOTES[Math.floor(random() * QUOTES.length) % QUOTES.length] ?? QUOTES[0]!;
  const issuedAt = Math.floor(now);
  return { id, text, issuedAt, token: quoteToken(key, id, issuedAt, text) };
}

/**
 * Parses QUOTE_KEY: non-empty hex, an even number of digits, at least 16 bytes so the token
 * cannot be guessed. Throws with a message naming the variable.
 */
export function parseQuoteKey(hex: string | undefined): Buffer {
  if (!hex) throw new Error("QUOTE_KEY is required (hex secret, at least 32 hex digits)");
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) {
    throw new Error("QUOTE_KEY must be hex with an even number of digits");
  }
  if (hex.length < 32) throw new Error(`QUOTE_KEY is too short: ${hex.length} hex digits, need at least 32`);
  return Buffer.from(hex, "hex");
}
