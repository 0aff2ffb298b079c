/**
 * `run()`: read the config, build the side-effect modules (GitHub API, results branch), call the
 * mode, report. The only place that calls `core.setFailed` (STYLE 14).
 */
import * as core from "@actions/core";
import { headCommit } from "../../harness/git.ts";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { runEntry } from "../../harness/run.ts";
import { validateEntry } from "../../harness/entry/validate.ts";
import { readConfig, type ActionConfig } from "./config.ts";
import { createGitHubApi, type GitHubApi } from "./github.ts";
import { createResultsStore } from "./results.ts";
import { runCommand } from "./modes/command.ts";
import { runEvaluate, runScope } from "./modes/evaluate.ts";
import { runPublish } from "./modes/publish.ts";
import { describePlan, listEntries, publishRescore, rescoreMatrix, runShard } from "./modes/rescore.ts";
import { readRescoreSettings, readShardInputs } from "./rescore-plan.ts";
import { readResultsTree, removeResultsTree } from "./results-branch.ts";

const BOT = { name: "github-actions[bot]", email: "41898282+github-actions[bot]@users.noreply.github.com" };

async function readEvent(config: ActionConfig): Promise<unknown> {
  if (!config.eventPath) return {};
  return JSON.parse(await readFile(config.eventPath, "utf8"));
}

/**
 * The results remote, and git's credentials for it. The token never goes into the URL (git would
 * write it into .git/config in RUNNER_TEMP): it travels as an extra header that only git's child
 * processes see, through GIT_CONFIG_* variables, scoped to the server's URL.
 */
function resultsOptions(config: ActionConfig) {
  const server = new URL(config.serverUrl);
  const key = `http.${server.origin}/.extraheader`;
  const basic = Buffer.from(`x-access-token:${config.githubToken}`).toString("base64");
  core.setSecret(basic);
  const n = Number(process.env.GIT_CONFIG_COUNT) || 0;
  const already = Array.from({ length: n }, (_, i) => process.env[`GIT_CONFIG_KEY_${i}`]).includes(key);
  if (!already) {
    process.env[`GIT_CONFIG_KEY_${n}`] = key;
    process.env[`GIT_CONFIG_VALUE_${n}`] = `AUTHORIZATION: basic ${basic}`;
    process.env.GIT_CONFIG_COUNT = String(n + 1);
  }
  return {
    repoDir: path.join(process.env.RUNNER_TEMP || tmpdir(), "sre-chaos-results"),
    remote: `${server.origin}/${config.owner}/${config.repo}.git`,
    branch: config.resultsBranch,
    author: BOT,
  };
}

function resultsStore(config: ActionConfig) {
  return createResultsStore(resultsOptions(config));
}

/** The rescore inputs are read where the mode needs them, with the same reader as readConfig. */
const input = (n: string) => core.getInput(n);

/** What an evaluation needs besides its entry, challenge and artifact folder (evaluate, rescore-shard). */
function evaluateDeps(config: ActionConfig, api: GitHubApi, log: (line: string) => void) {
  return {
    api,
    root: config.workspace,
    eventName: config.eventName,
    scale: config.scale,
    headSha: config.headSha,
    resultsBranch: config.resultsBranch,
    provenance: {
      repository: `${config.owner}/${config.repo}`,
      workflowRunId: config.runId,
      workflowRunAttempt: config.runAttempt,
    },
    validate: validateEntry,
    run: runEntry,
    log,
  };
}

const summary = async (markdown: string) => {
  await core.summary.addRaw(markdown).write();
};

/** What every mode gets: the inputs, the event, the GitHub API and the log. */
interface ModeContext {
  config: ActionConfig;
  event: Record<string, unknown>;
  api: GitHubApi;
  log: (line: string) => void;
}

/** Refuses a pull request that changes anything outside its author's folder. */
async function scopeMode({ config, event, api, log }: ModeContext): Promise<void> {
  const login = await runScope(event, {
    api,
    artifactDir: path.resolve(config.workspace, config.artifactDir),
    eventName: config.eventName,
  });
  core.setOutput("login", login);
  log(`the pull request changes only contributors/${login}/`);
}

