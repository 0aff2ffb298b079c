/**
 * Reads run and entry records from disk for the site. One reader for both layouts:
 * - the results branch: `runs/<login>/<run-id>.json` and `entries/<login>.json`;
 * - the local history of `sre-chaos run`: `.sre-chaos/runs/<login>/<run-id>/run.json`.
 * Every record is validated by its schema; an invalid one is reported (file and reason) and skipped,
 * so one bad file never takes the whole site down. The reader works one login at a time, so the build
 * can spread logins over worker threads and never holds more than one login's full records.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { z } from "zod";
import {
  LOGIN_PATTERN,
  RECORD_LIMITS,
  RecordError,
  runRecordSchema,
  seriesSchema,
  type RunRecord,
} from "../record/run-record.ts";
import { entryRecordSchema, type EntryRecord } from "../record/entry-record.ts";
import { summarize, type RunSummary } from "./view-model.ts";

/** A file left out of the site, and why. */
export interface Skipped {
  file: string;
  reason: string;
}

const RUN_FILE = /^(\d{8}T\d{6}Z-[0-9a-f]{8})\.json$/;
const RUN_DIR = /^\d{8}T\d{6}Z-[0-9a-f]{8}$/;

function reasonOf(e: unknown): string {
  if (e instanceof RecordError) return e.problems.join("; ");
  return e instanceof Error ? e.message : String(e);
}

function problemsOf(issues: readonly z.core.$ZodIssue[], prefix: string[] = []): string[] {
  return issues.slice(0, 20).map((i) => `${[...prefix, ...i.path].join(".") || "(root)"}: ${i.message}`);
}

/**
 * The run schema as the site reads it, derived from the record's own so there is one source of truth:
 * the series is left for later (validated only for runs whose series is drawn), and `measurements`,
 * which the site never shows, is only checked to be an object. Both schemas are compiled (zod's
 * generated fast path): a valid record passes several times faster, and an invalid one falls back to
 * the ordinary parser, so its problems read exactly as before.
 */
const summarySchema = z.compile(
  runRecordSchema.extend({
    series: z.unknown(),
    measurements: z.record(z.string(), z.unknown()).optional(),
  }),
);
const siteSeriesSchema = z.compile(seriesSchema);

/** A record parsed once: every field the site shows validated but the series, still as parsed. */
type Parsed = z.infer<typeof summarySchema>;

/** A run as the site renders it: the whole record, series validated, measurements left out. */
export type SiteRun = Omit<RunRecord, "measurements">;

/** Parses a record file's bytes once and validates every field but the series; throws RecordError. */
function parseRecord(bytes: Buffer, file: string): Parsed {
  if (bytes.length > RECORD_LIMITS.maxBytes) {
    throw new RecordError(file, [`larger than ${RECORD_LIMITS.maxBytes} bytes`]);
  }
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString("utf8"));
  } catch (e) {
    throw new RecordError(file, [`not JSON: ${(e as Error).message}`]);
  }
  const r = summarySchema.safeParse(data);
  if (!r.success) throw new RecordError(file, problemsOf(r.error.issues));
  return r.data as Parsed;
}

/** Validates the series of a parsed record; with the rest already checked, the site's schema holds. */
function withSeries(run: Parsed, file: string): SiteRun {
  const s = siteSeriesSchema.safeParse(run.series);
  if (!s.success) throw new RecordError(file, problemsOf(s.error.issues, ["series"]));
  const { measurements: _, ...rest } = run;
  return { ...rest, series: s.data };
}

