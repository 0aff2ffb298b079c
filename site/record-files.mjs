// Finds and reads one login's run record files (either layout, docs/SITE.md) and scans each file's
// JSON without building it (scanRecord), so that the site parses the series only of the runs it
// draws. Plain JavaScript: the record-reader thread runs it without the TypeScript loader, and
// load-results.ts uses the same code in the build's own thread.
import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { join } from "node:path";

const RUN_FILE = /^(\d{8}T\d{6}Z-[0-9a-f]{8})\.json$/;
const RUN_DIR = /^\d{8}T\d{6}Z-[0-9a-f]{8}$/;

/** The record files of one login's folder (either layout), and the names that are not records. */
export function listRuns(loginDir) {
  const found = [];
  const bad = [];
  for (const d of readdirSync(loginDir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(loginDir, d.name);
    const m = RUN_FILE.exec(d.name);
    if (m && !d.isDirectory()) found.push({ file: p, runId: m[1] });
    else if (RUN_DIR.test(d.name) && d.isDirectory()) {
      // No run.json yet: a run still in progress.
      const file = join(p, "run.json");
      if (statSync(file, { throwIfNoEntry: false })?.isFile()) found.push({ file, runId: d.name });
    } else bad.push(p);
  }
  return { found, bad };
}

/** A file's bytes in a buffer of its own (never the shared pool), so it can move to another thread. */
function readOwn(file) {
  const fd = openSync(file, "r");
  try {
    const bytes = Buffer.allocUnsafeSlow(fstatSync(fd).size);
    let at = 0;
    for (let got = 1; at < bytes.length && got > 0; at += got)
      got = readSync(fd, bytes, at, bytes.length - at, null);
    return at < bytes.length ? bytes.subarray(0, at) : bytes;
  } finally {
    closeSync(fd);
  }
}

/**
 * One login's record files, each with its bytes and its scan (or the message of the error reading
 * it), and the names in the folder that are not records.
 */
export function readLoginFiles(loginDir) {
  const { found, bad } = listRuns(loginDir);
  const files = found.map(({ file, runId }) => {
    try {
      const bytes = readOwn(file);
      return { file, runId, bytes, cuts: scanRecord(bytes), error: null };
    } catch (e) {
      return { file, runId, bytes: null, cuts: null, error: e instanceof Error ? e.message : String(e) };
    }
  });
  return { files, bad };
}

const isDigit = (c) => c >= 0x30 && c <= 0x39;
const isHex = (c) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
const ESCAPES = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);

function ws(b, i) {
  for (let c = b[i]; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = b[++i]);
  return i;
}

/** The index after the string starting at `b[i]` (a quote), or -1 where JSON.parse would fail. */
function str(b, i) {
  for (i++; ; i++) {
    const c = b[i];
    if (c === 0x22) return i + 1;
    if (c === undefined || c < 0x20) return -1;
    if (c === 0x5c) {
      const e = b[++i];
      if (e === 0x75) {
        if (!(isHex(b[i + 1]) && isHex(b[i + 2]) && isHex(b[i + 3]) && isHex(b[i + 4]))) return -1;
        i += 4;
      } else if (!ESCAPES.has(e)) return -1;
    }
  }
}

/** The index after the number at `b[i]` (JSON's grammar exactly), or -1. */
function num(b, i) {
  if (b[i] === 0x2d) i++;
  if (b[i] === 0x30) i++;
  else if (b[i] >= 0x31 && b[i] <= 0x39) while (isDigit(b[++i]));
  else return -1;
  if (b[i] === 0x2e) {
    if (!isDigit(b[++i])) return -1;
    while (isDigit(b[++i]));
  }
  if (b[i] === 0x65 || b[i] === 0x45) {
    if (b[++i] === 0x2b || b[i] === 0x2d) i++;
    if (!isDigit(b[i])) return -1;
    while (isDigit(b[++i]));
  }
  return i;
}

/**
 * The fast path for the series' columns: the index after an array of numbers and nulls whose
 * elements start at `b[i]` (after its `[`), -1 where JSON.parse would fail, -2 at an element of
 * another kind (the caller then scans the array the general way).
 */
