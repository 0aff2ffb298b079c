/**
 * Builds the static leaderboard (SPEC §9). Used by the CLI (`sre-chaos site`) and the publisher.
 * Data flow: records on disk → load-results (validate, skip bad ones) → view-model (pure) → Handlebars
 * templates → `<outDir>/**\/index.html`. Run pages are rendered while their login's records are being
 * read, so full series never pile up in memory (docs/SITE.md).
 */
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { repoRoot } from "../harness/entry/paths.ts";
import { loadChallengeInfos } from "./challenges.ts";
import { normalizeBasePath, paths } from "./links.ts";
import { loadResults } from "./load-results.ts";
import { createRenderer } from "./render.ts";
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
  /** Per-run pages per entry and challenge (latest N, plus the best). */
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
  const perChallenge = opts.runPagesPerChallenge ?? RUN_PAGES_PER_CHALLENGE;
  const { challenges, skipped: badChallenges } = loadChallengeInfos(
    opts.challengesDir ?? join(root, "scoring", "challenges"),
  );
  const ctx = siteContext(challenges, normalizeBasePath(opts.basePath));
  const render = createRenderer();
  rmSync(opts.outDir, { recursive: true, force: true });
  let pages = 0;
  const write = (dir: string, html: string) => {
    const d = join(opts.outDir, dir);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, "index.html"), html);
    pages++;
  };

  const data = loadResults(resultsDir, (runs) => {
    const keep = runsWithPages(runs, perChallenge);
    for (const r of runs) if (keep.has(r.runId)) write(paths.run(r.runId), render(runPage(r, ctx)));
  });
  const skipped = [...badChallenges, ...data.skipped];
  for (const s of skipped) log(`skipped ${s.file}: ${s.reason}`);

  const model = buildModel({
    runs: data.runs,
    entries: data.entries,
    ctx,
    runPagesPerChallenge: perChallenge,
  });
  write(model.index.dir, render(model.index));
  for (const b of model.boards) write(b.dir, render(b));
  for (const c of model.contributors) write(c.dir, render(c));
  write(paths.scoring, render(scoringPage(challenges, ctx)));
  copyFileSync(join(HERE, "site.css"), join(opts.outDir, paths.css));
  log(`site: ${pages} pages, ${data.runs.length} runs, ${skipped.length} skipped → ${opts.outDir}`);
  return { pages, skipped };
}
