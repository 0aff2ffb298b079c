/**
 * The one module that talks to git for the `results` branch (docs/OPERATIONS.md).
 *
 * Every write goes through {@link publishToResults}: fetch the branch, let the caller
 * compute its files against the fresh tree, commit, push. A rejected (non-fast-forward)
 * push means another publisher won the race, so we refetch and re-run `update` — the
 * caller's merge logic always sees the latest tree and no result is lost. We never
 * force-push: history on the results branch is append-only.
 *
 * git itself runs through harness/git.ts (no shell, no prompts).
 */
import { constants } from "node:fs";
import { copyFile, mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { git } from "../../harness/git.ts";

/** Where and as whom to write the results branch. */
export interface ResultsBranchOptions {
  /** A local working directory this module may own (created when missing). */
  repoDir: string;
  /** A git remote URL or path (e.g. an authenticated https URL, or a bare repo path). */
  remote: string;
  /** The branch name, normally `results`. */
  branch: string;
  /** Commit author and committer. */
  author: { name: string; email: string };
  /** Push attempts before giving up (default 12: enough for 10 racing publishers). */
  maxAttempts?: number;
  /** Upper bound of the random backoff between attempts, in ms (default 250). */
  maxBackoffMs?: number;
}

/**
 * One file to write, relative to the branch root: its content, or a local file to copy (a rescore
 * of thousands of runs keeps them on disk rather than in memory).
 */
export type ResultsFile = { path: string; content: string } | { path: string; source: string };

/** Reads a file from the freshly fetched tree; null when absent. */
export type ReadResult = (relPath: string) => Promise<string | null>;

/** Computes the files to write from the current tree; re-run on every attempt. */
export type ResultsUpdate = (read: ReadResult) => Promise<ResultsFile[]>;

/** Thrown when the push is still rejected after the last attempt. */
export class ResultsPushError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
  ) {
    super(message);
    this.name = "ResultsPushError";
  }
}

// Each rejected attempt means another publisher's push landed after our fetch, and each
// publisher lands once, so N racers need at most N attempts; 12 covers the 10-racer test
// (measured: max 6–9 attempts under load) plus ref-lock contention. The workflows also queue
// publishers in one concurrency group, so real races are rare.
const DEFAULT_ATTEMPTS = 12;
const DEFAULT_BACKOFF_MS = 250;
const ALLOWED_TOP = new Set(["runs", "entries"]);
const SAFE_SEGMENT = /^[A-Za-z0-9._-]+$/;
const README = [
  "# Results",
  "",
  "Run records (`runs/<login>/<run-id>.json`) and entry records (`entries/<login>.json`)",
  "written only by the trusted publisher workflow. Do not edit by hand.",
  "",
].join("\n");

/**
 * Validates a results path: relative, POSIX, no `..`/empty/dot segments, under `runs/`
 * or `entries/`, plain characters only. Returns the normalized path or throws.
 */
export function validateResultsPath(p: string): string {
  const segments = p.split("/");
  const bad =
    p.length === 0 ||
    p.length > 300 ||
    p.startsWith("/") ||
    p.includes("\\") ||
    segments.length < 2 ||
    !ALLOWED_TOP.has(segments[0] ?? "") ||
    segments.some((s) => s === "" || s === "." || s === ".." || !SAFE_SEGMENT.test(s));
  if (bad) {
    throw new Error(
      `refused results path ${JSON.stringify(p)}: must be a relative path under runs/ or entries/`,
    );
  }
  return p;
}

/** Makes sure repoDir is a git repository pointing at the remote. */
async function ensureRepo(opts: ResultsBranchOptions): Promise<void> {
  await mkdir(opts.repoDir, { recursive: true });
  try {
    await git(opts.repoDir, ["rev-parse", "--git-dir"]);
  } catch {
    await git(opts.repoDir, ["init", "--quiet"]);
  }
  const remotes = (await git(opts.repoDir, ["remote"])).split("\n");
  if (remotes.includes("origin")) {
    await git(opts.repoDir, ["remote", "set-url", "origin", opts.remote]);
  } else {
    await git(opts.repoDir, ["remote", "add", "origin", opts.remote]);
  }
  await git(opts.repoDir, ["config", "user.name", opts.author.name]);
  await git(opts.repoDir, ["config", "user.email", opts.author.email]);
  // A rescore commits thousands of loose objects; a detached `gc --auto` would then repack this
  // throwaway clone behind the publisher's back (and race its cleanup).
  await git(opts.repoDir, ["config", "gc.auto", "0"]);
  await git(opts.repoDir, ["config", "maintenance.auto", "false"]);
}

/** Resets the work tree to the remote branch tip; returns false when the branch does not exist. */
async function syncToRemote(opts: ResultsBranchOptions): Promise<boolean> {
  const ref = `refs/remotes/origin/${opts.branch}`;
  const lsRemote = await git(opts.repoDir, ["ls-remote", "--heads", "origin", opts.branch]);
  if (lsRemote.trim() === "") {
    return false;
  }
  await git(opts.repoDir, ["fetch", "--quiet", "--no-tags", "origin", `+refs/heads/${opts.branch}:${ref}`]);
  await git(opts.repoDir, ["checkout", "--quiet", "--force", "-B", opts.branch, ref]);
  await git(opts.repoDir, ["clean", "-fdq"]);
  return true;
}

