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
import { createGitHubApi } from "./github.ts";
import { createResultsStore } from "./results.ts";
import { runCommand } from "./modes/command.ts";
import { runEvaluate, runScope } from "./modes/evaluate.ts";
import { runPublish } from "./modes/publish.ts";
import { publishRescore, rescoreMatrix } from "./modes/rescore.ts";

const BOT = { name: "github-actions[bot]", email: "41898282+github-actions[bot]@users.noreply.github.com" };

async function readEvent(config: ActionConfig): Promise<unknown> {
  if (!config.eventPath) return {};
  return JSON.parse(await readFile(config.eventPath, "utf8"));
}

function resultsStore(config: ActionConfig) {
  const host = new URL(config.serverUrl).host;
  return createResultsStore({
    repoDir: path.join(process.env.RUNNER_TEMP || tmpdir(), "sre-chaos-results"),
    remote: `https://x-access-token:${config.githubToken}@${host}/${config.owner}/${config.repo}.git`,
    branch: config.resultsBranch,
    author: BOT,
  });
}

const summary = async (markdown: string) => {
  await core.summary.addRaw(markdown).write();
};

async function dispatch(config: ActionConfig): Promise<void> {
  core.setSecret(config.githubToken);
  const event = (await readEvent(config)) as Record<string, unknown>;
  const api = createGitHubApi(config.githubToken, config.owner, config.repo, { log: (l) => core.warning(l) });
  const log = (line: string) => core.info(line);
  switch (config.mode) {
    case "scope": {
      const login = await runScope(event, {
        api,
        artifactDir: path.resolve(config.workspace, config.artifactDir),
        eventName: config.eventName,
      });
      core.setOutput("login", login);
      log(`the pull request changes only contributors/${login}/`);
      return;
    }
    case "evaluate": {
      const out = await runEvaluate(event, {
        api,
        root: config.workspace,
        artifactDir: path.resolve(config.workspace, config.artifactDir),
        eventName: config.eventName,
        challenge: config.challenge,
        scale: config.scale,
        login: config.login,
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
      });
      core.setOutput("login", out.login);
      core.setOutput("score", String(out.result.record.score));
      core.setOutput("run-id", out.result.record.runId);
      await summary(out.result.report);
      return;
    }
    case "publish": {
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
          baseCommit: await headCommit(config.workspace),
          results: resultsStore(config),
          artifactDir,
          summary,
          log,
        });
      }
      return;
    }
    case "command": {
      const out = await runCommand(event, {
        api,
        results: resultsStore(config),
        evaluateWorkflow: config.evaluateWorkflow,
        now: () => new Date(),
        log,
      });
      core.info(`command: ${out.kind}${"reason" in out ? ` (${out.reason})` : ""}`);
      core.setOutput("outcome", out.kind);
      return;
    }
    case "rescore-matrix": {
      const matrix = await rescoreMatrix(config.workspace);
      core.setOutput("matrix", matrix);
      log(`matrix: ${matrix}`);
      return;
    }
  }
}

/** The action's entry: never throws; a failure fails the step with the error's message. */
export async function run(): Promise<void> {
  try {
    await dispatch(readConfig());
  } catch (err) {
    core.setFailed(err instanceof Error ? err.message : String(err));
  }
}
