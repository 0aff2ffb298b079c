/**
 * The entry record (docs/ARCHITECTURE.md): `entries/<login>.json` on the results branch — the contributor's current
 * challenge and, per challenge, the latest and best run.
 */
import { z } from "zod";
import { CHALLENGE_IDS, LOGIN_PATTERN, SCHEMA_VERSION, type RunRecord } from "./run-record.ts";

const runRef = z.strictObject({
  runId: z.string().regex(/^\d{8}T\d{6}Z-[0-9a-f]{8}$/),
  score: z.number().finite().nonnegative(),
  finishedAt: z.iso.datetime({ offset: true }),
});
export type RunRef = z.infer<typeof runRef>;

export const entryRecordSchema = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  login: z.string().regex(LOGIN_PATTERN),
  challenge: z.enum(CHALLENGE_IDS),
  /** Who chose the current challenge and when (`/challenge` comment or entry.yml). */
  challengeSetBy: z.string().max(100).nullable(),
  challengeSetAt: z.iso.datetime({ offset: true }).nullable(),
  runs: z.partialRecord(
    z.enum(CHALLENGE_IDS),
    z.strictObject({ latest: runRef, best: runRef, count: z.number().int().positive() }),
  ),
});
export type EntryRecord = z.infer<typeof entryRecordSchema>;

/** A fresh entry record for a login and challenge. */
export function newEntryRecord(login: string, challenge: EntryRecord["challenge"]): EntryRecord {
  return {
    schemaVersion: SCHEMA_VERSION,
    login,
    challenge,
    challengeSetBy: null,
    challengeSetAt: null,
    runs: {},
  };
}

/** Folds one finished run into an entry record (pure): latest always moves, best only on a higher score. */
export function applyRun(entry: EntryRecord, run: RunRecord): EntryRecord {
  const ref: RunRef = { runId: run.runId, score: run.score, finishedAt: run.finishedAt };
  const prev = entry.runs[run.challenge];
  const best = prev && prev.best.score >= run.score ? prev.best : ref;
  const latest = prev && prev.latest.runId > run.runId ? prev.latest : ref;
  return {
    ...entry,
    runs: { ...entry.runs, [run.challenge]: { latest, best, count: (prev?.count ?? 0) + 1 } },
  };
}
