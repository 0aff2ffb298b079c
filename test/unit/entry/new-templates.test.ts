/** `sre-chaos new --template`: every template makes a valid entry; an unknown one is refused. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cp, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TEMPLATES } from "../../../harness/entry/paths.ts";
import { readEntryConfig } from "../../../harness/entry/entry-config.ts";
import { command as newCommand } from "../../../cli/commands/new.ts";
import { UsageError, type Io } from "../../../cli/io.ts";

const REPO = join(import.meta.dirname, "../../..");

function recordingIo(): Io & { outLines: string[]; errLines: string[] } {
  const outLines: string[] = [];
  const errLines: string[] = [];
  return {
    outLines,
    errLines,
    tty: false,
    out: (l) => void outLines.push(l),
    err: (l) => void errLines.push(l),
  };
}

async function withRoot(fn: (root: string) => Promise<void>) {
  const root = await mkdtemp(join(tmpdir(), "new-template-"));
  try {
    await cp(join(REPO, "templates"), join(root, "templates"), { recursive: true });
    await mkdir(join(root, "contributors"));
    await fn(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

for (const template of TEMPLATES) {
  test(`new --template ${template}: a valid entry from templates/${template}`, () =>
    withRoot(async (root) => {
      const io = recordingIo();
      const code = await newCommand(
        ["demo", "--template", template, "--challenge", "longest-upkeep"],
        io,
        root,
      );
      assert.equal(code, 0, io.errLines.join("\n") + io.outLines.join("\n"));
      assert.equal(io.outLines[0], `created contributors/demo/ from templates/${template}`);
      const cfg = await readEntryConfig(join(root, "contributors", "demo"));
      assert.equal(cfg.challenge, "longest-upkeep");
      assert.match(cfg.description ?? "", /^demo's entry: /);
      const dockerfile = await readFile(join(root, "contributors", "demo", "Dockerfile"), "utf8");
      assert.equal(dockerfile, await readFile(join(REPO, "templates", template, "Dockerfile"), "utf8"));
    }));
}

test("new without --template copies nginx", () =>
  withRoot(async (root) => {
    const io = recordingIo();
    assert.equal(await newCommand(["demo"], io, root), 0);
    assert.equal(io.outLines[0], "created contributors/demo/ from templates/nginx");
  }));

test("new --template with an unknown name is a usage error listing the templates", () =>
  withRoot(async (root) => {
    await assert.rejects(
      newCommand(["demo", "--template", "rust"], recordingIo(), root),
      (e: Error) =>
        e instanceof UsageError && /unknown template "rust"; valid: nginx, node, go, python/.test(e.message),
    );
  }));
