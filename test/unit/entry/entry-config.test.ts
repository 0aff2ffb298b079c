import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile, symlink, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  parseEntryConfig,
  readEntryConfig,
  durationMs,
  EntryConfigError,
  type EntryConfig,
  type EntryYmlRule,
} from "../../../harness/entry/entry-config.ts";

const HEALTHCHECK = [
  "healthcheck:",
  "  test: wget -q -O /dev/null http://127.0.0.1:8080/healthz",
  "  interval: 2s",
  "  timeout: 500ms",
  "  start_period: 1m",
  "  retries: 3",
].join("\n");

const valid: { case: string; input: string; expected: EntryConfig }[] = [
  {
    case: "minimal: defaults applied",
    input: "challenge: robust-service\n",
    expected: {
      challenge: "robust-service",
      port: 8080,
      description: null,
      restart: "no",
      healthcheck: null,
    },
  },
  {
    case: "every key",
    input: `challenge: longest-upkeep\nport: 3000\ndescription: hi\nrestart: always\n${HEALTHCHECK}\n`,
    expected: {
      challenge: "longest-upkeep",
      port: 3000,
      description: "hi",
      restart: "always",
      healthcheck: {
        test: "wget -q -O /dev/null http://127.0.0.1:8080/healthz",
        interval: "2s",
        timeout: "500ms",
        start_period: "1m",
        retries: 3,
      },
    },
  },
  {
    case: "restart: no stays the string (YAML 1.2, not a boolean)",
    input: "challenge: graceful-degradation\nrestart: no\n",
    expected: {
      challenge: "graceful-degradation",
      port: 8080,
      description: null,
      restart: "no",
      healthcheck: null,
    },
  },
  {
    case: "healthcheck test in CMD form, port at both bounds",
    input:
      'challenge: robust-service\nport: 65535\nhealthcheck:\n  test: ["CMD", "wget", "-q", "http://x/"]\n',
    expected: {
      challenge: "robust-service",
      port: 65535,
      description: null,
      restart: "no",
      healthcheck: { test: ["CMD", "wget", "-q", "http://x/"] },
    },
  },
  ...[1, 80, 443].map((port) => ({
    case: `port ${port}: below 1024 is allowed (NET_BIND_SERVICE binds it inside the sandbox)`,
    input: `challenge: robust-service\nport: ${port}\n`,
    expected: {
      challenge: "robust-service" as const,
      port,
      description: null,
      restart: "no" as const,
      healthcheck: null,
    },
  })),
];

for (const t of valid) {
  test(`entry.yml parses: ${t.case}`, () => {
    const r = parseEntryConfig(t.input);
    assert.deepEqual(r, { ok: true, config: t.expected });
  });
}

