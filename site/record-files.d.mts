// Types of record-files.mjs (plain JavaScript, so a thread can run it without the TypeScript loader).

/** A top-level value the site leaves unparsed: its byte range and the JSON read in its place. */
export interface Cut {
  key: "series" | "measurements";
  start: number;
  end: number;
  with: string;
}

/** A run record file as read: its bytes and scan, or the message of the error reading it. */
export interface RecordFile {
  file: string;
  runId: string;
  bytes: Uint8Array | null;
  /** null: not scanned as valid JSON (the file is then parsed whole). */
  cuts: Cut[] | null;
  error: string | null;
}

export interface LoginFiles {
  files: RecordFile[];
  /** Paths in the login's folder that are not record names. */
  bad: string[];
}

export function listRuns(loginDir: string): { found: { file: string; runId: string }[]; bad: string[] };
export function readLoginFiles(loginDir: string): LoginFiles;
export function scanRecord(b: Uint8Array): Cut[] | null;
