/**
 * The workflows' security rules (docs/SECURITY.md), checked three ways: actionlint (no findings),
 * zizmor offline at medium severity or above (no findings), and our own table of rules
 * that neither linter enforces as strictly (pins with a version comment, timeouts, top-level
 * `permissions: {}`, no expressions in `run:`, the publisher never checking out PR code).
 * The linters come from tools/install-lint-tools.sh (idempotent; builds them on first use).
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { REPO } from "./helpers.ts";

const WORKFLOWS = join(REPO, ".github", "workflows");
const files = readdirSync(WORKFLOWS)
  .filter((f) => f.endsWith(".yml"))
  .sort();

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  permissions?: unknown;
  "timeout-minutes"?: number;
  steps?: Step[];
  uses?: string;
  concurrency?: { group?: string; "cancel-in-progress"?: boolean };
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: unknown;
  concurrency?: { group?: string; "cancel-in-progress"?: boolean };
  jobs: Record<string, Job>;
}

const load = (f: string) => parse(readFileSync(join(WORKFLOWS, f), "utf8")) as Workflow;
const text = (f: string) => readFileSync(join(WORKFLOWS, f), "utf8");

let bin = "";
function tool(name: string, args: string[], cwd = REPO) {
  return spawnSync(join(bin, name), args, { cwd, encoding: "utf8", timeout: 120_000 });
}

before(() => {
  const r = spawnSync("bash", [join(REPO, "tools", "install-lint-tools.sh")], {
    cwd: REPO,
    encoding: "utf8",
    timeout: 1_800_000,
  });
  assert.equal(r.status, 0, `install-lint-tools.sh failed:\n${r.stderr}`);
  bin = r.stdout.trim().split("\n").at(-1) ?? "";
});

describe("workflow linters", () => {
  it("actionlint reports nothing", () => {
    const r = tool("actionlint", ["-no-color", ...files.map((f) => join(".github", "workflows", f))]);
    assert.equal(r.stdout + r.stderr, "");
    assert.equal(r.status, 0);
  });

  it("zizmor (offline) reports nothing at medium severity or above", () => {
    const r = tool("zizmor", ["--offline", "--no-progress", "--min-severity", "medium", ".github/workflows"]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /No findings to report/);
  });

  describe("the linters do catch a hostile change", () => {
    let dir = "";
    before(() => {
      dir = mkdtempSync(join(tmpdir(), "workflow-lint-"));
      cpSync(WORKFLOWS, join(dir, ".github", "workflows"), { recursive: true });
      // An expression of comment text inside run: is a classic script injection.
      const bad = text("command.yml").replace(
        "      - name: Handle the command\n",
        '      - name: Echo\n        run: echo "${{ github.event.comment.body }}"\n      - name: Handle the command\n',
      );
      assert.notEqual(bad, text("command.yml"));
      writeFileSync(join(dir, ".github", "workflows", "command.yml"), bad);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("zizmor flags template injection", () => {
      const r = tool(
        "zizmor",
        ["--offline", "--no-progress", "--min-severity", "medium", ".github/workflows"],
        dir,
      );
      assert.notEqual(r.status, 0);
      assert.match(r.stdout, /template-injection/);
    });

    it("actionlint flags the untrusted expression", () => {
      const r = tool("actionlint", ["-no-color", ".github/workflows/command.yml"], dir);
      assert.notEqual(r.status, 0);
      assert.match(r.stdout, /potentially untrusted/);
    });
  });
});

describe("workflow rules", () => {
  for (const f of files) {
    describe(f, () => {
      const wf = load(f);
      it("has top-level permissions: {}", () => {
        assert.deepEqual(wf.permissions, {});
      });
      for (const [name, job] of Object.entries(wf.jobs)) {
        it(`job ${name}: least permissions declared, and a timeout when it has steps`, () => {
          assert.ok(job.permissions && typeof job.permissions === "object", "job permissions missing");
          assert.notEqual(job.permissions, "write-all");
          // A called workflow may take its timeout from its caller (rescore-shard.yml: the plan's).
          const t = job["timeout-minutes"] as unknown;
          const fromCaller = typeof t === "string" && /^\$\{\{ inputs\.[\w-]+ \}\}$/.test(t);
          if (job.steps) assert.ok(fromCaller || (Number(t) || 0) > 0, "timeout-minutes missing");
        });
        for (const [i, step] of (job.steps ?? []).entries()) {
          if (step.uses && !step.uses.startsWith("./")) {
            it(`job ${name} step ${i}: ${step.uses} pinned by full SHA with a version comment`, () => {
              assert.match(step.uses ?? "", /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
              const line = text(f)
                .split("\n")
                .find((l) => l.includes(`uses: ${step.uses}`));
              assert.match(line ?? "", /# v\d+\.\d+\.\d+$/);
            });
          }
          if (step.uses?.startsWith("actions/checkout@")) {
            it(`job ${name} step ${i}: checkout does not persist credentials`, () => {
              assert.equal(step.with?.["persist-credentials"], false);
            });
          }
          if (step.run) {
            it(`job ${name} step ${i}: no expression inside run:`, () => {
              assert.doesNotMatch(step.run ?? "", /\$\{\{/);
            });
          }
        }
      }
    });
  }

  const group = (wf: Workflow, job: Job) => job.concurrency ?? wf.concurrency;
  // Results writers are in no group shared with another writer: GitHub keeps one pending run
  // per group and cancels the older pending one, which would drop a publish (docs/OPERATIONS.md).
  const cases: [string, string, string | null, boolean][] = [
    ["evaluate.yml", "evaluate", "evaluate-", true],
    ["publish.yml", "publish", null, false],
    ["command.yml", "challenge", null, false],
    ["rescore.yml", "publish", "sre-chaos-rescore", false],
  ];
  for (const [f, jobName, prefix, cancel] of cases) {
    it(`${f} ${jobName}: concurrency ${prefix ?? "none"}${prefix ? `… cancel-in-progress ${cancel}` : ""}`, () => {
      const wf = load(f);
      const job = wf.jobs[jobName];
      assert.ok(job);
      const c = group(wf, job);
      if (prefix === null) {
        assert.equal(c, undefined, `group ${c?.group}`);
        return;
      }
      assert.ok(c?.group?.startsWith(prefix), `group ${c?.group}`);
      assert.equal(c?.["cancel-in-progress"], cancel);
    });
  }

  it("evaluate has a read-only token and no secrets", () => {
    const wf = load("evaluate.yml");
    const perms = wf.jobs["evaluate"]?.permissions as Record<string, string>;
    assert.deepEqual(
      Object.values(perms),
      Object.values(perms).map(() => "read"),
      "only read permissions",
    );
    assert.deepEqual(Object.keys(perms).sort(), ["contents", "pull-requests"]);
    assert.doesNotMatch(text("evaluate.yml"), /secrets\./);
  });

  it("publish never checks out PR code and never runs on pull_request", () => {
    const wf = load("publish.yml");
    assert.deepEqual(Object.keys(wf.on), ["workflow_run"]);
    for (const job of Object.values(wf.jobs)) {
      for (const step of job.steps ?? []) {
        if (step.uses?.startsWith("actions/checkout@")) {
          assert.equal(step.with?.["ref"], undefined, "publish checks out only its own (default-branch) SHA");
          assert.equal(step.with?.["repository"], undefined);
        }
      }
    }
    assert.doesNotMatch(text("publish.yml"), /workflow_run\.head_(sha|branch|repository)/);
  });

  it("only the Pages job holds pages/id-token write, in the github-pages environment", () => {
    for (const f of files) {
      for (const [name, job] of Object.entries(load(f).jobs)) {
        const perms = job.permissions as Record<string, string>;
        if (perms["pages"] === "write" || perms["id-token"] === "write") {
          assert.ok(job.uses === "./.github/workflows/pages.yml" || f === "pages.yml", `${f} ${name}`);
        }
      }
    }
    assert.match(text("pages.yml"), /environment:\n\s+name: github-pages/);
  });
});