/** Each refused input: the rules raised (in order) and a fragment every message must hold. */
const invalid: {
  case: string;
  input: string;
  expected: { rules: EntryYmlRule[]; mentions: string; line?: number };
}[] = [
  ...["privileged", "volumes", "cap_add", "network_mode", "image", "environment"].map((key) => ({
    case: `unknown key ${key}`,
    input: `challenge: robust-service\n${key}: true\n`,
    expected: {
      rules: ["entry-yml-unknown-key"] as EntryYmlRule[],
      mentions: `"${key}"; allowed keys: challenge, port`,
      line: 2,
    },
  })),
  {
    case: "unknown key inside healthcheck",
    input: "challenge: robust-service\nhealthcheck:\n  test: true-cmd\n  disable: true\n",
    expected: { rules: ["entry-yml-unknown-key"], mentions: "healthcheck.disable", line: 4 },
  },
  {
    case: "unknown challenge lists the valid ids",
    input: "challenge: fastest-app\n",
    expected: {
      rules: ["entry-yml-value"],
      mentions: "robust-service, graceful-degradation, longest-upkeep",
      line: 1,
    },
  },
  {
    case: "missing challenge",
    input: "port: 8080\n",
    expected: { rules: ["entry-yml-value"], mentions: "challenge is required" },
  },
  {
    case: "port 0",
    input: "challenge: robust-service\nport: 0\n",
    expected: { rules: ["entry-yml-value"], mentions: "port must be an integer from 1 to 65535", line: 2 },
  },
  {
    case: "port above 65535",
    input: "challenge: robust-service\nport: 70000\n",
    expected: { rules: ["entry-yml-value"], mentions: "port" },
  },
  {
    case: "port as text",
    input: 'challenge: robust-service\nport: "8080"\n',
    expected: { rules: ["entry-yml-value"], mentions: "port" },
  },
  {
    case: "port not integer",
    input: "challenge: robust-service\nport: 8080.5\n",
    expected: { rules: ["entry-yml-value"], mentions: "port" },
  },
  {
    case: "description too long",
    input: `challenge: robust-service\ndescription: ${"x".repeat(281)}\n`,
    expected: { rules: ["entry-yml-value"], mentions: "280" },
  },
  {
    case: "bad restart",
    input: "challenge: robust-service\nrestart: sometimes\n",
    expected: { rules: ["entry-yml-value"], mentions: "unless-stopped" },
  },
  {
    case: "healthcheck interval too short",
    input: "challenge: robust-service\nhealthcheck:\n  test: x\n  interval: 100ms\n",
    expected: { rules: ["entry-yml-value"], mentions: "healthcheck.interval", line: 4 },
  },
  {
    case: "healthcheck interval not a duration",
    input: "challenge: robust-service\nhealthcheck:\n  test: x\n  interval: 2\n",
    expected: { rules: ["entry-yml-value"], mentions: "healthcheck.interval" },
  },
  {
    case: "healthcheck retries 0",
    input: "challenge: robust-service\nhealthcheck:\n  test: x\n  retries: 0\n",
    expected: { rules: ["entry-yml-value"], mentions: "healthcheck.retries" },
  },
  {
    case: "healthcheck test list without CMD",
    input: 'challenge: robust-service\nhealthcheck:\n  test: ["wget", "x"]\n',
    expected: { rules: ["entry-yml-value"], mentions: "CMD" },
  },
  {
    case: "healthcheck without test",
    input: "challenge: robust-service\nhealthcheck:\n  interval: 2s\n",
    expected: { rules: ["entry-yml-value"], mentions: "healthcheck.test" },
  },
  {
    case: "anchor and alias",
    input: "challenge: &c robust-service\ndescription: *c\n",
    expected: { rules: ["entry-yml-syntax", "entry-yml-syntax"], mentions: "not allowed", line: 1 },
  },
  {
    case: "python tag",
    input: "challenge: !!python/object:os.system robust-service\n",
    expected: { rules: ["entry-yml-syntax"], mentions: "tags", line: 1 },
  },
  {
    case: "standard tag is refused too",
    input: "challenge: !!str robust-service\n",
    expected: { rules: ["entry-yml-syntax"], mentions: "tags" },
  },
  {
    case: "multiple documents",
    input: "challenge: robust-service\n---\nprivileged: true\n",
    expected: { rules: ["entry-yml-syntax"], mentions: "2 YAML documents", line: 2 },
  },
  {
    case: "malformed YAML",
    input: "challenge: [robust-service\n",
    expected: { rules: ["entry-yml-syntax"], mentions: "invalid YAML" },
  },
  {
    case: "duplicate key",
    input: "challenge: robust-service\nchallenge: longest-upkeep\n",
    expected: { rules: ["entry-yml-syntax"], mentions: "unique", line: 2 },
  },
  {
    case: "not a mapping",
    input: "- robust-service\n",
    expected: { rules: ["entry-yml-syntax"], mentions: "mapping" },
  },
  { case: "empty file", input: "", expected: { rules: ["entry-yml-value"], mentions: "empty" } },
  {
    case: "oversize (over 16 KiB)",
    input: `challenge: robust-service\n${"# padding\n".repeat(1700)}`,
    expected: { rules: ["entry-yml-syntax"], mentions: "16 KiB" },
  },
];

for (const t of invalid) {
  test(`entry.yml refused: ${t.case}`, () => {
    const r = parseEntryConfig(t.input);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.deepEqual(
      r.problems.map((p) => p.rule),
      t.expected.rules,
      JSON.stringify(r.problems),
    );
    for (const p of r.problems) assert.ok(p.message.includes(t.expected.mentions), p.message);
    if (t.expected.line !== undefined) assert.equal(r.problems[0]!.line, t.expected.line);
  });
}

const durations: { case: string; input: string; expected: number | null }[] = [
  { case: "seconds", input: "2s", expected: 2000 },
  { case: "milliseconds", input: "500ms", expected: 500 },
  { case: "combined", input: "1m30s", expected: 90_000 },
  { case: "no unit", input: "2", expected: null },
  { case: "negative", input: "-1s", expected: null },
  { case: "fraction", input: "1.5s", expected: null },
];
for (const t of durations) {
  test(`durationMs: ${t.case}`, () => assert.equal(durationMs(t.input), t.expected));
}

test("readEntryConfig reads a valid file and refuses a symlinked one", async () => {
  const dir = await mkdtemp(join(tmpdir(), "entry-config-"));
  try {
    await writeFile(join(dir, "real.yml"), "challenge: robust-service\nport: 9000\n");
    await writeFile(join(dir, "entry.yml"), "challenge: robust-service\nport: 9000\n");
    assert.equal((await readEntryConfig(dir)).port, 9000);
    await rm(join(dir, "entry.yml"));
    await symlink(join(dir, "real.yml"), join(dir, "entry.yml"));
    await assert.rejects(readEntryConfig(dir), EntryConfigError);
    await rm(join(dir, "entry.yml"));
    await writeFile(join(dir, "entry.yml"), "challenge: nope\n");
    await assert.rejects(readEntryConfig(dir), /entry-yml-value/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
