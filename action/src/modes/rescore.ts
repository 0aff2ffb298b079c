/**
 * The rescore flow (rescore.yml): `rescore-matrix` lists the entries on the default branch and cuts
 * them into shards (rescore-plan.ts); each matrix job runs `rescore-shard`, which evaluates its
 * slice one entry after the other into one artifact; `publish` in a rescore run (schedule /
 * dispatch, no PR) then folds every shard's artifact into one commit (rescore-publish.ts). The
 * entries are merged code on the default branch, but the artifacts are still checked like any
 * other: they were written next to running entries.
 */
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { LOGIN_PATTERN } from "../../../record/run-record.ts";
import type { GitHubApi } from "../github.ts";
import {
  planOutputs,
  planShards,
  shardSlice,
  type RescoreSettings,
  type ShardPlan,
} from "../rescore-plan.ts";
import { RESCORE_ARTIFACT_PREFIX } from "../rescore-publish.ts";
import { EntryRejectedError, runEvaluate, type EvaluateDeps } from "./evaluate.ts";

export {
  PLAN_ARTIFACT,
  publishRescore,
  RESCORE_ARTIFACT_PREFIX,
  SHARD_ARTIFACT_PREFIX,
} from "../rescore-publish.ts";
export { MAX_MATRIX } from "../rescore-plan.ts";

/** The valid entry folders under `<root>/contributors/` (plain directories only), sorted. */
export async function listEntries(root: string): Promise<string[]> {
  // Dirents are not followed: a symlink is not a directory here.
  const dirents = await readdir(path.join(root, "contributors"), { withFileTypes: true });
  return dirents
    .filter((d) => d.isDirectory() && LOGIN_PATTERN.test(d.name))
    .map((d) => d.name)
    .sort();
}

/**
 * `rescore-matrix`: the plan of this checkout's entries and the outputs rescore.yml reads. With
 * `outDir`, also writes `plan.json` there for the plan's artifact (see PLAN_ARTIFACT).
 */
export async function rescoreMatrix(
  root: string,
  settings: RescoreSettings,
  outDir?: string,
): Promise<{ plan: ShardPlan; outputs: Record<string, string> }> {
  const plan = planShards((await listEntries(root)).length, settings);
  if (outDir !== undefined) {
    await mkdir(outDir, { recursive: true });
    const { groups, ...figures } = plan;
    await writeFile(
      path.join(outDir, "plan.json"),
      JSON.stringify({ ...figures, matrices: groups.map((g) => g.length) }) + "\n",
    );
  }
  return { plan, outputs: planOutputs(plan) };
}

/** One line for the log: how the rescore was cut. */
export function describePlan(p: ShardPlan): string {
  if (p.shards === 0) return "no entries under contributors/: nothing to rescore";
  return `${p.entries} entries in ${p.shards} shard(s) of at most ${p.perShard}, ${p.groups.length} matrix(es) of ${p.groups.map((g) => g.length).join(" + ")} jobs, ${p.parallel} at a time, ${p.timeoutMinutes} min per job`;
}

export interface ShardDeps extends Omit<EvaluateDeps, "artifactDir" | "login" | "challenge"> {
  shard: number;
  shards: number;
  /** The shard's artifact folder: one `sre-chaos-run-<login>` folder per entry goes in it. */
  artifactDir: string;
  /** `entries/<login>.json` from one read of the results branch (not one API call per entry). */
  entryFile: (login: string) => Promise<string | null>;
}

export interface ShardOutcome {
  logins: string[];
  /** Each a finished run. */
  evaluated: string[];
  /** `<login>: why` for entries that were refused or whose run failed. */
  failed: string[];
}

/** An API that answers the entry-record read from the shard's one read of the results branch. */
function withLocalEntries(api: GitHubApi, entryFile: ShardDeps["entryFile"]): GitHubApi {
  const local = Object.create(api) as GitHubApi;
  local.getFileText = async (file, ref) => {
    const m = /^entries\/([^/]+)\.json$/.exec(file);
    return m ? entryFile(m[1]!) : api.getFileText(file, ref);
  };
  return local;
}

/**
 * `rescore-shard`: evaluates the shard's slice of the entries in turn. A failing entry does not
 * stop the others; the shard throws at the end, naming each, after every artifact is written.
 */
export async function runShard(deps: ShardDeps): Promise<ShardOutcome> {
  const all = await listEntries(deps.root);
  if (deps.shards > all.length)
    throw new Error(`${deps.shards} shards for ${all.length} entries: this job's checkout is not the plan's`);
  const logins = shardSlice(all, deps.shards, deps.shard);
  const api = withLocalEntries(deps.api, deps.entryFile);
  const evaluated: string[] = [];
  const failed: string[] = [];
  for (const [i, login] of logins.entries()) {
    deps.log(`shard ${deps.shard}: entry ${i + 1} of ${logins.length}, ${login}`);
    const dir = path.join(deps.artifactDir, RESCORE_ARTIFACT_PREFIX + login);
    try {
      await runEvaluate({}, { ...deps, api, artifactDir: dir, login, challenge: null });
      evaluated.push(login);
    } catch (e) {
      // A refused entry leaves its reasons for the publisher; a failed run leaves nothing half-written.
      if (!(e instanceof EntryRejectedError)) await rm(dir, { recursive: true, force: true });
      failed.push(`${login}: ${(e as Error).message.split("\n")[0]}`);
      deps.log(`shard ${deps.shard}: ${login} failed: ${(e as Error).message}`);
    }
  }
  if (failed.length)
    throw new Error(
      `shard ${deps.shard}: ${failed.length} of ${logins.length} entries not rescored:\n  ${failed.join("\n  ")}`,
    );
  return { logins, evaluated, failed };
}
