/**
 * Reads the challenge definitions from scoring/challenges/*.yml. The only file that touches the
 * disk for challenges: parsing and validation stay pure in scoring/challenge-schema.ts.
 */
import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { CHALLENGE_IDS, type ChallengeId } from "../record/run-record.ts";
import { parseChallenge, ChallengeError, type ChallengeDef } from "../scoring/challenge-schema.ts";

/** The repository root this module ships in. */
const DEFAULT_ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Loads and validates `scoring/challenges/<id>.yml`; throws ChallengeError naming file and field. */
export async function loadChallenge(id: ChallengeId, root: string = DEFAULT_ROOT): Promise<ChallengeDef> {
  const path = join(root, "scoring", "challenges", `${id}.yml`);
  const source = relative(process.cwd(), path) || path;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new ChallengeError(source, [`cannot read the file: ${(e as Error).message}`]);
  }
  const def = parseChallenge(text, source);
  if (def.id !== id) throw new ChallengeError(source, [`id: is "${def.id}" but the file is named ${id}.yml`]);
  return def;
}

/** Loads every challenge, in CHALLENGE_IDS order. */
export async function loadAllChallenges(root: string = DEFAULT_ROOT): Promise<ChallengeDef[]> {
  return Promise.all(CHALLENGE_IDS.map((id) => loadChallenge(id, root)));
}
