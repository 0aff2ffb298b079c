/**
 * Builds the static leaderboard (docs/SITE.md). Used by the CLI (`sre-chaos site`) and the publisher.
 * Data flow: the entry records first; then, per login and spread over worker threads,
 * its records are read and validated once (load-results), its run pages and contributor page written
 * (login-pages); back in this thread, the logins' board entries are ranked into the paginated boards
 * and the overview. Full series never leave the thread that read them, nor pile up in memory.
 */
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { repoRoot } from "../harness/entry/paths.ts";
import { boardPages, indexPage, rankBoards, type BoardEntry } from "./board-view.ts";
import { loadChallengeInfos } from "./challenges.ts";
import { normalizeBasePath, paths } from "./links.ts";
import { listLogins, readEntries, type Skipped } from "./load-results.ts";
import { writePage, type LoginPagesConfig, type LoginResult } from "./login-pages.ts";
import { buildLogins } from "./login-pool.ts";
import { createRenderer, siteDir } from "./render.ts";
import { scoringPage } from "./scoring-view.ts";
import { BOARD_PAGE_SIZE, RUN_PAGES_PER_CHALLENGE, siteContext } from "./view-model.ts";

const HERE = dirname(fileURLToPath(import.meta.url));

/** Below this many logins a build stays in one thread: starting workers would cost more than it saves. */
const MIN_LOGINS_FOR_WORKERS = 200;

/**
 * Worker threads by default: none on fewer than 4 CPUs, where a worker made the build slower (on 2
 * CPUs, 10,000 entries: 43 s in one thread against 85–108 s with a worker, more CPU time too; see
 * docs/SITE.md); from 4 CPUs one per CPU but the build's own, at most 3.
 */
function defaultWorkers(logins: number): number {
  const cpus = availableParallelism();
  return logins < MIN_LOGINS_FOR_WORKERS || cpus < 4 ? 0 : Math.min(3, cpus - 1);
}

export interface BuildSiteOptions {
  /** Results-branch layout; `null` reads the local history of `sre-chaos run` (`.sre-chaos/`). */
  resultsDir: string | null;
  outDir: string;
  /** URL path the site is served under, e.g. `/repo/` on a Pages project site. */
  basePath?: string;
  log?: (line: string) => void;
  /** Where the challenge definitions are; default `scoring/challenges` in the repository. */
  challengesDir?: string;
  /** Per-run pages per entry and challenge (latest N, plus the best); default 1, all for local runs. */
  runPagesPerChallenge?: number;
  /**
   * Worker threads for the per-login pages, besides this thread; 0 builds in this thread only.
   * Default: see defaultWorkers.
   */
  workers?: number;
  /** Rows per board page; default BOARD_PAGE_SIZE. */
  boardPageSize?: number;
}

export interface BuildSiteResult {
  pages: number;
  skipped: { file: string; reason: string }[];
  /** Worker threads the build used besides its own (0: all in this thread). */
  workers: number;
}

/** Builds the whole site into `outDir` (emptied first). Invalid records are reported and skipped. */
export async function buildSite(opts: BuildSiteOptions): Promise<BuildSiteResult> {
  const log = opts.log ?? (() => {});
  const resultsDir = opts.resultsDir ?? join(repoRoot(), ".sre-chaos");
  const { challenges, skipped: badChallenges } = loadChallengeInfos(
    opts.challengesDir ?? join(repoRoot(HERE), "scoring", "challenges"),
  );
  const config: LoginPagesConfig = {
    resultsDir,
    outDir: opts.outDir,
    challenges,
    basePath: normalizeBasePath(opts.basePath),
    runPagesPerChallenge:
      opts.runPagesPerChallenge ?? (opts.resultsDir === null ? Infinity : RUN_PAGES_PER_CHALLENGE),
  };
  rmSync(opts.outDir, { recursive: true, force: true });
  for (const dir of ["run", "c", "board"]) mkdirSync(join(opts.outDir, dir), { recursive: true });

  const logins = listLogins(resultsDir);
  const entries = readEntries(resultsDir);
  const entryChallenge = new Map(entries.entries.map((e) => [e.login, e.challenge as string]));
  const workers = opts.workers ?? defaultWorkers(logins.logins.length);
  const jobs = logins.logins.map((login) => ({ login, entryChallenge: entryChallenge.get(login) }));
  const perLogin = await buildLogins(config, jobs, workers);

  const pages =
    perLogin.reduce((n, r) => n + r.pages, 0) +
    writeOverview(config, perLogin, opts.boardPageSize ?? BOARD_PAGE_SIZE);
  copyFileSync(join(siteDir(), "site.css"), join(opts.outDir, paths.css));

  const skipped = [
    ...badChallenges,
    ...inFileOrder([...logins.skipped, ...perLogin.flatMap((r) => r.skipped)]),
    ...entries.skipped,
  ];
  for (const s of skipped) log(`skipped ${s.file}: ${s.reason}`);
  const runs = perLogin.reduce((n, r) => n + r.runs, 0);
  log(`site: ${pages} pages, ${runs} runs, ${skipped.length} skipped → ${opts.outDir}`);
  return { pages, skipped, workers };
}

/** The boards, the overview and the scoring page, from every login's result; returns how many. */
function writeOverview(config: LoginPagesConfig, perLogin: readonly LoginResult[], pageSize: number): number {
  const ctx = siteContext(config.challenges, config.basePath);
  const render = createRenderer();
  const pages = [];
  const entries: BoardEntry[] = perLogin.flatMap((r) => (r.entry ? [r.entry] : []));
  const ranked = rankBoards(entries, ctx);
  for (const [id, list] of ranked) pages.push(...boardPages(id, list, ctx, pageSize));
  const counts = {
    runs: perLogin.reduce((n, r) => n + r.runs, 0),
    contributors: perLogin.filter((r) => r.runs > 0).length,
  };
  pages.push(indexPage(ranked, counts, ctx), scoringPage(config.challenges, ctx));
  for (const page of pages) writePage(config.outDir, page.path, render(page));
  return pages.length;
}

/** Run-folder problems in file order: by folder name (bad names among them), each folder's in order. */
function inFileOrder(skipped: Skipped[]): Skipped[] {
  const folder = (s: Skipped) => s.file.split(/[\\/]/)[1] ?? "";
  return skipped.sort((a, b) => (folder(a) < folder(b) ? -1 : folder(a) > folder(b) ? 1 : 0));
}
