/**
 * The rescore flow: `rescore-matrix` lists the entries on the default branch for a matrix of
 * evaluate jobs; `publish` in a rescore run (schedule / dispatch, no PR) then writes every job's
 * artifact in one commit. The entries are merged code on the default branch, but the artifacts
 * are still checked like any other: they were written next to a running entry.
 */
import { lstat, readdir } from "node:fs/promises";
import path from "node:path";
import { applyRun, type EntryRecord } from "../../../record/entry-record.ts";
import { LOGIN_PATTERN, serializeRunRecord, type RunRecord } from "../../../record/run-record.ts";
import { loadChallenge } from "../../../harness/challenge-files.ts";
import { readArtifact } from "../artifact.ts";
import { verifiedRecord } from "../recompute.ts";
import { md } from "../../../record/markdown.ts";
import { readEntryRecord, serializeEntryRecord, type ResultsStore } from "../results.ts";

/**
 * Each matrix job uploads `sre-chaos-run-<login>` (rescore.yml), which download-artifact unpacks
 * into a folder of that name: the name binds the artifact to the one entry it may speak for.
 */
export const RESCORE_ARTIFACT_PREFIX = "sre-chaos-run-";

/** GitHub's limit on jobs in one matrix. */
export const MAX_MATRIX = 256;

/** The valid entry folders under `<root>/contributors/` (plain directories only), sorted. */
export async function listEntries(root: string): Promise<string[]> {
  const dir = path.join(root, "contributors");
  const out: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (!LOGIN_PATTERN.test(name)) continue;
    if ((await lstat(path.join(dir, name))).isDirectory()) out.push(name);
  }
  return out;
}

/** The matrix JSON for `strategy.matrix`: `{"include":[{"login":"…"}]}`. */
export async function rescoreMatrix(root: string): Promise<string> {
  const logins = await listEntries(root);
  if (logins.length === 0) throw new Error(`no entries under ${path.join(root, "contributors")}`);
  if (logins.length > MAX_MATRIX)
    throw new Error(`${logins.length} entries; a matrix holds at most ${MAX_MATRIX}`);
  return JSON.stringify({ include: logins.map((login) => ({ login })) });
}

export interface RescorePublishDeps {
  root: string;
  /** Where scoring/challenges/ is read from (default `root`). */
  scoringRoot?: string;
  /** The commit of `root` the rescore runs from; when given, every record must be measured by it. */
  baseCommit?: string;
  results: ResultsStore;
  /** Holds one sub-directory per matrix job's artifact. */
  artifactDir: string;
  summary: (markdown: string) => Promise<void>;
  log: (line: string) => void;
}

/** Writes every valid rescore artifact; throws after writing when any was refused. */
export async function publishRescore(
  deps: RescorePublishDeps,
): Promise<{ written: string[]; refused: string[] }> {
  const entries = new Set(await listEntries(deps.root));
  const subdirs = (await readdir(deps.artifactDir, { withFileTypes: true })).filter((d) => d.isDirectory());
  if (subdirs.length > MAX_MATRIX) throw new Error(`${subdirs.length} artifacts; at most ${MAX_MATRIX}`);
  const records: RunRecord[] = [];
  const refused: string[] = [];
  for (const d of subdirs.map((x) => x.name).sort()) {
    try {
      const art = await readArtifact(path.join(deps.artifactDir, d));
      // A job can only have measured its own matrix login; another login's record is a forgery.
      if (d !== RESCORE_ARTIFACT_PREFIX + art.meta.login)
        throw new Error(`artifact ${d} holds a record of ${art.meta.login}`);
      if (art.meta.pullRequest !== null) throw new Error("a rescore artifact names a pull request");
      if (!entries.has(art.meta.login))
        throw new Error(`contributors/${art.meta.login} is not an entry on the default branch`);
      if (art.outcome === "invalid") throw new Error(`the entry broke ${art.violations.length} rule(s)`);
      if (art.record.provenance.pullRequest !== null) throw new Error("run.json names a pull request");
      const p = art.record.provenance;
      if (deps.baseCommit !== undefined && p.harnessCommit !== deps.baseCommit)
        throw new Error(
          `run.json was measured by harness ${p.harnessCommit ?? "(unknown)"}, not ${deps.baseCommit}`,
        );
      // Rescored entries are merged code, but their runs still earn only what this code computes.
      const checked = verifiedRecord(
        await loadChallenge(art.record.challenge, deps.scoringRoot ?? deps.root),
        art.record,
      );
      records.push({ ...checked, provenance: { ...p, local: false } });
    } catch (e) {
      refused.push(`${d}: ${(e as Error).message}`);
    }
  }
  if (records.length) {
    await deps.results.publish(async (read) => {
      const files = [];
      // Folded in memory so two runs of one login in a batch both count.
      const folded = new Map<string, EntryRecord>();
      for (const r of records) {
        const runPath = `runs/${r.login}/${r.runId}.json`;
        if ((await read(runPath)) !== null) continue;
        const entry = folded.get(r.login) ?? (await readEntryRecord(read, r.login, r.challenge));
        folded.set(r.login, applyRun(entry, r));
        files.push({ path: runPath, content: serializeRunRecord(r, runPath) });
      }
      for (const [login, e] of folded)
        files.push({ path: `entries/${login}.json`, content: serializeEntryRecord(e) });
      return files;
    }, `rescore: ${records.length} run(s)`);
  }
  const lines = [
    "## Rescore",
    "",
    "| entry | challenge | score |",
    "| --- | --- | ---: |",
    ...records.map((r) => `| ${r.login} | ${r.challenge} | ${r.score} |`),
    "",
    ...refused.map((x) => `- refused ${md(x)}`),
  ];
  await deps.summary(lines.join("\n") + "\n");
  for (const x of refused) deps.log(`refused ${x}`);
  if (refused.length)
    throw new Error(`${refused.length} rescore artifact(s) refused:\n  ${refused.join("\n  ")}`);
  return { written: records.map((r) => `${r.login}/${r.runId}`), refused };
}
