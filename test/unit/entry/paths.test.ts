import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { entryDir, PLATFORM_ROOT, repoRoot } from "../../../harness/entry/paths.ts";

test("repoRoot: env first, then the nearest project folder above cwd, else cwd", async () => {
  const base = await mkdtemp(join(tmpdir(), "paths-"));
  try {
    const project = join(base, "proj");
    const deep = join(project, "contributors", "alice", "html");
    await mkdir(deep, { recursive: true });
    await writeFile(join(project, "package.json"), JSON.stringify({ name: "sre-chaos-challenge" }));
    const other = join(base, "other");
    await mkdir(join(other, "contributors"), { recursive: true });
    await writeFile(join(other, "package.json"), JSON.stringify({ name: "something-else" }));

    const cases: { case: string; input: { cwd: string; env: NodeJS.ProcessEnv }; expected: string }[] = [
      { case: "env wins", input: { cwd: deep, env: { SRE_CHAOS_ROOT: other } }, expected: other },
      { case: "walks up from a subfolder", input: { cwd: deep, env: {} }, expected: project },
      { case: "at the root itself", input: { cwd: project, env: {} }, expected: project },
      {
        case: "another package is not the project",
        input: { cwd: join(other, "contributors"), env: {} },
        expected: join(other, "contributors"),
      },
      { case: "nothing found: cwd", input: { cwd: base, env: {} }, expected: base },
    ];
    for (const t of cases) assert.equal(repoRoot(t.input.cwd, t.input.env), t.expected, t.case);
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});

test("entryDir is contributors/<login> under the root", () => {
  assert.equal(entryDir("/r", "alice"), join("/r", "contributors", "alice"));
});

test("PLATFORM_ROOT is this checkout, whatever the working directory", () => {
  const here = fileURLToPath(new URL("../../../", import.meta.url)).replace(/\/$/, "");
  assert.equal(PLATFORM_ROOT, here);
  assert.equal(repoRoot(here, {}), PLATFORM_ROOT);
});
