/**
 * Every rule an entry folder must pass before anything builds or runs it (docs/ENTRY.md). One violation per
 * problem, each naming the file (relative to the repository root) and a stable rule id, so the CLI,
 * the PR comment and the docs speak the same language. The walk uses lstat only (a symlink is never
 * followed) and stops early on huge trees, so a hostile folder costs bounded work.
 */
import { lstat, opendir, readdir, readFile, readlink } from "node:fs/promises";
import type { Stats } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { LOGIN_PATTERN } from "../../record/run-record.ts";
import { ENTRY_YML_LIMITS, parseEntryConfig } from "./entry-config.ts";
import { checkDockerfile } from "./dockerfile-rules.ts";
import { entryDir } from "./paths.ts";

/** Stable rule ids; docs/ENTRY.md describes each. */
export const RULE_IDS = [
  "login-format",
  "folder-exists",
  "folder-name",
  "dockerfile-present",
  "entry-yml-present",
  "entry-yml-syntax",
  "entry-yml-unknown-key",
  "entry-yml-value",
  "no-symlinks",
  "no-submodules",
  "file-size",
  "total-size",
  "file-count",
  "no-special-files",
  "dockerfile-rules",
] as const;
export type RuleId = (typeof RULE_IDS)[number];

/** A broken rule. `file` is relative to the repository root, with forward slashes. */
export interface Violation {
  file: string;
  rule: RuleId;
  message: string;
}

/** Not a violation: something in the entry the platform ignores (compose files, .env). */
export interface Warning {
  file: string;
  rule: "ignored-files";
  message: string;
}

export interface EntryReport {
  violations: Violation[];
  warnings: Warning[];
}

/** Caps on an entry folder; documented in docs/ENTRY.md. */
export const ENTRY_FOLDER_LIMITS = {
  maxFileBytes: 5 * 1024 * 1024,
  maxTotalBytes: 20 * 1024 * 1024,
  maxFiles: 500,
  /** Directories visited before the walk gives up (bounded work on a deep or wide tree). */
  maxDirs: 500,
  maxDockerfileBytes: 256 * 1024,
} as const;

/** Names at the top of an entry that the platform ignores: it writes the compose service itself. */
const IGNORED_TOP_LEVEL = /^(?:(?:docker-)?compose(?:\.[\w-]+)?\.ya?ml|\.env(?:\..*)?)$/;

const mib = (n: number) => `${(n / 2 ** 20).toFixed(n % 2 ** 20 === 0 ? 0 : 1)} MiB`;

/** The violations of an entry; empty when it passes every rule. */
export async function validateEntry(root: string, login: string): Promise<Violation[]> {
  return (await inspectEntry(root, login)).violations;
}

type Add = (file: string, rule: RuleId, message: string) => void;

/** Violations and warnings of an entry. */
export async function inspectEntry(root: string, login: string): Promise<EntryReport> {
  const violations: Violation[] = [];
  const warnings: Warning[] = [];
  const folder = `contributors/${login}`;
  const add: Add = (file, rule, message) => violations.push({ file, rule, message });
  // The folder itself first: without a real folder named exactly as the login nothing else is read.
  if (!(await checkFolder(root, login, add))) return { violations, warnings };

  const dir = entryDir(root, login);
  const files = await walk(dir, folder, add);
  for (const name of files.topLevel) {
    if (IGNORED_TOP_LEVEL.test(name)) {
      warnings.push({
        file: `${folder}/${name}`,
        rule: "ignored-files",
        message: "ignored: the platform generates the entry's compose service itself (docs/ENTRY.md)",
      });
    }
  }
  await checkDockerfileOf(dir, folder, files.regular.get("Dockerfile"), add);
  await checkEntryYmlOf(dir, folder, files, add);
  return { violations, warnings };
}

