/**
 * Shared set-up for end-to-end tests: a throwaway project root whose platform folders link to this
 * checkout and whose contributors/ folder is its own, so tests add entries without touching the repo.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import type { ChallengeId, RunRecord } from "../../record/run-record.ts";
import { readRecordedReference } from "../../harness/recorded-reference.ts";

export const REPO = resolve(import.meta.dirname, "..", "..");

const LINKED = [
  "package.json",
  "docker-compose.yml",
  "harness",
  "loadgen",
  "services",
  "scoring",
  "templates",
  "record",
  "node_modules",
];

export interface TempRoot {
  root: string;
  /** Copies a fixture entry from test/fixtures/entries/<name> to contributors/<login>. */
  addFixture(name: string, login: string): void;
  cleanup(): void;
}

export function tempRoot(): TempRoot {
  const root = mkdtempSync(join(tmpdir(), "sre-chaos-e2e-"));
  for (const name of LINKED) symlinkSync(join(REPO, name), join(root, name));
  mkdirSync(join(root, "contributors"));
  return {
    root,
    addFixture(name, login) {
      cpSync(join(REPO, "test", "fixtures", "entries", name), join(root, "contributors", login), {
        recursive: true,
      });
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Runs the CLI as a user would, against `root`. */
export function cli(root: string, args: string[], timeoutMs = 600_000) {
  const r = spawnSync(process.execPath, [join(REPO, "bin", "sre-chaos.mjs"), ...args], {
    cwd: root,
    env: { ...process.env, SRE_CHAOS_ROOT: root },
    encoding: "utf8",
    timeout: timeoutMs,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Containers (any state) still present for the Compose project of one run. */
export function leftoverContainers(runId: string): string[] {
  const project = `srechaos-${runId.toLowerCase()}`;
  const r = spawnSync(
    "docker",
    ["ps", "-a", "-q", "--filter", `label=com.docker.compose.project=${project}`],
    {
      encoding: "utf8",
    },
  );
  if (r.status !== 0) throw new Error(`docker ps failed: ${r.stderr}`);
  return r.stdout.split("\n").filter(Boolean);
}

/** Compose projects of sre-chaos runs still present (containers of any state). */
export function leftoverProjects(): string[] {
  const r = spawnSync(
    "docker",
    [
      "ps",
      "-a",
      "--filter",
      "label=com.docker.compose.project",
      "--format",
      '{{.Label "com.docker.compose.project"}}',
    ],
    {
      encoding: "utf8",
    },
  );
  return [...new Set(r.stdout.split("\n").filter((p) => p.startsWith("srechaos-")))];
}

/** Whether the per-run tag of an entry image is still present (the harness removes it after a run). */
export function entryImageTagExists(login: string, runId: string): boolean {
  const ref = `sre-chaos-entry/${login.toLowerCase()}:${runId.toLowerCase()}`;
  return spawnSync("docker", ["image", "inspect", ref], { encoding: "utf8" }).status === 0;
}

/**
 * One measured reference per challenge for a test file's runs: the file's first run of a challenge
 * measures url-anvil, its later runs of that challenge reuse those figures (the test-only recorded
 * reference, harness/recorded-reference.ts; never published). Entries compared within one file are
 * then normalized by the same reference, so their order shows the entries and not the reference's
 * run-to-run noise, and each later run spends no time on the reference. A first run whose record
 * cannot serve (readRecordedReference refuses it) is not kept: the next run measures again.
 */
export class SharedReference {
  private readonly measured = new Map<ChallengeId, { runJson: string; runId: string }>();

  /** The `recordedReference` option for a run of `challenge` (undefined: measure it). */
  for(challenge: ChallengeId): string | undefined {
    return this.measured.get(challenge)?.runJson;
  }

  /** The run whose reference later runs of `challenge` reuse (undefined: none kept yet). */
  from(challenge: ChallengeId): string | undefined {
    return this.measured.get(challenge)?.runId;
  }

  /** Keeps `runJson` (the run.json `record` was written to) for later runs of its challenge. */
  keep(record: RunRecord, runJson: string): void {
    if (this.measured.has(record.challenge)) return;
    try {
      // The harness's own rule for a record that can serve, so the two never disagree.
      readRecordedReference(runJson, record.challenge, record.provenance.scale);
    } catch {
      return;
    }
    this.measured.set(record.challenge, { runJson, runId: record.runId });
  }
}