/** The record files of one login's folder (either layout), and the names that are not records. */
function listRuns(loginDir: string): { found: { file: string; runId: string }[]; bad: string[] } {
  const found: { file: string; runId: string }[] = [];
  const bad: string[] = [];
  for (const d of readdirSync(loginDir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(loginDir, d.name);
    const m = RUN_FILE.exec(d.name);
    if (m && !d.isDirectory()) found.push({ file: p, runId: m[1]! });
    else if (RUN_DIR.test(d.name) && d.isDirectory()) {
      // No run.json yet: a run still in progress.
      const file = join(p, "run.json");
      if (statSync(file, { throwIfNoEntry: false })?.isFile()) found.push({ file, runId: d.name });
    } else bad.push(p);
  }
  return { found, bad };
}

export interface LoginRuns {
  /** Every valid run of the login, without its series. */
  summaries: RunSummary[];
  /** The runs that `needSeries` chose, validated in full (series included), oldest first. */
  full: SiteRun[];
  skipped: Skipped[];
}

/**
 * Reads one login's runs from `<dir>/runs/<login>/`. Each file is read and parsed once; every field
 * but the series is validated for every run, and the series only for the runs `needSeries` picks
 * from the summaries (the ones that get a page; default all). A run whose series is bad is dropped
 * everywhere and reported.
 */
export function readLoginRuns(
  dir: string,
  login: string,
  needSeries: (runs: RunSummary[]) => Set<string> = (runs) => new Set(runs.map((r) => r.runId)),
): LoginRuns {
  const out: LoginRuns = { summaries: [], full: [], skipped: [] };
  const skip = (file: string, reason: string) => out.skipped.push({ file: relative(dir, file), reason });
  const { found, bad } = listRuns(join(dir, "runs", login));
  for (const p of bad) skip(p, "not a run record name (<run-id>.json or <run-id>/run.json)");
  const parsed = new Map<string, { file: string; run: Parsed }>();
  const summaries: RunSummary[] = [];
  for (const { file, runId } of found) {
    try {
      const run = parseRecord(readFileSync(file), file);
      // The path is what the publisher vouched for; a record claiming another login or id is refused.
      if (run.login !== login) throw new Error(`login "${run.login}" does not match folder "${login}"`);
      if (run.runId !== runId) throw new Error(`runId "${run.runId}" does not match file name`);
      summaries.push(summarize(run));
      parsed.set(runId, { file, run });
    } catch (e) {
      skip(file, reasonOf(e));
    }
  }
  const wanted = needSeries(summaries);
  const dropped = new Set<string>();
  for (const [id, { file, run }] of parsed) {
    if (!wanted.has(id)) continue;
    try {
      out.full.push(withSeries(run, file));
    } catch (e) {
      skip(file, reasonOf(e));
      dropped.add(id);
    }
  }
  out.summaries = dropped.size ? summaries.filter((r) => !dropped.has(r.runId)) : summaries;
  return out;
}

/** The login folders under `<dir>/runs/` (sorted); other names are reported as skipped. */
export function listLogins(dir: string): { logins: string[]; skipped: Skipped[] } {
  const runsDir = join(dir, "runs");
  const out: { logins: string[]; skipped: Skipped[] } = { logins: [], skipped: [] };
  let list;
  try {
    list = readdirSync(runsDir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const d of list.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!d.isDirectory()) continue;
    if (LOGIN_PATTERN.test(d.name)) out.logins.push(d.name);
    else out.skipped.push({ file: join("runs", d.name), reason: "folder name is not a valid GitHub login" });
  }
  return out;
}

/** The entry schema, compiled as the run schema is (10,000 entries are 10,000 parses). */
const siteEntrySchema = z.compile(entryRecordSchema);

/** Every valid `entries/<login>.json` under `dir` (sorted by name); bad ones are reported. */
export function readEntries(dir: string): { entries: EntryRecord[]; skipped: Skipped[] } {
  const out: { entries: EntryRecord[]; skipped: Skipped[] } = { entries: [], skipped: [] };
  const entriesDir = join(dir, "entries");
  let names: string[];
  try {
    names = readdirSync(entriesDir).sort();
  } catch {
    return out;
  }
  for (const name of names) {
    if (!name.endsWith(".json")) continue;
    const p = join(entriesDir, name);
    try {
      const parsed = siteEntrySchema.safeParse(JSON.parse(readFileSync(p, "utf8")));
      if (!parsed.success) throw new Error(problemsOf(parsed.error.issues).slice(0, 10).join("; "));
      if (`${parsed.data.login}.json` !== name) throw new Error(`login does not match file name`);
      out.entries.push(parsed.data);
    } catch (e) {
      out.skipped.push({ file: relative(dir, p), reason: reasonOf(e) });
    }
  }
  return out;
}
