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

/** `value` when it is empty or `ok` holds for it; otherwise a ConfigError saying `why`. */
function checked(input: string, value: string, ok: (v: string) => boolean, why: string): string {
  if (value !== "" && !ok(value)) throw new ConfigError(input, value, why);
  return value;
}

const SCALE = /^\d+(\.\d+)?$/;
const SITE_URL = /^https:\/\/[A-Za-z0-9.-]+(?::\d+)?(\/[A-Za-z0-9._~\-/]*)?$/;
const HEAD_SHA = /^[0-9a-f]{40}$/;

/** The `scale` input (default 1): a number in (0, 10]. */
function scaleOf(raw: string): number {
  const scale = Number(raw);
  if (!SCALE.test(raw) || !(scale > 0 && scale <= 10)) {
    throw new ConfigError("scale", raw, "is not a number in (0, 10]");
  }
  return scale;
}

/** `owner` and `repo` of GITHUB_REPOSITORY, which must be exactly `owner/repo`. */
function repositoryOf(repository: string): { owner: string; repo: string } {
  const [owner, repo, extra] = repository.split("/");
  if (!owner || !repo || extra !== undefined) {
    throw new ConfigError("GITHUB_REPOSITORY", repository, "is not owner/repo");
  }
  return { owner, repo };
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
  const scale = scaleOf(get("scale") || "1");
  const login = checked("login", get("login"), (v) => LOGIN_PATTERN.test(v), "is not a GitHub login");
  const resultsBranch = checked(
    "results-branch",
    get("results-branch") || "results",
    (v) => BRANCH.test(v) && !v.includes(".."),
    "is not a plain branch name",
  );
  const evaluateWorkflow = checked(
    "evaluate-workflow",
    get("evaluate-workflow") || "evaluate.yml",
    (v) => WORKFLOW_FILE.test(v),
    "is not a workflow file name like evaluate.yml",
  );
  const siteUrl = checked("site-url", get("site-url"), (v) => SITE_URL.test(v), "is not a plain https URL");
  const headSha = checked("head-sha", get("head-sha"), (v) => HEAD_SHA.test(v), "is not a 40-hex commit SHA");
  const { owner, repo } = repositoryOf(env.GITHUB_REPOSITORY ?? "");
  return Object.freeze({
    mode,
    githubToken,
    owner,
    repo,
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    eventName: env.GITHUB_EVENT_NAME ?? "",
    eventPath: env.GITHUB_EVENT_PATH ?? "",
    challenge,
    scale,
    login: login || null,
    headSha: headSha || null,
    resultsBranch,
    artifactDir: get("artifact-dir") || "sre-chaos-artifact",
    siteUrl: siteUrl ? siteUrl.replace(/\/?$/, "/") : null,
    evaluateWorkflow,
    runId: positiveInt("GITHUB_RUN_ID", env.GITHUB_RUN_ID ?? ""),
    runAttempt: positiveInt("GITHUB_RUN_ATTEMPT", env.GITHUB_RUN_ATTEMPT ?? ""),
    serverUrl: env.GITHUB_SERVER_URL || "https://github.com",
  });
}
