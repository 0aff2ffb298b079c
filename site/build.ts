/**
 * Builds the static leaderboard (docs/SITE.md). Used by the CLI (`sre-chaos site`) and the publisher.
 * Data flow: records on disk → load-results (validate, skip bad ones) → view-model (pure) → Handlebars
 * templates → `<outDir>/**\/index.html`. Run pages are rendered while their login's records are being
 * read, so full series never pile up in memory (docs/SITE.md).
 */
import { copyFileSync, rmSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { repoRoot } from "../harness/entry/paths.ts";
import { loadChallengeInfos } from "./challenges.ts";
import { normalizeBasePath, paths } from "./links.ts";
import { loadResults } from "./load-results.ts";
import { createRenderer, siteDir } from "./render.ts";
import { runPage } from "./run-view.ts";
import { scoringPage } from "./scoring-view.ts";
import { buildModel, RUN_PAGES_PER_CHALLENGE, runsWithPages, siteContext } from "./view-model.ts";

const HERE = dirname(fileURLToPath(import.meta.url));

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
}

export interface BuildSiteResult {
  pages: number;
  skipped: { file: string; reason: string }[];
}

/** Builds the whole site into `outDir` (emptied first). Invalid records are reported and skipped. */
export async function buildSite(opts: BuildSiteOptions): Promise<BuildSiteResult> {
  const log = opts.log ?? (() => {});
  const root = repoRoot(HERE);
  const resultsDir = opts.resultsDir ?? join(repoRoot(), ".sre-chaos");
  const perChallenge =
    opts.runPagesPerChallenge ?? (opts.resultsDir === null ? Infinity : RUN_PAGES_PER_CHALLENGE);
  const { challenges, skipped: badChallenges } = loadChallengeInfos(
    opts.challengesDir ?? join(root, "scoring", "challenges"),
  );
  const ctx = siteContext(challenges, normalizeBasePath(opts.basePath));
  const render = createRenderer();
  rmSync(opts.outDir, { recursive: true, force: true });
  const out = new PageWriter(opts.outDir);
  const write = (dir: string, html: string) => out.write(dir, html);

  const data = await loadResults(resultsDir, {
    needSeries: (runs) => runsWithPages(runs, perChallenge),
    onLoginRuns: async (runs) => {
      for (const r of runs) await write(paths.run(r.runId), render(runPage(r, ctx)));
    },
  });
  const skipped = [...badChallenges, ...data.skipped];
  for (const s of skipped) log(`skipped ${s.file}: ${s.reason}`);

  const model = buildModel({
    runs: data.runs,
    entries: data.entries,
    ctx,
    runPagesPerChallenge: perChallenge,
  });
  await write(model.index.dir, render(model.index));
  for (const b of model.boards) await write(b.dir, render(b));
  for (const c of model.contributors) await write(c.dir, render(c));
  await write(paths.scoring, render(scoringPage(challenges, ctx)));
  const pages = await out.flush();
  copyFileSync(join(siteDir(), "site.css"), join(opts.outDir, paths.css));
  log(`site: ${pages} pages, ${data.runs.length} runs, ${skipped.length} skipped → ${opts.outDir}`);
  return { pages, skipped };
}

/**
 * Writes pages with a bounded number of writes in flight: the file system works in libuv's threads
 * while the main thread renders the next page (on a slow disk this halves the build time).
 */
class PageWriter {
  private readonly inflight = new Set<Promise<void>>();
  private failure: unknown = null;
  private count = 0;

  constructor(
    private readonly root: string,
    private readonly limit = 64,
  ) {}

  /** Queues `<root>/<dir>index.html`; waits only when too many writes are in flight. */
  async write(dir: string, html: string): Promise<void> {
    if (this.failure) throw this.failure;
    const d = join(this.root, dir);
    const p = mkdir(d, { recursive: true })
      .then(() => writeFile(join(d, "index.html"), html))
      .catch((e: unknown) => {
        this.failure ??= e;
      })
      .finally(() => this.inflight.delete(p));
    this.inflight.add(p);
    this.count++;
    if (this.inflight.size >= this.limit) await Promise.race(this.inflight);
  }

  /** Waits for every write; throws the first failure; returns how many pages were written. */
  async flush(): Promise<number> {
    await Promise.all(this.inflight);
    if (this.failure) throw this.failure;
    return this.count;
  }
}
