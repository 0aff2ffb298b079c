import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  cp,
  mkdir,
  mkdtemp,
  rm,
  symlink,
  writeFile,
  appendFile,
  truncate,
  readdir,
  readFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspectEntry, validateEntry, ENTRY_FOLDER_LIMITS } from "../../../harness/entry/validate.ts";

const TEMPLATE = join(import.meta.dirname, "../../../templates/nginx");
const FIXTURES = join(import.meta.dirname, "../../fixtures/entries");

/** A temp repository root with contributors/<login>/ copied from the template, then changed by `setup`. */
async function withEntry<T>(
  login: string,
  setup: (dir: string, root: string) => Promise<unknown>,
  fn: (root: string) => Promise<T>,
) {
  const root = await mkdtemp(join(tmpdir(), "validate-"));
  try {
    const dir = join(root, "contributors", login);
    await mkdir(join(root, "contributors"), { recursive: true });
    await cp(TEMPLATE, dir, { recursive: true });
    await setup(dir, root);
    return await fn(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

type Case = {
  case: string;
  /** The login passed to validateEntry; the folder is created under `folder` (default: the login). */
  input: { login: string; folder?: string; setup: (dir: string, root: string) => Promise<unknown> };
  /** Expected violations as `rule file` pairs (file relative to the root), in order. */
  expected: string[];
};

const none = async () => {};
const entryYml = (text: string) => (dir: string) => writeFile(join(dir, "entry.yml"), text);

const cases: Case[] = [
  { case: "the template passes", input: { login: "alice", setup: none }, expected: [] },
  { case: "UPPER case login is valid", input: { login: "UPPER", setup: none }, expected: [] },
  { case: "39-char login is valid", input: { login: "a".repeat(39), setup: none }, expected: [] },
  {
    case: "symlink pointing outside the folder",
    input: { login: "alice", setup: (dir) => symlink("/etc/passwd", join(dir, "html", "passwd")) },
    expected: ["no-symlinks contributors/alice/html/passwd"],
  },
  {
    case: "symlink inside the folder",
    input: { login: "alice", setup: (dir) => symlink("index.html", join(dir, "html", "copy.html")) },
    expected: ["no-symlinks contributors/alice/html/copy.html"],
  },
  {
    case: "malformed YAML",
    input: { login: "alice", setup: entryYml("challenge: [robust-service\n") },
    expected: ["entry-yml-syntax contributors/alice/entry.yml"],
  },
  {
    case: "unknown key privileged",
    input: { login: "alice", setup: entryYml("challenge: robust-service\nprivileged: true\n") },
    expected: ["entry-yml-unknown-key contributors/alice/entry.yml"],
  },
  {
    case: "unknown challenge",
    input: { login: "alice", setup: entryYml("challenge: fastest\n") },
    expected: ["entry-yml-value contributors/alice/entry.yml"],
  },
  {
    case: "a 30 MiB (sparse) file breaks the per-file and total caps",
    input: {
      login: "alice",
      setup: async (dir) => {
        await writeFile(join(dir, "big.bin"), "");
        await truncate(join(dir, "big.bin"), 30 * 1024 * 1024);
      },
    },
    expected: ["file-size contributors/alice/big.bin", "total-size contributors/alice"],
  },
  ...["-bad", "a--b", "a".repeat(40), "../x", "bad-", "a b", ""].map((login) => ({
    case: `invalid login ${JSON.stringify(login)}`,
    input: { login, folder: "placeholder", setup: none },
    expected: [`login-format contributors/${login}`],
  })),
  {
    case: "folder name differs from the login in case",
    input: { login: "alice", folder: "Alice", setup: none },
    expected: ["folder-name contributors/Alice"],
  },
  {
    case: "no folder",
    input: { login: "bob", folder: "alice", setup: none },
    expected: ["folder-exists contributors/bob"],
  },
  {
    case: ".gitmodules",
    input: { login: "alice", setup: (dir) => writeFile(join(dir, ".gitmodules"), "[submodule]\n") },
    expected: ["no-submodules contributors/alice/.gitmodules"],
  },
  {
    case: "nested .git",
    input: { login: "alice", setup: (dir) => mkdir(join(dir, "vendor", ".git"), { recursive: true }) },
    expected: ["no-submodules contributors/alice/vendor/.git"],
  },
  {
    case: "too many files",
    input: {
      login: "alice",
      setup: async (dir) => {
        await mkdir(join(dir, "many"));
        for (let i = 0; i < ENTRY_FOLDER_LIMITS.maxFiles; i++)
          await writeFile(join(dir, "many", `f${i}`), "");
      },
    },
    expected: ["file-count contributors/alice"],
  },
  {
    case: "Dockerfile with RUN --network=host",
    input: {
      login: "alice",
      setup: (dir) => appendFile(join(dir, "Dockerfile"), "RUN --network=host true\n"),
    },
    expected: ["dockerfile-rules contributors/alice/Dockerfile"],
  },
  {
    case: "Dockerfile with ADD from a URL",
    input: {
      login: "alice",
      setup: (dir) => appendFile(join(dir, "Dockerfile"), "ADD https://example.invalid/x /x\n"),
    },
    expected: ["dockerfile-rules contributors/alice/Dockerfile"],
  },
  {
    case: "a fifo",
    input: { login: "alice", setup: async (dir) => void execFileSync("mkfifo", [join(dir, "pipe")]) },
    expected: ["no-special-files contributors/alice/pipe"],
  },
  {
    case: "no Dockerfile, no entry.yml",
    input: {
      login: "alice",
      setup: async (dir) => {
        await rm(join(dir, "Dockerfile"));
        await rm(join(dir, "entry.yml"));
      },
    },
    expected: [
      "dockerfile-present contributors/alice/Dockerfile",
      "entry-yml-present contributors/alice/entry.yml",
    ],
  },
  {
    case: "entry.yml is a symlink",
    input: {
      login: "alice",
      setup: async (dir) => {
        await rm(join(dir, "entry.yml"));
        await symlink("/etc/hostname", join(dir, "entry.yml"));
      },
    },
    expected: ["no-symlinks contributors/alice/entry.yml", "entry-yml-present contributors/alice/entry.yml"],
  },
  {
    case: "the entry folder itself is a symlink",
    input: {
      login: "alice",
      folder: "real",
      setup: async (_dir, root) =>
        symlink(join(root, "contributors", "real"), join(root, "contributors", "alice")),
    },
    expected: ["no-symlinks contributors/alice"],
  },
];

for (const t of cases) {
  test(`validateEntry: ${t.case}`, async () => {
    const { login, folder, setup } = t.input;
    await withEntry(folder ?? login, setup, async (root) => {
      const violations = await validateEntry(root, login);
      assert.deepEqual(
        violations.map((v) => `${v.rule} ${v.file}`),
        t.expected,
        JSON.stringify(violations, null, 1),
      );
      for (const v of violations) {
        assert.ok(v.file.startsWith("contributors/"), v.file);
        assert.ok(v.message.length > 10, v.message);
      }
    });
  });
}

test("validateEntry: a symlink's message says when it points outside the folder", async () => {
  await withEntry(
    "alice",
    async (dir) => {
      await symlink("../../../../etc/passwd", join(dir, "out"));
      await symlink("html/index.html", join(dir, "in"));
    },
    async (root) => {
      const v = await validateEntry(root, "alice");
      assert.match(v.find((x) => x.file.endsWith("/out"))!.message, /outside the entry folder/);
      assert.doesNotMatch(v.find((x) => x.file.endsWith("/in"))!.message, /outside/);
    },
  );
});

test("validateEntry: the walk stops early on a huge tree", async () => {
  await withEntry(
    "alice",
    async (dir) => {
      for (let d = 0; d < 3; d++) {
        await mkdir(join(dir, `d${d}`));
        for (let i = 0; i < 400; i++) await writeFile(join(dir, `d${d}`, `f${i}`), "");
      }
    },
    async (root) => {
      const v = await validateEntry(root, "alice");
      assert.deepEqual(
        v.map((x) => x.rule),
        ["file-count"],
      );
      assert.match(v[0]!.message, /stopped counting at 501/);
    },
  );
});

test("validateEntry: one folder with more names than the walk reads", async () => {
  await withEntry(
    "alice",
    async (dir) => {
      await mkdir(join(dir, "flat"));
      const n = ENTRY_FOLDER_LIMITS.maxFiles + ENTRY_FOLDER_LIMITS.maxDirs + 100;
      for (let i = 0; i < n; i++) await writeFile(join(dir, "flat", `f${i}`), "");
    },
    async (root) => {
      const v = await validateEntry(root, "alice");
      assert.deepEqual(
        v.map((x) => `${x.rule} ${x.file}`),
        ["file-count contributors/alice"],
      );
    },
  );
});

test("inspectEntry: compose files and .env are warnings, not violations", async () => {
  await withEntry(
    "alice",
    async (dir) => {
      await writeFile(join(dir, "docker-compose.yml"), "services: {}\n");
      await writeFile(join(dir, ".env"), "X=1\n");
    },
    async (root) => {
      const r = await inspectEntry(root, "alice");
      assert.deepEqual(r.violations, []);
      assert.deepEqual(r.warnings.map((w) => `${w.rule} ${w.file}`).sort(), [
        "ignored-files contributors/alice/.env",
        "ignored-files contributors/alice/docker-compose.yml",
      ]);
    },
  );
});

for (const fixture of ["canned-echo", "slow-quote-no-cache"]) {
  test(`fixture ${fixture} is a valid entry (only its behaviour is wrong)`, async () => {
    const root = await mkdtemp(join(tmpdir(), "validate-fixture-"));
    try {
      await cp(join(FIXTURES, fixture), join(root, "contributors", fixture), { recursive: true });
      assert.deepEqual(await readdir(join(root, "contributors", fixture)).then((n) => n.sort()), [
        "Dockerfile",
        "default.conf",
        "entry.yml",
        "html",
      ]);
      assert.deepEqual(await validateEntry(root, fixture), []);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
}

test("the built-in example entry is valid", async () => {
  const root = join(import.meta.dirname, "../../..");
  assert.deepEqual(await inspectEntry(root, "example"), { violations: [], warnings: [] });
});

test("the built-in example is the template (same Dockerfile, nginx config and page)", async () => {
  const root = join(import.meta.dirname, "../../..");
  for (const file of ["Dockerfile", "default.conf", "html/index.html"]) {
    assert.equal(
      await readFile(join(root, "contributors", "example", file), "utf8"),
      await readFile(join(TEMPLATE, file), "utf8"),
      file,
    );
  }
});
