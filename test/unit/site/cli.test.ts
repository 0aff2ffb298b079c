import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../../../cli/main.ts";
import type { Io } from "../../../cli/io.ts";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "../../fixtures/results");

function recorder(): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, tty: false, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

test("sre-chaos site builds from a results folder and reports skipped records", async () => {
  const out = mkdtempSync(join(tmpdir(), "site-cli-"));
  try {
    const io = recorder();
    const code = await main(["site", "--results", FIXTURES, "--out", out, "--base-path", "/repo/"], io);
    assert.equal(code, 0, io.errors.join("\n"));
    assert.ok(existsSync(join(out, "index.html")));
    assert.ok(existsSync(join(out, "site.css")));
    assert.ok(io.lines.some((l) => /^built \d+ pages/.test(l)));
    assert.equal(io.errors.filter((l) => l.startsWith("skipped runs/mallory/")).length, 1);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("sre-chaos site refuses bad options with exit code 2", async () => {
  const cases: { args: string[]; message: RegExp }[] = [
    { args: ["--port", "80"], message: /--port needs --serve/ },
    { args: ["--serve", "--port", "x"], message: /--port must be/ },
    { args: ["--base-path", "/../x"], message: /base path/ },
    { args: ["--nope"], message: /unknown option --nope/ },
    { args: ["extra"], message: /unexpected argument/ },
  ];
  for (const c of cases) {
    const io = recorder();
    assert.equal(await main(["site", ...c.args], io), 2, c.args.join(" "));
    assert.match(io.errors.join("\n"), c.message, c.args.join(" "));
  }
});
