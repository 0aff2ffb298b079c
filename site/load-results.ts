/**
 * Reads run and entry records from disk for the site. One reader for both layouts:
 * - the results branch: `runs/<login>/<run-id>.json` and `entries/<login>.json`;
 * - the local history of `sre-chaos run`: `.sre-chaos/runs/<login>/<run-id>/run.json`.
 * Every record is validated by its schema; an invalid one is reported (file and reason) and skipped,
 * so one bad file never takes the whole site down. The reader works one login at a time, so the build
 * can spread logins over worker threads and never holds more than one login's full records.
 */
import { readdirSync, readFileSync } from "node:fs";
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
import { readLoginFiles, type Cut, type LoginFiles, type RecordFile } from "./record-files.mjs";
import { summarize, type RunSummary } from "./view-model.ts";

/** A file left out of the site, and why. */
export interface Skipped {
  file: string;
  reason: string;
}

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

/** A parsed record and, when the scan cut it out, the series still as bytes (parsed only if drawn). */
interface Read {
  run: Parsed;
  file: string;
  series: Uint8Array | null;
}

/** Parses a file's bytes whole; throws RecordError. */
function parseWhole(bytes: Uint8Array, file: string): unknown {
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("utf8"));
  } catch (e) {
    throw new RecordError(file, [`not JSON: ${(e as Error).message}`]);
  }
}

/** The record's text with the scan's cuts replaced (series by `null`, measurements by `{}`). */
function withoutCuts(bytes: Uint8Array, cuts: readonly Cut[]): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  let text = "";
  let at = 0;
  for (const c of cuts) {
    text += b.toString("utf8", at, c.start) + c.with;
    at = c.end;
  }
  return text + b.toString("utf8", at);
}

/**
 * Parses a record file once and validates every field but the series; throws RecordError. When the
 * scan (record-files.mjs) found valid JSON, the series and measurements are left out of the parse
 * (their syntax is checked, nothing is built): the series is parsed later, only for a run that gets
 * a page. Otherwise, or should the parse disagree, the file is parsed whole as it always was.
 */
function parseRecord({ file, bytes, cuts }: RecordFile & { bytes: Uint8Array }): Read {
  if (bytes.length > RECORD_LIMITS.maxBytes) {
    throw new RecordError(file, [`larger than ${RECORD_LIMITS.maxBytes} bytes`]);
  }
  let data: unknown = undefined;
  let series: Uint8Array | null = null;
  try {
    if (cuts) data = JSON.parse(withoutCuts(bytes, cuts));
    const cut = cuts?.find((c) => c.key === "series");
    if (cut) series = bytes.subarray(cut.start, cut.end);
  } catch {
    data = undefined;
  }
  if (data === undefined) data = parseWhole(bytes, file);
  const r = summarySchema.safeParse(data);
  if (!r.success) throw new RecordError(file, problemsOf(r.error.issues));
  return { run: r.data as Parsed, file, series };
}

/** Validates the series of a parsed record; with the rest already checked, the site's schema holds. */
function withSeries({ run, file, series }: Read): SiteRun {
  const raw = series ? parseWhole(series, file) : run.series;
  const s = siteSeriesSchema.safeParse(raw);
  if (!s.success) throw new RecordError(file, problemsOf(s.error.issues, ["series"]));
  const { measurements: _, ...rest } = run;
  return { ...rest, series: s.data };
}

export interface LoginRuns {
  /** Every valid run of the login, without its series. */
  summaries: RunSummary[];
  /** The runs that `needSeries` chose, validated in full (series included), oldest first. */
  full: SiteRun[];
  skipped: Skipped[];
}

/** Picks the runs whose series is needed (the ones that get a page); default all. */
export type NeedSeries = (runs: RunSummary[]) => Set<string>;

/**
 * Reads one login's runs from `<dir>/runs/<login>/`. Each file is read and parsed once; every field
 * but the series is validated for every run, and the series only for the runs `needSeries` picks
 * from the summaries. A run whose series is bad is dropped everywhere and reported.
 */
export function readLoginRuns(dir: string, login: string, needSeries?: NeedSeries): LoginRuns {
  return loginRuns(dir, login, readLoginFiles(join(dir, "runs", login)), needSeries);
}

/** readLoginRuns on files already read (record-files.mjs `readLoginFiles`, maybe in another thread). */
export function loginRuns(
  dir: string,
  login: string,
  { files, bad }: LoginFiles,
  needSeries: NeedSeries = (runs) => new Set(runs.map((r) => r.runId)),
): LoginRuns {
  const out: LoginRuns = { summaries: [], full: [], skipped: [] };
  const skip = (file: string, reason: string) => out.skipped.push({ file: relative(dir, file), reason });
  for (const p of bad) skip(p, "not a run record name (<run-id>.json or <run-id>/run.json)");
  const parsed = new Map<string, Read>();
  const summaries: RunSummary[] = [];
  for (const f of files) {
    try {
      if (!f.bytes) throw new Error(f.error ?? "not read");
      const read = parseRecord({ ...f, bytes: f.bytes });
      const { run } = read;
      // The path is what the publisher vouched for; a record claiming another login or id is refused.
      if (run.login !== login) throw new Error(`login "${run.login}" does not match folder "${login}"`);
      if (run.runId !== f.runId) throw new Error(`runId "${run.runId}" does not match file name`);
      summaries.push(summarize(run));
      parsed.set(f.runId, read);
    } catch (e) {
      skip(f.file, reasonOf(e));
    }
  }
  const wanted = needSeries(summaries);
  const dropped = new Set<string>();
  for (const [id, read] of parsed) {
    if (!wanted.has(id)) continue;
    try {
      out.full.push(withSeries(read));
    } catch (e) {
      skip(read.file, reasonOf(e));
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