/** Runs the entry of a pull request and leaves the record as an artifact. */
async function evaluateMode({ config, event, api, log }: ModeContext): Promise<void> {
  const out = await runEvaluate(event, {
    ...evaluateDeps(config, api, log),
    artifactDir: path.resolve(config.workspace, config.artifactDir),
    challenge: config.challenge,
    login: config.login,
  });
  core.setOutput("login", out.login);
  core.setOutput("score", String(out.result.record.score));
  core.setOutput("run-id", out.result.record.runId);
  await summary(out.result.report);
}

/** Publishes an evaluated run (workflow_run) or a rescore's shard artifacts. */
async function publishMode({ config, event, api, log }: ModeContext): Promise<void> {
  const artifactDir = path.resolve(config.workspace, config.artifactDir);
  if (config.eventName === "workflow_run") {
    const out = await runPublish(event, {
      api,
      results: resultsStore(config),
      artifactDir,
      root: config.workspace,
      // The commit checked out: publish runs from the default branch, and trusts this scoring code.
      baseCommit: await headCommit(config.workspace),
      siteUrl: config.siteUrl,
      summary,
      log,
    });
    core.setOutput("login", out.login);
    core.setOutput("run-id", out.runId ?? "");
    core.setOutput("pr-number", String(out.pr));
  } else {
    await publishRescore({
      root: config.workspace,
      shards: readShardInputs(input, false).shards,
      entries: await listEntries(config.workspace),
      baseCommit: await headCommit(config.workspace),
      results: resultsStore(config),
      artifactDir,
      summary,
      log,
    });
  }
}

/** Handles a `/challenge` comment. */
async function commandMode({ config, event, api, log }: ModeContext): Promise<void> {
  const out = await runCommand(event, {
    api,
    results: resultsStore(config),
    evaluateWorkflow: config.evaluateWorkflow,
    now: () => new Date(),
    log,
  });
  core.info(`command: ${out.kind}${"reason" in out ? ` (${out.reason})` : ""}`);
  core.setOutput("outcome", out.kind);
}

/** Plans a rescore: the shard matrix. */
async function rescoreMatrixMode({ config, log }: ModeContext): Promise<void> {
  const { plan, outputs } = await rescoreMatrix(
    config.workspace,
    readRescoreSettings(input),
    path.resolve(config.workspace, config.artifactDir),
  );
  for (const [k, v] of Object.entries(outputs)) core.setOutput(k, v);
  log(describePlan(plan));
}

/** Evaluates one rescore shard's slice of the entries. */
async function rescoreShardMode({ config, api, log }: ModeContext): Promise<void> {
  const { shard, shards } = readShardInputs(input, true);
  // One read of the entry records for the whole slice, not one API call per entry.
  const tree = await readResultsTree(resultsOptions(config), ["entries"]);
  try {
    await runShard({
      ...evaluateDeps(config, api, log),
      shard,
      shards,
      artifactDir: path.resolve(config.workspace, config.artifactDir),
      entryFile: (login) => readFile(path.join(tree, "entries", `${login}.json`), "utf8").catch(() => null),
    });
  } finally {
    await removeResultsTree(tree);
  }
}

const MODES: Record<ActionConfig["mode"], (ctx: ModeContext) => Promise<void>> = {
  scope: scopeMode,
  evaluate: evaluateMode,
  publish: publishMode,
  command: commandMode,
  "rescore-matrix": rescoreMatrixMode,
  "rescore-shard": rescoreShardMode,
};

async function dispatch(config: ActionConfig): Promise<void> {
  core.setSecret(config.githubToken);
  const event = (await readEvent(config)) as Record<string, unknown>;
  const api = createGitHubApi(config.githubToken, config.owner, config.repo, { log: (l) => core.warning(l) });
  await MODES[config.mode]({ config, event, api, log: (line: string) => core.info(line) });
}

/** The action's entry: never throws; a failure fails the step with the error's message. */
export async function run(): Promise<void> {
  try {
    await dispatch(readConfig());
  } catch (err) {
    core.setFailed(err instanceof Error ? err.message : String(err));
  }
}
