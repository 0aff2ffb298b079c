import { test } from "node:test";
import assert from "node:assert/strict";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEntry, NewEntryError } from "../../../harness/entry/new-entry.ts";
import { readEntryConfig } from "../../../harness/entry/entry-config.ts";
import { validateEntry } from "../../../harness/entry/validate.ts";
import { command as newCommand } from "../../../cli/commands/new.ts";
import { command as validateCommand } from "../../../cli/commands/validate.ts";
import { UsageError, type Io } from "../../../cli/io.ts";

const REPO = join(import.meta.dirname, "../../..");

/** An Io that records every line, for asserting on what a command printed. */
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

/** A temp root holding the template and an empty contributors/ folder. */
async function withRoot(fn: (root: string) => Promise<void>) {
  const root = await mkdtemp(join(tmpdir(), "new-entry-"));
  try {
    await cp(join(REPO, "templates"), join(root, "templates"), { recursive: true });
    await mkdir(join(root, "contributors"));
    await fn(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

test("createEntry makes a valid entry with the login's description and the chosen challenge", () =>
  withRoot(async (root) => {
    const r = await createEntry({ root, login: "demo", challenge: "longest-upkeep" });
    assert.equal(r.folder, "contributors/demo");
    assert.deepEqual(r.report, { violations: [], warnings: [] });
    const cfg = await readEntryConfig(join(root, "contributors", "demo"));
    assert.equal(cfg.challenge, "longest-upkeep");
    assert.match(cfg.description ?? "", /^demo's entry/);
    assert.equal(cfg.restart, "always");
    assert.deepEqual(await validateEntry(root, "demo"), []);
  }));

const refusals: {
  case: string;
  input: { login: string; force?: boolean; existing?: string };
  expected: RegExp;
}[] = [
  { case: "folder exists", input: { login: "demo", existing: "demo" }, expected: /already exists.*--force/ },
  {
    case: "same login in other capitals",
    input: { login: "demo", existing: "Demo", force: true },
    expected: /different capitals/,
  },
  { case: "leading hyphen", input: { login: "-bad" }, expected: /login-format/ },
  { case: "double hyphen", input: { login: "a--b" }, expected: /login-format/ },
  { case: "40 characters", input: { login: "a".repeat(40) }, expected: /login-format/ },
  { case: "path traversal", input: { login: "../x" }, expected: /login-format/ },
];
for (const t of refusals) {
  test(`createEntry refuses: ${t.case}`, () =>
    withRoot(async (root) => {
      if (t.input.existing) {
        await mkdir(join(root, "contributors", t.input.existing));
        await writeFile(join(root, "contributors", t.input.existing, "keep"), "mine");
      }
      await assert.rejects(createEntry({ root, login: t.input.login, force: t.input.force }), (e: Error) => {
        assert.ok(e instanceof NewEntryError);
        assert.match(e.message, t.expected);
        return true;
      });
      if (t.input.existing) {
        assert.equal(await readFile(join(root, "contributors", t.input.existing, "keep"), "utf8"), "mine");
      }
    }));
}

test("createEntry --force replaces an existing folder", () =>
  withRoot(async (root) => {
    await mkdir(join(root, "contributors", "demo"));
    await writeFile(join(root, "contributors", "demo", "junk"), "x");
    await createEntry({ root, login: "demo", force: true });
    await assert.rejects(readFile(join(root, "contributors", "demo", "junk")));
    assert.deepEqual(await validateEntry(root, "demo"), []);
  }));

test("sre-chaos new prints the folder and next steps; a second call refuses", () =>
  withRoot(async (root) => {
    const io = recordingIo();
    assert.equal(await newCommand(["demo"], io, root), 0);
    assert.deepEqual(io.errLines, []);
    assert.ok(
      io.outLines.includes("created contributors/demo/ from templates/nginx"),
      io.outLines.join("\n"),
    );
    assert.ok(io.outLines.includes("ok: contributors/demo passes every rule"));
    assert.ok(io.outLines.includes("  npx sre-chaos run demo"));
    const again = recordingIo();
    assert.equal(await newCommand(["demo"], again, root), 1);
    assert.match(again.errLines.join("\n"), /already exists/);
  }));

test("sre-chaos new: usage errors", () =>
  withRoot(async (root) => {
    await assert.rejects(newCommand([], recordingIo(), root), UsageError);
    await assert.rejects(newCommand(["a", "b"], recordingIo(), root), UsageError);
    await assert.rejects(newCommand(["a", "--challenge", "nope"], recordingIo(), root), /valid ids/);
    await assert.rejects(newCommand(["a", "--bogus"], recordingIo(), root), UsageError);
  }));

test("sre-chaos validate: ok line and exit 0 on a valid entry", () =>
  withRoot(async (root) => {
    await createEntry({ root, login: "demo" });
    const io = recordingIo();
    assert.equal(await validateCommand(["demo"], io, root), 0);
    assert.deepEqual(io.outLines, ["ok: contributors/demo passes every rule"]);
    assert.deepEqual(io.errLines, []);
  }));

test("sre-chaos validate: one line per violation, warnings prefixed, exit 1", () =>
  withRoot(async (root) => {
    await createEntry({ root, login: "demo" });
    const dir = join(root, "contributors", "demo");
    await writeFile(join(dir, "entry.yml"), "challenge: robust-service\nprivileged: true\n");
    await writeFile(join(dir, "compose.yml"), "services: {}\n");
    const io = recordingIo();
    assert.equal(await validateCommand(["demo"], io, root), 1);
    assert.deepEqual(io.outLines, [
      "warning: contributors/demo/compose.yml: [ignored-files] ignored: the platform generates the entry's compose service itself (docs/ENTRY.md)",
    ]);
    assert.equal(io.errLines.length, 2);
    assert.match(
      io.errLines[0]!,
      /^contributors\/demo\/entry\.yml: \[entry-yml-unknown-key\] line 2: unknown key "privileged"/,
    );
    assert.match(io.errLines[1]!, /breaks 1 rule/);
  }));

test("sre-chaos validate: an invalid login", () =>
  withRoot(async (root) => {
    const io = recordingIo();
    assert.equal(await validateCommand(["a--b"], io, root), 1);
    assert.match(io.errLines[0]!, /^contributors\/a--b: \[login-format\] /);
  }));
