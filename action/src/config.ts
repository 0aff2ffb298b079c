/**
 * The one place that reads the action's inputs (and the runner's GITHUB_* variables) and turns
 * them into a readonly typed object. Nothing else calls `core.getInput`.
 */
import * as core from "@actions/core";
import { CHALLENGE_IDS, LOGIN_PATTERN, type ChallengeId } from "../../record/run-record.ts";

export const MODES = ["evaluate", "publish", "command", "rescore-matrix", "rescore-shard", "scope"] as const;
export type Mode = (typeof MODES)[number];

/** A wrong input: names the input and the bad value. */
export class ConfigError extends Error {
  constructor(input: string, value: string, why: string) {
    super(`input "${input}": ${JSON.stringify(value)} ${why}`);
    this.name = "ConfigError";
  }
}

export interface ActionConfig {
  readonly mode: Mode;
  readonly githubToken: string;
  /** `owner/repo` of the competition repository. */
  readonly owner: string;
  readonly repo: string;
  /** Checkout of the default branch (or of the PR head in evaluate). */
  readonly workspace: string;
  readonly eventName: string;
  readonly eventPath: string;
  /** evaluate: challenge override (dispatch from `/challenge`); null = the entry's own choice. */
  readonly challenge: ChallengeId | null;
  readonly scale: number;
  /** evaluate (dispatch, rescore): the entry to run; null = derived from the PR. */
  readonly login: string | null;
  /** evaluate (dispatch, rescore): the commit checked out; null = from the event or the PR. */
  readonly headSha: string | null;
  readonly resultsBranch: string;
  /** Where evaluate writes and publish reads the artifact files. */
  readonly artifactDir: string;
  /** Public URL of the Pages site (for the link in the PR comment); null = no link. */
  readonly siteUrl: string | null;
  /** command: the evaluate workflow file that `/challenge` dispatches. */
  readonly evaluateWorkflow: string;
  /** This workflow run (provenance). */
  readonly runId: number | null;
  readonly runAttempt: number | null;
  readonly serverUrl: string;
}

export type InputReader = (name: string) => string;

const BRANCH = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/;
const WORKFLOW_FILE = /^[A-Za-z0-9._-]+\.ya?ml$/;

function oneOf<T extends string>(input: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigError(input, value, `is not one of ${allowed.join(", ")}`);
}

function positiveInt(input: string, value: string): number | null {
  if (value === "") return null;
  if (!/^[1-9]\d{0,9}$/.test(value)) throw new ConfigError(input, value, "is not a positive integer");
  return Number(value);
}

/**
 * Reads and checks every input. `read` defaults to `core.getInput` (trimmed); `env` to process.env
 * (GITHUB_REPOSITORY, GITHUB_WORKSPACE, GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_RUN_ID, …).
 */
export function readConfig(
  read: InputReader = (n) => core.getInput(n),
  env: NodeJS.ProcessEnv = process.env,
): ActionConfig {
  const get = (n: string) => read(n).trim();
  const mode = oneOf("mode", get("mode"), MODES);
  const githubToken = get("github-token");
  if (!githubToken) throw new ConfigError("github-token", "", "is empty (pass ${{ github.token }})");

  const challengeRaw = get("challenge");
  const challenge = challengeRaw === "" ? null : oneOf("challenge", challengeRaw, CHALLENGE_IDS);

  const scaleRaw = get("scale") || "1";
  const scale = Number(scaleRaw);
  if (!/^\d+(\.\d+)?$/.test(scaleRaw) || !(scale > 0 && scale <= 10)) {
    throw new ConfigError("scale", scaleRaw, "is not a number in (0, 10]");
  }

  const loginRaw = get("login");
  if (loginRaw !== "" && !LOGIN_PATTERN.test(loginRaw)) {
    throw new ConfigError("login", loginRaw, "is not a GitHub login");
  }

  const resultsBranch = get("results-branch") || "results";
  if (!BRANCH.test(resultsBranch) || resultsBranch.includes("..")) {
    throw new ConfigError("results-branch", resultsBranch, "is not a plain branch name");
  }
  const evaluateWorkflow = get("evaluate-workflow") || "evaluate.yml";
  if (!WORKFLOW_FILE.test(evaluateWorkflow)) {
    throw new ConfigError(
      "evaluate-workflow",
      evaluateWorkflow,
      "is not a workflow file name like evaluate.yml",
    );
  }
  const siteUrlRaw = get("site-url");
  if (siteUrlRaw !== "" && !/^https:\/\/[A-Za-z0-9.-]+(?::\d+)?(\/[A-Za-z0-9._~\-/]*)?$/.test(siteUrlRaw)) {
    throw new ConfigError("site-url", siteUrlRaw, "is not a plain https URL");
  }

  const headShaRaw = get("head-sha");
  if (headShaRaw !== "" && !/^[0-9a-f]{40}$/.test(headShaRaw)) {
    throw new ConfigError("head-sha", headShaRaw, "is not a 40-hex commit SHA");
  }
  const headSha = headShaRaw || null;

  const repository = env.GITHUB_REPOSITORY ?? "";
  const [owner, repo, extra] = repository.split("/");
  if (!owner || !repo || extra !== undefined) {
    throw new ConfigError("GITHUB_REPOSITORY", repository, "is not owner/repo");
  }
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  return Object.freeze({
    mode,
    githubToken,
    owner,
    repo,
    workspace,
    eventName: env.GITHUB_EVENT_NAME ?? "",
    eventPath: env.GITHUB_EVENT_PATH ?? "",
    challenge,
    scale,
    login: loginRaw || null,
    headSha,
    resultsBranch,
    artifactDir: get("artifact-dir") || "sre-chaos-artifact",
    siteUrl: siteUrlRaw ? siteUrlRaw.replace(/\/?$/, "/") : null,
    evaluateWorkflow,
    runId: positiveInt("GITHUB_RUN_ID", env.GITHUB_RUN_ID ?? ""),
    runAttempt: positiveInt("GITHUB_RUN_ATTEMPT", env.GITHUB_RUN_ATTEMPT ?? ""),
    serverUrl: env.GITHUB_SERVER_URL || "https://github.com",
  });
}
