/**
 * The rescore publisher: every shard job's artifact, checked one run at a time and folded into ONE
 * commit on the results branch. Each run is bound to the job that had to measure it: shard `i`'s
 * artifact `sre-chaos-shard-<i>` may hold only `sre-chaos-run-<login>` folders of logins in that
 * shard's slice (rescore-plan.ts), and each is checked like any publish (schema, score recomputed
 * from its measurements, harness commit). A refused run is reported by name and costs no other run
 * its place. Verified runs wait on disk, not in memory, so 10,000 of them fit in a small runner.
 */
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadChallenge } from "../../harness/challenge-files.ts";
import { applyRun, type EntryRecord } from "../../record/entry-record.ts";
import { LOGIN_PATTERN, serializeRunRecord, type RunRecord } from "../../record/run-record.ts";
import type { ChallengeDef } from "../../scoring/challenge-schema.ts";
import { readArtifact } from "./artifact.ts";
import { md } from "../../record/markdown.ts";
import { verifiedRecord } from "./recompute.ts";
import { shardOwners } from "./rescore-plan.ts";
import type { ResultsFile } from "./results-branch.ts";
import { readEntryRecord, serializeEntryRecord, type ResultsStore } from "./results.ts";

/** One folder per entry inside a shard's artifact: the name binds it to that login. */
export const RESCORE_ARTIFACT_PREFIX = "sre-chaos-run-";
/** The artifact of shard `i`; download-artifact unpacks each into a folder of its name. */
export const SHARD_ARTIFACT_PREFIX = "sre-chaos-shard-";
/**
 * The plan job's artifact, matched by the publisher's pattern too: download-artifact unpacks a
 * lone match flat (without the folder that names it), so this one makes every shard's artifact
 * land in a folder of its name even when a single shard uploaded anything.
 */
export const PLAN_ARTIFACT = `${SHARD_ARTIFACT_PREFIX}plan`;
/** Lines of the job summary's table and lists, and of the error, before "… and N more". */
const SHOWN = { rows: 1000, refused: 200, error: 50 } as const;

export interface RescorePublishDeps {
  root: string;
  /** Where scoring/challenges/ is read from (default `root`). */
  scoringRoot?: string;
  /** The commit of `root` the rescore runs from; when given, every record must be measured by it. */
  baseCommit?: string;
  /** The plan's shard count: which shard owns which entry. */
  shards: number;
  results: ResultsStore;
  /** Holds one `sre-chaos-shard-<i>` folder per shard job's artifact. */
  artifactDir: string;
  /** The sorted entries on the default branch (listEntries of `root`). */
  entries: readonly string[];
  summary: (markdown: string) => Promise<void>;
  log: (line: string) => void;
}

/** What the fold keeps of a verified run; the run itself waits in `file`. */
interface Verified {
  login: string;
  runId: string;
  challenge: RunRecord["challenge"];
  score: number;
  finishedAt: string;
  file: string;
}

interface Found {
  name: string;
  shard: number;
  login: string;
  dir: string;
}

const SHARD_DIR = new RegExp(`^${SHARD_ARTIFACT_PREFIX}(0|[1-9]\\d{0,5})$`);

