/**
 * The per-login part of a build: read a login's records (load-results.ts), write its run pages and
 * its contributor page, and hand back what the boards need (its board entry) and what was skipped.
 * It runs in worker threads (build-worker.ts) or, for a small site, in the build's own thread; both
 * write byte-identical pages.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { BoardEntry } from "./board-view.ts";
import { pageFile } from "./links.ts";
import { loginRuns, type Skipped } from "./load-results.ts";
import { loginModel, runsWithPages } from "./login-view.ts";
import { pageFiles } from "./page-files.ts";
import { readLoginFiles, type LoginFiles } from "./record-files.mjs";
import { createRenderer, type PageKind } from "./render.ts";
import { runPage } from "./run-view.ts";
import type { ChallengeInfo } from "./scoring-view.ts";
import { threadCalls } from "./thread-calls.ts";
import { siteContext, type SiteContext } from "./view-model.ts";

/** What a login-pages worker needs to know about the build (plain data: it crosses threads). */
export interface LoginPagesConfig {
  resultsDir: string;
  outDir: string;
  challenges: ChallengeInfo[];
  basePath: string | null;
  runPagesPerChallenge: number;
}

/** One login to build: its name and the challenge of its entry record, if any. */
export interface LoginJob {
  login: string;
  entryChallenge?: string;
}

export interface LoginResult {
  login: string;
  /** Valid runs (what the overview counts). */
  runs: number;
  pages: number;
  entry: BoardEntry | null;
  skipped: Skipped[];
}

/**
 * Writes a page to its file under `outDir` (links.ts `pageFile`). The run and contributor pages go
 * straight into `run/` and `c/`, which the build makes first; only a directory page makes its folder.
 */
export function writePage(outDir: string, path: string, html: string): void {
  const file = join(outDir, pageFile(path));
  if (path === "" || path.endsWith("/")) mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, html);
}

/** Pages per message to the page writer: few messages, and the writer starts while this thread renders. */
const PAGES_PER_MESSAGE = 16;

/**
 * Builds batches of logins' pages, from the batch's record files when `prepare` read them already;
 * `close` ends its helper threads.
 */
export type LoginBuilder = ((
  jobs: readonly LoginJob[],
  files?: Promise<LoginFiles[]>,
) => Promise<LoginResult[]>) & {
  /** Starts reading a batch's record files in the record reader's thread (record-reader.mjs). */
  prepare(jobs: readonly LoginJob[]): Promise<LoginFiles[]>;
  close(): Promise<void>;
};

const READER = new URL("./record-reader.mjs", import.meta.url);

/**
 * Makes a builder for batches of logins under one config (the templates are compiled once per
 * thread). A batch's pages go to the page writer's thread (page-files.ts) a few at a time, written
 * while this thread renders on; the promise settles when every file of the batch is written.
 */
export function loginPages(config: LoginPagesConfig): LoginBuilder {
  const ctx = siteContext(config.challenges, config.basePath);
  const render = createRenderer();
  const files = pageFiles();
  let reader: ReturnType<typeof threadCalls<{ dirs: string[] }, LoginFiles[]>> | null = null;
  const loginDir = (login: string) => join(config.resultsDir, "runs", login);
  const build = async (jobs: readonly LoginJob[], read?: Promise<LoginFiles[]>) => {
    const recordFiles = read ? await read : jobs.map((j) => readLoginFiles(loginDir(j.login)));
    const writes: Promise<void>[] = [];
    let pages: [string, string][] = [];
    const flush = () => {
      writes.push(files.write(pages));
      pages = [];
    };
    const write = (page: { path: string; kind: PageKind }) => {
      pages.push([join(config.outDir, pageFile(page.path)), render(page)]);
      if (pages.length === PAGES_PER_MESSAGE) flush();
    };
    const results = jobs.map((job, k) => buildLogin(job, recordFiles[k]!, { config, ctx, write }));
    if (pages.length) flush();
    await Promise.all(writes);
    return results;
  };
  const prepare = (jobs: readonly LoginJob[]) => {
    reader ??= threadCalls(READER, "site record reader");
    return reader.call({ dirs: jobs.map((j) => loginDir(j.login)) });
  };
  const close = async () => {
    await Promise.all([files.close(), reader?.close()]);
  };
  return Object.assign(build, { prepare, close });
}

/** One login's run pages and contributor page, handed to `write`; what the board needs back. */
function buildLogin(
  { login, entryChallenge }: LoginJob,
  recordFiles: LoginFiles,
  {
    config,
    ctx,
    write,
  }: { config: LoginPagesConfig; ctx: SiteContext; write: (page: { path: string; kind: PageKind }) => void },
): LoginResult {
  const read = loginRuns(config.resultsDir, login, recordFiles, (runs) =>
    runsWithPages(runs, config.runPagesPerChallenge),
  );
  const result: LoginResult = {
    login,
    runs: read.summaries.length,
    pages: 0,
    entry: null,
    skipped: read.skipped,
  };
  if (!read.summaries.length) return result;
  for (const r of read.full) write(runPage(r, ctx));
  const m = loginModel({
    login,
    runs: read.summaries,
    entryChallenge,
    ctx,
    withPage: new Set(read.full.map((r) => r.runId)),
  });
  write(m.contributor);
  result.pages = read.full.length + 1;
  result.entry = m.entry;
  return result;
}
