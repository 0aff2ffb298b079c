import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { git, headCommit } from "../../../harness/git.ts";

test("headCommit reads a real repository's HEAD; a folder without one is an error naming git", async () => {
  const dir = await mkdtemp(join(tmpdir(), "git-home-"));
  try {
    await assert.rejects(headCommit(dir), /^Error: git rev-parse failed: /);
    await git(dir, ["init", "--quiet"]);
    await writeFile(join(dir, "a"), "a");
    await git(dir, ["add", "a"]);
    const who = {
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@t",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@t",
    };
    await git(dir, ["commit", "--quiet", "-m", "one"], who);
    const sha = await headCommit(dir);
    assert.match(sha, /^[0-9a-f]{40}$/);
    assert.equal((await git(dir, ["log", "--format=%H %s"])).trim(), `${sha} one`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
