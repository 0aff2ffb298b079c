/**
 * The results branch as the modes see it: write through {@link publishToResults} (retried on push
 * races) and read a checkout of the tip. Modes receive a {@link ResultsStore} so tests can point it
 * at a local bare repository.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import {
  publishToResults,
  readResultsTree,
  removeResultsTree,
  type ReadResult,
  type ResultsBranchOptions,
  type ResultsUpdate,
} from "./results-branch.ts";
import { z } from "zod";
import {
  entryRecordSchema,
  newEntryRecord,
  type EntryRecord,
  type RunRef,
} from "../../record/entry-record.ts";
import type { ChallengeId } from "../../record/run-record.ts";

export interface ResultsStore {
  publish(update: ResultsUpdate, message: string): Promise<{ commit: string; attempts: number }>;
  /** Every valid `entries/*.json` on the branch tip (invalid ones are skipped: they cannot rank). */
  readEntries(): Promise<EntryRecord[]>;
  /**
   * The entrant's latest and best run on a challenge before `runId`, from `runs/<login>/` (what the
   * entry record said before that run was applied); null when there was none.
   */
  runsBefore(
    login: string,
    challenge: ChallengeId,
    runId: string,
  ): Promise<{ latest: RunRef; best: RunRef } | null>;
}

/** The fields of a run record that make a {@link RunRef}. */
const runFields = z.object({
  runId: z.string(),
  challenge: z.string(),
  score: z.number(),
  finishedAt: z.string(),
});

/** A store over the real results-branch module. */
export function createResultsStore(opts: ResultsBranchOptions): ResultsStore {
  return {
    publish: (update, message) => publishToResults(opts, update, message),
    async readEntries() {
      const dir = await readResultsTree(opts);
      try {
        const names = await readdir(path.join(dir, "entries")).catch(() => [] as string[]);
        const out: EntryRecord[] = [];
        for (const n of names.filter((x) => x.endsWith(".json")).sort()) {
          const parsed = entryRecordSchema.safeParse(
            JSON.parse(await readFile(path.join(dir, "entries", n), "utf8").catch(() => "null")),
          );
          if (parsed.success) out.push(parsed.data);
        }
        return out;
      } finally {
        await removeResultsTree(dir);
      }
    },
    async runsBefore(login, challenge, runId) {
      const dir = await readResultsTree(opts);
      try {
        const runs = path.join(dir, "runs", login);
        const names = (await readdir(runs).catch(() => [] as string[])).filter(
          (n) => n.endsWith(".json") && n < `${runId}.json`,
        );
        let latest: RunRef | null = null;
        let best: RunRef | null = null;
        // Run ids sort by time: the last is the latest; the best is the first of the highest score.
        for (const n of names.sort()) {
          const r = runFields.safeParse(JSON.parse(await readFile(path.join(runs, n), "utf8")));
          if (!r.success || r.data.challenge !== challenge) continue;
          const ref = { runId: r.data.runId, score: r.data.score, finishedAt: r.data.finishedAt };
          latest = ref;
          if (!best || ref.score > best.score) best = ref;
        }
        return latest && best ? { latest, best } : null;
      } finally {
        await removeResultsTree(dir);
      }
    },
  };
}

/** Reads and validates `entries/<login>.json`; a fresh record when absent. Throws on an invalid one. */
export async function readEntryRecord(
  read: ReadResult,
  login: string,
  fallbackChallenge: ChallengeId,
): Promise<EntryRecord> {
  const file = `entries/${login}.json`;
  const text = await read(file);
  if (text === null) return newEntryRecord(login, fallbackChallenge);
  const parsed = entryRecordSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(
      `results branch ${file} is not a valid entry record: ${parsed.error.issues[0]?.message ?? ""}`,
    );
  }
  return parsed.data;
}

/** Serializes an entry record after validating it. */
export function serializeEntryRecord(entry: EntryRecord): string {
  return JSON.stringify(entryRecordSchema.parse(entry), null, 2) + "\n";
}