/** Whether `contributors/<login>` is a real folder named exactly as the login; adds why not. */
async function checkFolder(root: string, login: string, add: Add): Promise<boolean> {
  const folder = `contributors/${login}`;
  // Checked first and alone: an invalid login (e.g. `../x`) must never be turned into a path.
  if (!LOGIN_PATTERN.test(login)) {
    add(
      folder,
      "login-format",
      `${JSON.stringify(login)} is not a valid GitHub login (1–39 letters, digits or single inner hyphens)`,
    );
    return false;
  }
  let names: string[] = [];
  try {
    names = await readdir(join(root, "contributors"));
  } catch {
    // No contributors/ folder: reported below as a missing entry folder.
  }
  if (!names.includes(login)) {
    // On a case-insensitive disk `contributors/Alice` would open for `alice`; compare names exactly.
    const other = names.find((n) => n.toLowerCase() === login.toLowerCase());
    if (other) {
      add(
        `contributors/${other}`,
        "folder-name",
        `the folder is named "${other}" but the login is "${login}"; they must match exactly`,
      );
    } else {
      add(
        folder,
        "folder-exists",
        `no entry folder ${folder}/ (create one with: npx sre-chaos new ${login})`,
      );
    }
    return false;
  }
  const top = await lstat(entryDir(root, login));
  if (top.isSymbolicLink()) {
    add(folder, "no-symlinks", `${folder} is a symlink; the entry must be a real folder`);
    return false;
  }
  if (!top.isDirectory()) {
    add(folder, "folder-exists", `${folder} is not a folder`);
    return false;
  }
  return true;
}

/** The Dockerfile: present, within its size cap, and within the rules of dockerfile-rules.ts. */
async function checkDockerfileOf(dir: string, folder: string, size: number | undefined, add: Add) {
  const file = `${folder}/Dockerfile`;
  if (size === undefined) {
    add(file, "dockerfile-present", "the entry needs a Dockerfile at the top of its folder");
  } else if (size > ENTRY_FOLDER_LIMITS.maxDockerfileBytes) {
    add(
      file,
      "dockerfile-rules",
      `the Dockerfile is larger than ${ENTRY_FOLDER_LIMITS.maxDockerfileBytes / 1024} KiB`,
    );
  } else {
    for (const p of checkDockerfile(await readFile(join(dir, "Dockerfile"), "utf8"))) {
      add(file, "dockerfile-rules", `line ${p.line}: ${p.message}`);
    }
  }
}

/** entry.yml: present (a hint for entry.yaml), within its size cap, and valid. */
async function checkEntryYmlOf(dir: string, folder: string, files: WalkResult, add: Add) {
  const file = `${folder}/entry.yml`;
  const size = files.regular.get("entry.yml");
  if (size === undefined) {
    const hint = files.topLevel.includes("entry.yaml") ? " (found entry.yaml: rename it to entry.yml)" : "";
    add(file, "entry-yml-present", `the entry needs an entry.yml at the top of its folder${hint}`);
  } else if (size > ENTRY_YML_LIMITS.maxBytes) {
    add(file, "entry-yml-syntax", `entry.yml is ${size} bytes, above the cap of 16 KiB`);
  } else {
    const r = parseEntryConfig(await readFile(join(dir, "entry.yml"), "utf8"));
    if (!r.ok) for (const p of r.problems) add(file, p.rule, (p.line ? `line ${p.line}: ` : "") + p.message);
  }
}

interface WalkResult {
  /** Top-level regular files by name → size, for the Dockerfile and entry.yml checks. */
  regular: Map<string, number>;
  /** Every top-level name, whatever its type. */
  topLevel: string[];
}

/**
 * The rules on a name whatever it is (no .git, no .gitmodules, no symlinks): `"done"` when it was
 * reported and is not looked into, else whether it is a folder to walk or something to count.
 */
