/**
 * Reads the challenge definitions (`scoring/challenges/*.yml`) for the scoring page and the board
 * titles, validated by the scoring schema (`parseChallenge`, the same one `harness/challenge-files.ts`
 * uses). Unlike `loadAllChallenges`, one bad file is reported and skipped instead of failing the build,
 * and any folder can be read (the tests use their own copy).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ChallengeError, parseChallenge } from "../scoring/challenge-schema.ts";
import type { ChallengeInfo } from "./scoring-view.ts";

/** Loads every `*.yml` in `dir` (sorted by file name); problems go to `skipped`, never thrown. */
export function loadChallengeInfos(dir: string): {
  challenges: ChallengeInfo[];
  skipped: { file: string; reason: string }[];
} {
  const challenges: ChallengeInfo[] = [];
  const skipped: { file: string; reason: string }[] = [];
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => /\.ya?ml$/.test(n))
      .sort();
  } catch {
    return { challenges, skipped };
  }
  for (const name of names) {
    const file = join(dir, name);
    try {
      const { id, title, summary, ...data } = parseChallenge(readFileSync(file, "utf8"), file);
      challenges.push({ id, title, summary, data });
    } catch (e) {
      const reason =
        e instanceof ChallengeError ? e.problems.join("; ") : e instanceof Error ? e.message : String(e);
      skipped.push({ file, reason });
    }
  }
  return { challenges, skipped };
}
