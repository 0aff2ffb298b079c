/**
 * Reads the challenge definitions (`scoring/challenges/*.yml`) for the scoring page and the board
 * titles. A small adapter on purpose: when `harness/challenge-files.ts` (loadAllChallenges) settles,
 * this is the one place to switch to it. A definition that cannot be read is reported and skipped.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
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
      const doc: unknown = parse(readFileSync(file, "utf8"));
      if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new Error("not a mapping");
      const { id, title, name: altTitle, summary, description, ...data } = doc as Record<string, unknown>;
      const cid = typeof id === "string" ? id : name.replace(/\.ya?ml$/, "");
      challenges.push({
        id: cid,
        title: typeof title === "string" ? title : typeof altTitle === "string" ? altTitle : cid,
        summary: typeof summary === "string" ? summary : typeof description === "string" ? description : "",
        data,
      });
    } catch (e) {
      skipped.push({ file, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  return { challenges, skipped };
}
