import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  publishToResults,
  readResultsTree,
  removeResultsTree,
  validateResultsPath,
  ResultsPushError,
  type ResultsBranchOptions,
} from "../../../action/src/results-branch.ts";

const author = { name: "publisher", email: "publisher@example.invalid" };

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8" });
}

/** Lists the files in the remote branch tip. */
function remoteFiles(bare: string, branch = "results"): string[] {
  return git(bare, "ls-tree", "-r", "--name-only", branch).trim().split("\n").filter(Boolean).sort();
}

function show(bare: string, file: string, branch = "results"): string {
  return git(bare, "show", `${branch}:${file}`);
}

describe("results branch against a real bare repository", () => {
  let root = "";
  let bare = "";
  let n = 0;
  const opts = (extra: Partial<ResultsBranchOptions> = {}): ResultsBranchOptions => ({
    repoDir: path.join(root, `clone-${n++}`),
    remote: bare,
    branch: "results",
    author,
    ...extra,
  });

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), "results-branch-test-"));
    bare = path.join(root, "remote.git");
    git(root, "init", "--quiet", "--bare", bare);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("creates the branch as an orphan with a README on the first write", async () => {
    const res = await publishToResults(
      opts(),
      async () => [{ path: "runs/alice/1.json", content: '{"run":1}\n' }],
      "run 1",
    );
    assert.equal(res.attempts, 1);
    assert.match(res.commit, /^[0-9a-f]{40}$/);
    assert.deepEqual(remoteFiles(bare), ["README.md", "runs/alice/1.json"]);
    assert.equal(git(bare, "rev-list", "--count", "results").trim(), "1");
  });

  it("keeps earlier files on a second write and lets update read them", async () => {
    let seen: string | null = "unset";
    await publishToResults(
      opts(),
      async (read) => {
        seen = await read("runs/alice/1.json");
        return [{ path: "entries/alice.json", content: '{"latest":1}\n' }];
      },
      "entry alice",
    );
    assert.equal(seen, '{"run":1}\n');
    assert.deepEqual(remoteFiles(bare), ["README.md", "entries/alice.json", "runs/alice/1.json"]);
  });

  it("readResultsTree checks out the current tip", async () => {
    const dir = await readResultsTree({ remote: bare, branch: "results" });
    try {
      assert.equal(await readFile(path.join(dir, "entries/alice.json"), "utf8"), '{"latest":1}\n');
      assert.deepEqual(await readdir(path.join(dir, "runs/alice")), ["1.json"]);
    } finally {
      await removeResultsTree(dir);
    }
  });

  it("loses no result when 10 publishers race on the same entry file", async () => {
    const publishers = Array.from({ length: 10 }, (_, i) =>
      publishToResults(
        opts(),
        async (read) => {
          const current = await read("entries/race.json");
          const entry = current
            ? (JSON.parse(current) as { count: number; runs: string[] })
            : { count: 0, runs: [] };
          const runId = `r${i}`;
          return [
            { path: `runs/race/${runId}.json`, content: JSON.stringify({ runId }) + "\n" },
            {
              path: "entries/race.json",
              content: JSON.stringify({ count: entry.count + 1, runs: [...entry.runs, runId] }) + "\n",
            },
          ];
        },
        `race ${i}`,
      ),
    );
    const results = await Promise.all(publishers);
    const attempts = results.map((r) => r.attempts);
    console.log(`10 racing publishers: attempts ${attempts.join(",")} (max ${Math.max(...attempts)})`);
    const files = remoteFiles(bare).filter((f) => f.startsWith("runs/race/"));
    assert.equal(files.length, 10);
    const entry = JSON.parse(show(bare, "entries/race.json")) as { count: number; runs: string[] };
    assert.equal(entry.count, 10);
    assert.deepEqual([...entry.runs].sort(), Array.from({ length: 10 }, (_, i) => `r${i}`).sort());
    // Linear history: every publisher built on the one before (no force-push).
    assert.equal(git(bare, "rev-list", "--merges", "--count", "results").trim(), "0");
  });

  const badPaths: [string, string][] = [
    ["outside runs/entries", "README.md"],
    ["workflow file", ".github/workflows/x.yml"],
    ["parent traversal", "runs/../scoring/x.json"],
    ["absolute", "/runs/a.json"],
    ["dot segment", "runs/./a.json"],
    ["empty segment", "runs//a.json"],
    ["backslash", "runs\\a.json"],
    ["bare top dir", "runs"],
    ["git dir", "entries/.git/config/../x"],
  ];
  for (const [name, p] of badPaths) {
    it(`refuses a path: ${name}`, async () => {
      assert.throws(() => validateResultsPath(p), /refused results path/);
      const before = git(bare, "rev-parse", "results").trim();
      await assert.rejects(
        publishToResults(opts(), async () => [{ path: p, content: "x" }], "bad"),
        /refused results path/,
      );
      assert.equal(git(bare, "rev-parse", "results").trim(), before);
    });
  }

  it("accepts nested paths under runs/ and entries/", () => {
    assert.equal(validateResultsPath("runs/bob/123-1.json"), "runs/bob/123-1.json");
    assert.equal(validateResultsPath("entries/bob.json"), "entries/bob.json");
  });

  it("fails clearly after maxAttempts rejected pushes and leaves the remote untouched by it", async () => {
    // A competitor pushes after every fetch, so each of our pushes is a non-fast-forward.
    const rival = opts();
    let k = 0;
    let calls = 0;
    const err = await publishToResults(
      opts({ maxAttempts: 3, maxBackoffMs: 5 }),
      async () => {
        calls++;
        await publishToResults(
          rival,
          async () => [{ path: `runs/rival/${k++}.json`, content: "{}\n" }],
          "rival",
        );
        return [{ path: "runs/loser/1.json", content: "{}\n" }];
      },
      "loser",
    ).then(
      () => assert.fail("expected a rejection"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ResultsPushError);
    assert.equal(err.attempts, 3);
    assert.equal(calls, 3);
    assert.match(err.message, /rejected after 3 attempts/);
    const files = remoteFiles(bare);
    assert.ok(!files.includes("runs/loser/1.json"));
    assert.equal(files.filter((f) => f.startsWith("runs/rival/")).length, 3);
  });
});
