/**
 * Starts the bundled action (`node action/dist/index.js`) the way the Actions runner starts a
 * `node24` action: a fresh process whose environment holds the runner's GITHUB_* and RUNNER_*
 * variables and one `INPUT_<NAME>` per declared input (defaults from action.yml, `${{ github.token }}`
 * evaluated), the event payload in a file named by GITHUB_EVENT_PATH, and files for GITHUB_OUTPUT
 * and GITHUB_STEP_SUMMARY. The API and the results remote are a fake on 127.0.0.1 (fake-api.ts).
 */
import { execFile, execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { startFakeApi, type FakeApi, type FakeState } from "./fake-api.ts";

export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const BUNDLE = path.join(REPO_ROOT, "action", "dist", "index.js");
const ACTION_YML = parse(readFileSync(path.join(REPO_ROOT, "action", "action.yml"), "utf8")) as {
  inputs: Record<string, { default?: string }>;
};

/** The runner's name for an input's variable: spaces become `_`, upper case; hyphens stay. */
export const inputVariable = (name: string) => `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;

export interface Launch {
  inputs: Record<string, string>;
  eventName: string;
  event: unknown;
  /** GITHUB_WORKSPACE; a fresh empty directory when absent. */
  workspace?: string;
  /** Variables to set (a string) or remove (undefined) after the runner's own. */
  env?: Record<string, string | undefined>;
}

export interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The `::error::` messages (core.setFailed), decoded. */
  errors: string[];
  outputs: Record<string, string>;
  summary: string;
  workspace: string;
}

function git(args: string[], cwd?: string): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** GITHUB_OUTPUT's `name<<delimiter` blocks. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1]!] = m[3]!;
  return out;
}

const decode = (s: string) => s.replace(/%0A/g, "\n").replace(/%0D/g, "\r").replace(/%25/g, "%");

/** A commit-holding workspace: this repository's challenge files plus `files`, committed once. */
export function makeWorkspace(
  dir: string,
  files: Record<string, string> = {},
): { dir: string; head: string } {
  mkdirSync(dir, { recursive: true });
  cpSync(path.join(REPO_ROOT, "scoring", "challenges"), path.join(dir, "scoring", "challenges"), {
    recursive: true,
  });
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), text);
  }
  git(["init", "--quiet", "-b", "main"], dir);
  git(["add", "."], dir);
  git(["-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "base"], dir);
  return { dir, head: git(["rev-parse", "HEAD"], dir).trim() };
}

/** One table row's world: the fake API, the bare results remote behind it, a runner's temp dirs. */
export class Runner {
  readonly token = `ghs_${Math.random().toString(36).slice(2)}FAKE`;
  readonly root = mkdtempSync(path.join(tmpdir(), "blackbox-"));
  readonly bare: string;
  readonly runnerTemp = path.join(this.root, "runner-temp");
  fake!: FakeApi;

  constructor(readonly repository: string) {
    this.bare = path.join(this.root, "git", `${repository}.git`);
    mkdirSync(this.bare, { recursive: true });
    git(["init", "--quiet", "--bare", this.bare]);
    mkdirSync(this.runnerTemp);
  }

  async start(state: Partial<FakeState>): Promise<this> {
    this.fake = await startFakeApi(
      this.repository,
      { root: path.join(this.root, "git"), token: this.token },
      state,
    );
    return this;
  }

  /** Commits files onto the results branch directly (not through the action). */
  seed(files: Record<string, string>): void {
    const dir = mkdtempSync(path.join(this.root, "seed-"));
    git(["init", "--quiet", "-b", "results"], dir);
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
      writeFileSync(path.join(dir, p), text);
    }
    git(["add", "."], dir);
    git(["-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "seed"], dir);
    git(["push", "--quiet", this.bare, "results"], dir);
  }

  show(file: string): string | null {
    try {
      return git(["show", `results:${file}`], this.bare);
    } catch {
      return null;
    }
  }
  files(): string[] {
    try {
      return git(["ls-tree", "-r", "--name-only", "results"], this.bare).split("\n").filter(Boolean).sort();
    } catch {
      return [];
    }
  }
  commits(): number {
    try {
      return Number(git(["rev-list", "--count", "results"], this.bare));
    } catch {
      return 0;
    }
  }

  async run(l: Launch): Promise<Outcome> {
    const n = mkdtempSync(path.join(this.root, "job-"));
    const workspace = l.workspace ?? path.join(n, "workspace");
    mkdirSync(workspace, { recursive: true });
    const file = (name: string, text = "") => {
      writeFileSync(path.join(n, name), text);
      return path.join(n, name);
    };
    const [owner] = this.repository.split("/");
    const inputs: Record<string, string> = {};
    for (const [name, spec] of Object.entries(ACTION_YML.inputs)) {
      inputs[inputVariable(name)] = (spec.default ?? "").replace("${{ github.token }}", this.token);
    }
    for (const [name, value] of Object.entries(l.inputs)) inputs[inputVariable(name)] = value;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: path.join(n, "home"),
      CI: "true",
      GITHUB_ACTIONS: "true",
      GITHUB_EVENT_NAME: l.eventName,
      GITHUB_EVENT_PATH: file("event.json", JSON.stringify(l.event)),
      GITHUB_REPOSITORY: this.repository,
      GITHUB_REPOSITORY_OWNER: owner,
      GITHUB_SHA: "0".repeat(40),
      GITHUB_REF: "refs/heads/main",
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: file("output"),
      GITHUB_STEP_SUMMARY: file("summary"),
      GITHUB_STATE: file("state"),
      GITHUB_ENV: file("env"),
      GITHUB_PATH: file("path"),
      GITHUB_API_URL: this.fake.url,
      GITHUB_SERVER_URL: this.fake.url,
      GITHUB_GRAPHQL_URL: `${this.fake.url}/graphql`,
      GITHUB_RUN_ID: "777001",
      GITHUB_RUN_ATTEMPT: "1",
      GITHUB_ACTOR: "github-actions",
      GITHUB_WORKFLOW: "blackbox",
      GITHUB_JOB: "job",
      RUNNER_TEMP: this.runnerTemp,
      RUNNER_OS: "Linux",
      RUNNER_ARCH: "X64",
      ...inputs,
      ...l.env,
    };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
    mkdirSync(env.HOME!, { recursive: true });
    const { status, stdout, stderr } = await new Promise<{
      status: number | null;
      stdout: string;
      stderr: string;
    }>((resolve) => {
      execFile(
        process.execPath,
        [BUNDLE],
        // A guard against a hung action only: generous, since a loaded 2-core machine is slow.
        { cwd: workspace, env, timeout: 300_000, maxBuffer: 32 << 20 },
        (err, stdout, stderr) =>
          resolve({ status: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
    });
    return {
      status,
      stdout,
      stderr,
      errors: stdout
        .split("\n")
        .filter((x) => x.startsWith("::error::"))
        .map((x) => decode(x.slice("::error::".length))),
      outputs: parseOutputs(readFileSync(env.GITHUB_OUTPUT!, "utf8")),
      summary: readFileSync(env.GITHUB_STEP_SUMMARY!, "utf8"),
      workspace,
    };
  }

  async close(): Promise<void> {
    await this.fake?.close();
    rmSync(this.root, { recursive: true, force: true });
  }
}