/** Starts the branch as an orphan holding only a README. */
async function createOrphan(opts: ResultsBranchOptions): Promise<void> {
  await git(opts.repoDir, ["checkout", "--quiet", "--force", "--orphan", opts.branch]);
  await git(opts.repoDir, ["rm", "-rfq", "--ignore-unmatch", "."]);
  await git(opts.repoDir, ["clean", "-fdq"]);
  await writeFile(path.join(opts.repoDir, "README.md"), README);
  await git(opts.repoDir, ["add", "README.md"]);
}

function reader(repoDir: string): ReadResult {
  return async (relPath) => {
    validateResultsPath(relPath);
    try {
      return await readFile(path.join(repoDir, relPath), "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
  };
}

function isRaceRejection(message: string): boolean {
  return /non-fast-forward|fetch first|updates were rejected|\[rejected\]|stale info|failed to update ref|cannot lock ref|incorrect old value/i.test(
    message,
  );
}

/**
 * Writes the files into the clean work tree and stages them with one `git add` (one per file
 * rewrote the index each time: quadratic in a rescore of thousands of runs).
 */
async function writeFiles(repoDir: string, files: ResultsFile[]): Promise<void> {
  const dirs = new Set<string>();
  for (const f of files) {
    const abs = path.join(repoDir, f.path);
    const dir = path.dirname(abs);
    if (!dirs.has(dir)) await mkdir(dir, { recursive: true });
    dirs.add(dir);
    if ("source" in f) await copyFile(f.source, abs, constants.COPYFILE_FICLONE);
    else await writeFile(abs, f.content);
  }
  // The tree was reset and cleaned before `update` ran, so everything new or changed is ours.
  if (files.length) await git(repoDir, ["add", "--all"]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Writes files to the results branch with a bounded, jittered retry on push races.
 * `update` is re-run against the freshly fetched tree on every attempt, so it must be a
 * pure merge of "what is there" and "what I add". Never force-pushes.
 */
export async function publishToResults(
  opts: ResultsBranchOptions,
  update: ResultsUpdate,
  message: string,
): Promise<{ commit: string; attempts: number }> {
  const maxAttempts = opts.maxAttempts ?? DEFAULT_ATTEMPTS;
  const maxBackoff = opts.maxBackoffMs ?? DEFAULT_BACKOFF_MS;
  await ensureRepo(opts);
  let lastError = "";
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const exists = await syncToRemote(opts);
    if (!exists) await createOrphan(opts);
    const files = await update(reader(opts.repoDir));
    // Validate everything before touching the tree: a bad path aborts the whole write.
    for (const f of files) validateResultsPath(f.path);
    await writeFiles(opts.repoDir, files);
    // A rerun that writes what is already there adds no empty commit (and pushes nothing).
    if (
      exists &&
      (await git(opts.repoDir, ["status", "--porcelain", "--untracked-files=no"])).trim() === ""
    ) {
      return { commit: (await git(opts.repoDir, ["rev-parse", "HEAD"])).trim(), attempts: attempt };
    }
    await git(opts.repoDir, ["commit", "--quiet", "-m", message]);
    const commit = (await git(opts.repoDir, ["rev-parse", "HEAD"])).trim();
    try {
      // A plain refspec (no +, no --force): the remote refuses anything but a fast-forward.
      await git(opts.repoDir, ["push", "--quiet", "--porcelain", "origin", `HEAD:refs/heads/${opts.branch}`]);
      return { commit, attempts: attempt };
    } catch (err) {
      lastError = (err as Error).message;
      if (!isRaceRejection(lastError)) throw err;
      if (attempt < maxAttempts) await sleep(Math.floor(Math.random() * maxBackoff * Math.min(attempt, 4)));
    }
  }
  throw new ResultsPushError(
    `results branch ${opts.branch}: push still rejected after ${maxAttempts} attempts (other publishers kept winning the race); nothing was written. Last error: ${lastError}`,
    maxAttempts,
  );
}

/**
 * Checks out the current results branch into a fresh temporary directory for reading
 * (ranks, site build). Returns the directory (empty apart from README when the branch
 * does not exist yet); the caller removes it with {@link removeResultsTree}. With `only`
 * (top-level folders, e.g. `["entries"]`) just those are checked out, and from a remote
 * that filters, only their files are fetched: a rescore job needs the entry records, not
 * every run ever written.
 */
export async function readResultsTree(
  opts: Pick<ResultsBranchOptions, "remote" | "branch">,
  only?: readonly string[],
): Promise<string> {
  for (const top of only ?? []) validateResultsPath(`${top}/x`);
  const dir = await mkdtemp(path.join(tmpdir(), "sre-chaos-results-"));
  const heads = await git(dir, ["ls-remote", "--heads", opts.remote, opts.branch]);
  if (heads.trim() === "") return dir;
  const sparse = only ? ["--filter=blob:none", "--sparse"] : [];
  await git(dir, [
    "clone",
    "--quiet",
    "--depth",
    "1",
    ...sparse,
    "--single-branch",
    "--branch",
    opts.branch,
    opts.remote,
    ".",
  ]);
  if (only) await git(dir, ["sparse-checkout", "set", ...only]);
  return dir;
}

/** Removes a directory made by {@link readResultsTree}. */
export async function removeResultsTree(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
