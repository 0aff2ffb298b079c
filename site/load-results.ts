/**
 * Reads run and entry records from disk for the site. One reader for both layouts:
 * - the results branch: `runs/<login>/<run-id>.json` and `entries/<login>.json`;
 * - the local history of `sre-chaos run`: `.sre-chaos/runs/<login>/<run-id>/run.json`.
 * Every record is validated by its schema; an invalid one is reported (file and reason) and skipped,
 * so one bad file never takes the whole site down.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { LOGIN_PATTERN, parseRunRecord, RecordError, type RunRecord } from "../record/run-record.ts";
import { entryRecordSchema, type EntryRecord } from "../record/entry-record.ts";
import type { RunSummary } from "./view-model.ts";

/** A file left out of the site, and why. */
export interface Skipped {
  file: string;
  reason: string;
}

export interface LoadedResults {
  /** Every valid run without its series (the series only feed run pages, see `onLoginRuns`). */
  runs: RunSummary[];
  entries: EntryRecord[];
  skipped: Skipped[];
}

const RUN_FILE = /^(\d{8}T\d{6}Z-[0-9a-f]{8})\.json$/;
const RUN_DIR = /^\d{8}T\d{6}Z-[0-9a-f]{8}$/;

function list(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function reasonOf(e: unknown): string {
  if (e instanceof RecordError) return e.problems.join("; ");
  return e instanceof Error ? e.message : String(e);
}

/**
 * Reads every record under `dir` (either layout). Missing folders mean "no results yet", not an error.
 * `onLoginRuns` receives each login's full, valid records once, before they are reduced to summaries.
 */
export function loadResults(dir: string, onLoginRuns?: (runs: RunRecord[]) => void): LoadedResults {
  const out: LoadedResults = { runs: [], entries: [], skipped: [] };
  const skip = (file: string, reason: string) => out.skipped.push({ file: relative(dir, file), reason });
  const runsDir = join(dir, "runs");
  for (const login of list(runsDir)) {
    const loginDir = join(runsDir, login);
    if (!statSync(loginDir).isDirectory()) continue;
    if (!LOGIN_PATTERN.test(login)) {
      skip(loginDir, "folder name is not a valid GitHub login");
      continue;
    }
    const full: RunRecord[] = [];
    for (const name of list(loginDir)) {
      const p = join(loginDir, name);
      let file: string;
      let runId: string;
      const m = RUN_FILE.exec(name);
      if (m) {
        file = p;
        runId = m[1]!;
      } else if (RUN_DIR.test(name) && statSync(p).isDirectory()) {
        file = join(p, "run.json");
        runId = name;
        if (!statSync(file, { throwIfNoEntry: false })?.isFile()) continue; // a run still in progress
      } else {
        skip(p, "not a run record name (<run-id>.json or <run-id>/run.json)");
        continue;
      }
      try {
        const run = parseRunRecord(readFileSync(file, "utf8"), file);
        // The path is what the publisher vouched for; a record claiming another login or id is refused.
        if (run.login !== login) throw new Error(`login "${run.login}" does not match folder "${login}"`);
        if (run.runId !== runId) throw new Error(`runId "${run.runId}" does not match file name`);
        full.push(run);
      } catch (e) {
        skip(file, reasonOf(e));
      }
    }
    onLoginRuns?.(full);
    for (const { series: _series, ...summary } of full) out.runs.push(summary);
  }
  const entriesDir = join(dir, "entries");
  for (const name of list(entriesDir)) {
    const p = join(entriesDir, name);
    if (!name.endsWith(".json")) continue;
    try {
      const parsed = entryRecordSchema.safeParse(JSON.parse(readFileSync(p, "utf8")));
      if (!parsed.success) {
        throw new Error(
          parsed.error.issues
            .slice(0, 10)
            .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
            .join("; "),
        );
      }
      if (`${parsed.data.login}.json` !== name) throw new Error(`login does not match file name`);
      out.entries.push(parsed.data);
    } catch (e) {
      skip(p, reasonOf(e));
    }
  }
  return out;
}
