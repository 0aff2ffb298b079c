/**
 * Reads run and entry records from disk for the site. One reader for both layouts:
 * - the results branch: `runs/<login>/<run-id>.json` and `entries/<login>.json`;
 * - the local history of `sre-chaos run`: `.sre-chaos/runs/<login>/<run-id>/run.json`.
 * Every record is validated by its schema; an invalid one is reported (file and reason) and skipped,
 * so one bad file never takes the whole site down.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { z } from "zod";
import {
  LOGIN_PATTERN,
  RECORD_LIMITS,
  RecordError,
  runRecordSchema,
  validateRunRecord,
  type RunRecord,
} from "../record/run-record.ts";
import { entryRecordSchema, type EntryRecord } from "../record/entry-record.ts";
import { summarize, type RunSummary } from "./view-model.ts";

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

/** The run schema with the series left unchecked: for runs whose series the site never draws. */
const summarySchema = runRecordSchema.extend({ series: z.unknown() });

export interface LoadOptions {
  /**
   * Which of a login's runs need their series (they get a page). Those are validated in full; the
   * others against every field except the series values, which the site does not use for them
   * (validating 50,000 series is most of a big build's time; the publisher validated them on write).
   * Default: all of them.
   */
  needSeries?: (runs: RunSummary[]) => Set<string>;
  /** Receives each login's fully validated records that need series, before they are dropped. */
  onLoginRuns?: (runs: RunRecord[]) => void | Promise<void>;
}

/** Validates a record's JSON text, in full or without its series; throws RecordError. */
function parseText(text: string, file: string, full: boolean): Omit<RunRecord, "series"> {
  if (Buffer.byteLength(text, "utf8") > RECORD_LIMITS.maxBytes) {
    throw new RecordError(file, [`larger than ${RECORD_LIMITS.maxBytes} bytes`]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new RecordError(file, [`not JSON: ${(e as Error).message}`]);
  }
  if (full) return validateRunRecord(data, file);
  const r = summarySchema.safeParse(data);
  if (!r.success) {
    throw new RecordError(
      file,
      r.error.issues.slice(0, 20).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`),
    );
  }
  return r.data as Omit<RunRecord, "series">;
}

/**
 * Reads every record under `dir` (either layout). Missing folders mean "no results yet", not an error.
 * Runs come back without their series; see LoadOptions for the ones that keep them for a while.
 */
export async function loadResults(dir: string, opts: LoadOptions = {}): Promise<LoadedResults> {
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
    const found: { file: string; runId: string }[] = [];
    for (const name of list(loginDir)) {
      const p = join(loginDir, name);
      const m = RUN_FILE.exec(name);
      if (m) found.push({ file: p, runId: m[1]! });
      else if (RUN_DIR.test(name) && statSync(p).isDirectory()) {
        const file = join(p, "run.json");
        // No run.json yet: a run still in progress.
        if (statSync(file, { throwIfNoEntry: false })?.isFile()) found.push({ file, runId: name });
      } else skip(p, "not a run record name (<run-id>.json or <run-id>/run.json)");
    }
    // First pass: every field but the series, for every run.
    const texts = new Map<string, { file: string; text: string }>();
    const fullRuns = new Map<string, RunRecord>();
    const summaries: RunSummary[] = [];
    for (const { file, runId } of found) {
      try {
        const text = readFileSync(file, "utf8");
        const run = parseText(text, file, !opts.needSeries);
        // The path is what the publisher vouched for; a record claiming another login or id is refused.
        if (run.login !== login) throw new Error(`login "${run.login}" does not match folder "${login}"`);
        if (run.runId !== runId) throw new Error(`runId "${run.runId}" does not match file name`);
        summaries.push(summarize(run));
        if (opts.needSeries) texts.set(runId, { file, text });
        else fullRuns.set(runId, run as RunRecord);
      } catch (e) {
        skip(file, reasonOf(e));
      }
    }
    // Second pass: the series of the runs that need them (a bad series drops the run everywhere).
    const wanted = opts.needSeries ? opts.needSeries(summaries) : new Set(summaries.map((r) => r.runId));
    const full: RunRecord[] = [];
    const dropped = new Set<string>();
    for (const id of wanted) {
      const got = fullRuns.get(id);
      if (got) {
        full.push(got);
        continue;
      }
      const t = texts.get(id);
      if (!t) continue;
      try {
        full.push(parseText(t.text, t.file, true) as RunRecord);
      } catch (e) {
        skip(t.file, reasonOf(e));
        dropped.add(id);
      }
    }
    await opts.onLoginRuns?.(full);
    for (const r of summaries) if (!dropped.has(r.runId)) out.runs.push(r);
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