/** The run folders under `artifactDir`, with what is wrong with the layout itself. */
async function locate(artifactDir: string, shards: number): Promise<{ found: Found[]; refused: string[] }> {
  const found: Found[] = [];
  const refused: string[] = [];
  const top = (await readdir(artifactDir, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : 1,
  );
  const holders = top.flatMap((d) => {
    // The plan's artifact, in its folder, or unpacked flat when no shard uploaded anything.
    if (d.name === PLAN_ARTIFACT || d.name === "plan.json") return [];
    const m = SHARD_DIR.exec(d.name);
    if (!d.isDirectory() || !m || Number(m[1]) >= shards) {
      refused.push(`${d.name}: not the artifact of one of the ${shards} shard(s)`);
      return [];
    }
    return [{ name: `${d.name}/`, shard: Number(m[1]), dir: path.join(artifactDir, d.name) }];
  });
  for (const h of holders) {
    for (const d of await readdir(h.dir, { withFileTypes: true })) {
      const name = h.name + d.name;
      const login = d.name.slice(RESCORE_ARTIFACT_PREFIX.length);
      if (!d.isDirectory() || !d.name.startsWith(RESCORE_ARTIFACT_PREFIX) || !LOGIN_PATTERN.test(login))
        refused.push(`${name}: not an ${RESCORE_ARTIFACT_PREFIX}<login> folder`);
      else found.push({ name, shard: h.shard, login, dir: path.join(h.dir, d.name) });
    }
  }
  found.sort((a, b) => (a.name < b.name ? -1 : 1));
  return { found, refused };
}

interface CheckContext {
  deps: RescorePublishDeps;
  owners: Map<string, number>;
  defs: Map<string, Promise<ChallengeDef>>;
  spool: string;
}

/** Checks one run folder and leaves its record, as it is published, in the spool. */
async function check(f: Found, cx: CheckContext): Promise<Verified> {
  const { deps } = cx;
  const owner = cx.owners.get(f.login);
  if (owner === undefined) throw new Error(`contributors/${f.login} is not an entry on the default branch`);
  // A job can only have measured its own slice: anything else it uploaded is a forgery.
  if (owner !== f.shard)
    throw new Error(`${f.login} is evaluated by shard ${owner}, not by shard ${f.shard}`);
  const art = await readArtifact(f.dir);
  if (art.meta.login !== f.login)
    throw new Error(`the folder of ${f.login} holds a record of ${art.meta.login}`);
  if (art.meta.pullRequest !== null) throw new Error("a rescore artifact names a pull request");
  if (art.outcome === "invalid") throw new Error(`the entry broke ${art.violations.length} rule(s)`);
  const p = art.record.provenance;
  if (p.pullRequest !== null) throw new Error("run.json names a pull request");
  if (deps.baseCommit !== undefined && p.harnessCommit !== deps.baseCommit)
    throw new Error(
      `run.json was measured by harness ${p.harnessCommit ?? "(unknown)"}, not ${deps.baseCommit}`,
    );
  const id = art.record.challenge;
  if (!cx.defs.has(id)) cx.defs.set(id, loadChallenge(id, deps.scoringRoot ?? deps.root));
  // Rescored entries are merged code, but their runs still earn only what this code computes.
  const checked = verifiedRecord(await cx.defs.get(id)!, art.record);
  const r: RunRecord = { ...checked, provenance: { ...p, local: false } };
  const runPath = `runs/${r.login}/${r.runId}.json`;
  const file = path.join(cx.spool, `${r.login}.json`);
  await writeFile(file, serializeRunRecord(r, runPath));
  return {
    login: r.login,
    runId: r.runId,
    challenge: r.challenge,
    score: r.score,
    finishedAt: r.finishedAt,
    file,
  };
}

/** The files of one commit: every new run and each touched entry record, folded once per login. */
async function fold(
  read: (p: string) => Promise<string | null>,
  runs: readonly Verified[],
): Promise<ResultsFile[]> {
  const files: ResultsFile[] = [];
  const folded = new Map<string, EntryRecord>();
  for (const v of runs) {
    const runPath = `runs/${v.login}/${v.runId}.json`;
    if ((await read(runPath)) !== null) continue; // a rerun: it already counts
    const entry = folded.get(v.login) ?? (await readEntryRecord(read, v.login, v.challenge));
    // applyRun reads only the run's id, challenge, score and finish time.
    folded.set(v.login, applyRun(entry, v as unknown as RunRecord));
    files.push({ path: runPath, source: v.file });
  }
  for (const [login, e] of folded)
    files.push({ path: `entries/${login}.json`, content: serializeEntryRecord(e) });
  return files;
}

const more = (n: number, shown: number) => (n > shown ? [`- … and ${n - shown} more (see the log)`] : []);

function summaryOf(runs: Verified[], refused: string[], missing: string[], commit: string | null): string {
  return (
    [
      "## Rescore",
      "",
      `${runs.length} run(s) published${commit ? ` in ${commit.slice(0, 7)}` : ""}, ${refused.length} refused, ${missing.length} entr${missing.length === 1 ? "y" : "ies"} without a run.`,
      "",
      "| entry | challenge | score |",
      "| --- | --- | ---: |",
      ...runs.slice(0, SHOWN.rows).map((r) => `| ${r.login} | ${r.challenge} | ${r.score} |`),
      ...(runs.length > SHOWN.rows ? [`| … ${runs.length - SHOWN.rows} more | | |`] : []),
      "",
      ...refused.slice(0, SHOWN.refused).map((x) => `- refused ${md(x.slice(0, 300))}`),
      ...more(refused.length, SHOWN.refused),
      ...(missing.length
        ? ["", `No run (its shard failed or was cancelled): ${missing.slice(0, SHOWN.refused).join(", ")}`]
        : []),
      ...more(missing.length, SHOWN.refused),
    ].join("\n") + "\n"
  );
}

/** Writes every valid run of every shard in one commit; throws after writing when any was refused. */
export async function publishRescore(
  deps: RescorePublishDeps,
): Promise<{ written: string[]; refused: string[]; missing: string[]; commit: string | null }> {
  const { found, refused } = await locate(deps.artifactDir, deps.shards);
  const spool = await mkdtemp(path.join(tmpdir(), "sre-chaos-rescore-"));
  try {
    const cx: CheckContext = { deps, owners: shardOwners(deps.entries, deps.shards), defs: new Map(), spool };
    const runs: Verified[] = [];
    for (const f of found) {
      try {
        runs.push(await check(f, cx));
      } catch (e) {
        // One line each: the summary's list and the error's are read line by line.
        refused.push(`${f.name}: ${(e as Error).message.replace(/\s*\n\s*-?\s*/g, " ")}`);
      }
    }
    const seen = new Set(found.map((f) => f.login));
    const missing = deps.entries.filter((l) => !seen.has(l));
    let commit: string | null = null;
    if (runs.length) {
      const out = await deps.results.publish(
        (read) => fold(read, runs),
        `rescore: ${runs.length} run(s) of ${deps.entries.length} entries`,
      );
      commit = out.commit;
    }
    await deps.summary(summaryOf(runs, refused, missing, commit));
    for (const x of refused) deps.log(`refused ${x}`);
    if (missing.length) deps.log(`no run for ${missing.length} entr(ies): ${missing.join(", ")}`);
    if (refused.length)
      throw new Error(
        `${refused.length} rescore artifact(s) refused:\n  ${refused.slice(0, SHOWN.error).join("\n  ")}${refused.length > SHOWN.error ? `\n  … and ${refused.length - SHOWN.error} more (see the log)` : ""}`,
      );
    return { written: runs.map((r) => `${r.login}/${r.runId}`), refused, missing, commit };
  } finally {
    await rm(spool, { recursive: true, force: true });
  }
}