async function judgeName(dir: string, abs: string, name: string, file: string, st: Stats, add: Add) {
  if (name === ".git") {
    add(
      file,
      "no-submodules",
      "a nested .git makes the folder a separate repository (a submodule); remove it",
    );
    return "done";
  }
  if (name === ".gitmodules") {
    add(file, "no-submodules", "submodules are not allowed; copy the files into the entry instead");
  }
  if (st.isSymbolicLink()) {
    add(file, "no-symlinks", await symlinkMessage(dir, abs));
    return "done";
  }
  return st.isDirectory() ? "folder" : "counted";
}

/** The sizes seen so far: each file against its cap, and the sum against the folder's, reported once. */
function sizeTally(folder: string, add: Add) {
  const L = ENTRY_FOLDER_LIMITS;
  let total = 0;
  let totalReported = false;
  return (file: string, rel: string, size: number) => {
    if (size > L.maxFileBytes) {
      add(file, "file-size", `${mib(size)}, above the cap of ${mib(L.maxFileBytes)} per file`);
    }
    total += size;
    if (total > L.maxTotalBytes && !totalReported) {
      totalReported = true;
      add(
        folder,
        "total-size",
        `the files add up to more than ${mib(L.maxTotalBytes)} (passed it at ${rel})`,
      );
    }
  };
}

/** Walks the entry with lstat, reporting per-file rules as it goes; bounded by the folder caps. */
async function walk(dir: string, folder: string, add: Add): Promise<WalkResult> {
  const L = ENTRY_FOLDER_LIMITS;
  const regular = new Map<string, number>();
  const topLevel: string[] = [];
  const queue: string[] = [""];
  const sized = sizeTally(folder, add);
  let fileCount = 0;
  let dirCount = 0;
  while (queue.length) {
    const relDir = queue.shift()!;
    if (++dirCount > L.maxDirs) {
      add(folder, "file-count", `more than ${L.maxDirs} folders; stopped looking`);
      break;
    }
    for (const name of await listNames(join(dir, relDir), L.maxFiles + L.maxDirs + 1)) {
      const rel = relDir ? `${relDir}/${name}` : name;
      const file = `${folder}/${rel}`;
      const abs = join(dir, rel);
      if (!relDir) topLevel.push(name);
      const st = await lstat(abs).catch(() => null);
      if (!st) continue; // Removed while we looked: nothing left to judge.
      const what = await judgeName(dir, abs, name, file, st, add);
      if (what === "folder") queue.push(rel);
      if (what !== "counted") continue;
      if (++fileCount > L.maxFiles) {
        add(folder, "file-count", `more than ${L.maxFiles} files (stopped counting at ${fileCount})`);
        return { regular, topLevel };
      }
      if (!st.isFile()) {
        const kind = st.isFIFO() ? "a fifo" : st.isSocket() ? "a socket" : "a device or special file";
        add(file, "no-special-files", `${kind}; only regular files and folders are allowed`);
        continue;
      }
      if (!relDir) regular.set(name, st.size);
      sized(file, rel, st.size);
    }
  }
  return { regular, topLevel };
}

/**
 * The names in a folder, sorted (stable messages), reading at most `limit` of them: a folder with a
 * million files costs the same as one just over the caps.
 */
async function listNames(path: string, limit: number): Promise<string[]> {
  const names: string[] = [];
  const d = await opendir(path);
  try {
    let ent;
    while (names.length < limit && (ent = await d.read()) !== null) names.push(ent.name);
  } finally {
    await d.close();
  }
  return names.sort();
}

/** Says where a symlink points, and whether that is outside the entry folder. */
async function symlinkMessage(dir: string, abs: string): Promise<string> {
  let target: string;
  try {
    target = await readlink(abs);
  } catch {
    return "symlinks are not allowed";
  }
  const resolved = resolve(dirname(abs), target);
  const inside = resolved === dir || resolved.startsWith(dir + sep);
  return inside
    ? `symlinks are not allowed (points to ${relative(dir, resolved) || "."} inside the folder); copy the file instead`
    : `symlinks are not allowed; this one points outside the entry folder (${target})`;
}