function numbers(b, i) {
  // Written out in full (no calls): this loop is most of the bytes of a record.
  for (let c = b[i]; ; c = b[++i]) {
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
    if (c === 0x6e) {
      if (b[i + 1] !== 0x75 || b[i + 2] !== 0x6c || b[i + 3] !== 0x6c) return -1;
      c = b[(i += 4)];
    } else {
      if (c === 0x2d) c = b[++i];
      if (c === 0x30) c = b[++i];
      else if (c >= 0x31 && c <= 0x39)
        do c = b[++i];
        while (c >= 0x30 && c <= 0x39);
      else return c === undefined || b[i - 1] === 0x2d ? -1 : -2;
      if (c === 0x2e) {
        c = b[++i];
        if (!(c >= 0x30 && c <= 0x39)) return -1;
        do c = b[++i];
        while (c >= 0x30 && c <= 0x39);
      }
      if (c === 0x65 || c === 0x45) {
        c = b[++i];
        if (c === 0x2b || c === 0x2d) c = b[++i];
        if (!(c >= 0x30 && c <= 0x39)) return -1;
        do c = b[++i];
        while (c >= 0x30 && c <= 0x39);
      }
    }
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
    if (c === 0x5d) return i + 1;
    if (c !== 0x2c) return -1;
  }
}

const LITERALS = [Buffer.from("true"), Buffer.from("false"), Buffer.from("null")];

function literal(b, i) {
  const l = LITERALS.find((w) => w[0] === b[i]);
  if (!l) return -1;
  for (let k = 1; k < l.length; k++) if (b[i + k] !== l[k]) return -1;
  return i + l.length;
}

/** What the site leaves unparsed of a record, and what JSON.parse reads in its place. */
const CUT = { series: "null", measurements: "{}" };
const CUT_KEYS = Object.keys(CUT).map((k) => [k, Buffer.from(JSON.stringify(k))]);

/**
 * Checks that `b` is exactly what JSON.parse accepts, without building anything, and finds the
 * values of the record's top-level `series` and `measurements` (an object only). Returns their
 * byte ranges `[{ key, start, end, with }]` in file order, or null when the text is not valid JSON,
 * not an object, or has a top-level key that is escaped or repeated (the caller then parses it all,
 * so every such record is judged and reported exactly as by JSON.parse).
 */
export function scanRecord(b) {
  const stack = []; // true: an object, false: an array
  const cuts = [];
  let pending = null;
  let i = ws(b, 0);
  if (b[i] !== 0x7b) return null;
  /** Reads a member's key at i; returns the index of its value. */
  const member = (i) => {
    if (b[i] !== 0x22) return -1;
    const end = str(b, i);
    if (end < 0) return -1;
    if (stack.length === 1) {
      if (b.subarray(i, end).includes(0x5c)) return -1;
      const hit = CUT_KEYS.find(([, k]) => k.length === end - i && k.equals(b.subarray(i, end)));
      if (hit && cuts.some((c) => c.key === hit[0])) return -1;
      i = ws(b, end);
      if (b[i] !== 0x3a) return -1;
      i = ws(b, i + 1);
      if (hit) pending = { key: hit[0], start: i };
      return i;
    }
    i = ws(b, end);
    if (b[i] !== 0x3a) return -1;
    return ws(b, i + 1);
  };
  for (;;) {
    const c = b[i];
    if (c === 0x7b || c === 0x5b) {
      const obj = c === 0x7b;
      const j = ws(b, i + 1);
      const k = obj || b[j] === 0x5d ? -2 : numbers(b, j);
      if (k === -1) return null;
      if (k >= 0) i = k;
      else if (b[j] === (obj ? 0x7d : 0x5d)) i = j + 1;
      else {
        stack.push(obj);
        i = obj ? member(j) : j;
        if (i < 0) return null;
        continue;
      }
    } else if (c === 0x22) i = str(b, i);
    else if (c === 0x2d || isDigit(c)) i = num(b, i);
    else i = literal(b, i);
    if (i < 0) return null;
    // A value ended: record a cut, then close what it ends and move to the next value.
    for (;;) {
      if (stack.length === 1 && pending) {
        if (pending.key === "series" || b[pending.start] === 0x7b)
          cuts.push({ ...pending, end: i, with: CUT[pending.key] });
        pending = null;
      }
      i = ws(b, i);
      if (!stack.length) return i === b.length ? cuts : null;
      const obj = stack[stack.length - 1];
      if (b[i] === 0x2c) {
        i = ws(b, i + 1);
        if (obj) i = member(i);
        if (i < 0) return null;
        break;
      }
      if (b[i] !== (obj ? 0x7d : 0x5d)) return null;
      stack.pop();
      i++;
    }
  }
}
