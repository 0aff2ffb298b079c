/**
 * The local stand-ins behave like the official images for everything a contributor's files touch.
 * First the images' own facts (users, paths, tools, entrypoints) in one container each; then
 * contributor folders written for the official images (test/fixtures/fidelity/, unchanged) go
 * through the platform's own validation, build and sandbox, and must pass its gate. Only the gate
 * runs: no calibration, no load, so the whole file takes about a minute or two.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { cpSync, rmSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { provisionSandbox } from "../../sandbox/provision.ts";
import { createDocker } from "../../harness/docker.ts";
import { buildEntryImage } from "../../harness/entry-build.ts";
import { buildPlatform } from "../../harness/platform-build.ts";
import { startStack, TARGETS, type Stack } from "../../harness/stack.ts";
import { imageEnv } from "../../harness/images.ts";
import { validateEntry } from "../../harness/entry/validate.ts";
import { readEntryConfig } from "../../harness/entry/entry-config.ts";
import { gateWhenHealthy, type Gate } from "../../harness/health-gate.ts";
import { loadChallenge } from "../../harness/challenge-files.ts";
import { leftoverProjects, REPO, tempRoot, type TempRoot } from "./helpers.ts";

/** The contract's quote age, as the challenges declare it. */
const QUOTE_MAX_AGE = (await loadChallenge("robust-service")).quoteMaxAgeSeconds;

const docker = createDocker();
let t: TempRoot;
let buildTag: string;

before(async () => {
  await provisionSandbox({ log: () => undefined });
  t = tempRoot();
  buildTag = await buildPlatform(t.root, () => undefined);
});
after(() => t?.cleanup());

/** `sh -c script` in a fresh container of `image` (its entrypoint bypassed), as root. */
function inImage(image: string, script: string): string {
  const r = spawnSync(
    "docker",
    ["run", "--rm", "--network=none", "--entrypoint", "/bin/sh", image, "-c", script],
    {
      encoding: "utf8",
      timeout: 60_000,
    },
  );
  assert.equal(r.status, 0, `${image}: ${script}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

test("nginx:1.27-alpine: the official user, paths, entrypoint scripts and tools", () => {
  const out = inImage(
    "nginx:1.27-alpine",
    [
      "id -u nginx; id -g nginx",
      "readlink -f /var/lib/nginx",
      "ls /docker-entrypoint.d",
      "test -x /docker-entrypoint.sh && echo entrypoint",
      "for t in wget curl envsubst sh; do command -v $t >/dev/null && echo has-$t; done",
      "nginx -T 2>/dev/null | grep -c 'include /etc/nginx/conf.d/\\*.conf;'",
      "nginx -T 2>/dev/null | grep -c '_temp_path' || true",
    ].join("; "),
  );
  const lines = out.trim().split("\n");
  assert.deepEqual(lines.slice(0, 3), ["101", "101", "/var/cache/nginx"]);
  for (const s of [
    "10-listen-on-ipv6-by-default.sh",
    "15-local-resolvers.envsh",
    "20-envsubst-on-templates.sh",
    "30-tune-worker-processes.sh",
    "entrypoint",
    "has-wget",
    "has-curl",
    "has-envsubst",
    "has-sh",
  ])
    assert.ok(lines.includes(s), `${s} in\n${out}`);
  // The official nginx.conf has no temp-path directive: the compiled-in paths must be writable.
  assert.deepEqual(lines.slice(-2), ["1", "0"], out);
});

test("node:20-bookworm-slim: node user 1000, /usr/local/bin/node, npm, npx, the entrypoint; no wget", () => {
  const out = inImage(
    "node:20-bookworm-slim",
    "id -u node; id -g node; for c in node npm npx docker-entrypoint.sh; do command -v $c; done; npm --version >/dev/null && echo npm-runs; for c in wget curl nginx; do command -v $c || true; done; echo no-extras",
  );
  assert.deepEqual(out.trim().split("\n"), [
    "1000",
    "1000",
    "/usr/local/bin/node",
    "/usr/local/bin/npm",
    "/usr/local/bin/npx",
    "/usr/local/bin/docker-entrypoint.sh",
    "npm-runs",
    "no-extras",
  ]);
});

test("golang:1.23-bookworm and python:3.11-slim: the official paths and environment", () => {
  const go = inImage("golang:1.23-bookworm", 'go version; command -v go; echo "$GOPATH $GOTOOLCHAIN"; pwd');
  assert.match(go, /^go version go1\.23\.\d+ linux\/amd64\n\/usr\/local\/go\/bin\/go\n\/go local\n\/go\n$/);
  const py = inImage(
    "python:3.11-slim",
    "python --version; command -v python; command -v pip; pip --version >/dev/null && echo pip-runs; python -m venv /tmp/v && echo venv-runs",
  );
  assert.match(
    py,
    /^Python 3\.11\.\d+\n\/usr\/local\/bin\/python\n\/usr\/local\/bin\/pip\npip-runs\nvenv-runs\n$/,
  );
});

const CASES: { name: string; log?: RegExp }[] = [
  { name: "nginx-full-conf" },
  { name: "nginx-conf-d" },
  {
    name: "nginx-templates",
    log: /20-envsubst-on-templates\.sh: Running envsubst on \/etc\/nginx\/templates\/default\.conf\.template to \/var\/cache\/nginx\/conf\.d\/default\.conf/,
  },
  { name: "node-npm-ci" },
  { name: "multi-stage" },
];

for (const c of CASES) {
  test(`fidelity: ${c.name} builds on the stand-ins, starts in the sandbox and passes the gate`, async () => {
    const login = `fidelity-${c.name}`;
    cpSync(join(REPO, "test", "fixtures", "fidelity", c.name), join(t.root, "contributors", login), {
      recursive: true,
    });
    assert.deepEqual(await validateEntry(t.root, login), [], "the folder is a valid entry");
    const dir = join(t.root, "contributors", login);
    const entry = await readEntryConfig(dir);
    const runId = `fidelity-${randomBytes(4).toString("hex")}`;
    const image = `sre-chaos-entry/${login}:${runId}`;
    await buildEntryImage({
      docker,
      context: dir,
      tag: image,
      where: `contributors/${login}/Dockerfile`,
      log: () => undefined,
    });
    const quoteKey = randomBytes(32).toString("hex");
    const workDir = join(t.root, ".sre-chaos", "work", runId);
    let stack: Stack | null = null;
    let logs: string | undefined;
    let gate: Gate | undefined;
    try {
      stack = await startStack({
        root: t.root,
        runDir: workDir,
        runId,
        docker,
        env: await imageEnv(),
        quoteKey,
        buildTag,
        entry: { image, port: entry.port, restart: entry.restart, healthcheck: entry.healthcheck },
        withReference: false,
        log: () => undefined,
      });
      // The harness's own gate step (harness/run-phases.ts), as a run takes it.
      const ctx = { stack, docker, quoteKey, def: { quoteMaxAgeSeconds: QUOTE_MAX_AGE } };
      gate = await gateWhenHealthy(ctx, TARGETS.entry, stack.entryContainer, "entry");
      logs = await stack.compose.logs("entry", 100);
    } finally {
      if (stack) await stack.down();
      rmSync(workDir, { recursive: true, force: true });
      await docker.untag(image);
    }
    assert.ok(gate && logs !== undefined, "the gate ran");
    const failed = gate.checks.filter((x) => !x.passed);
    assert.equal(gate.passed, true, `failed: ${JSON.stringify(failed)}\nentry log:\n${logs}`);
    assert.doesNotMatch(logs, /\[emerg\]/, logs);
    if (c.log) assert.match(logs, c.log);
    assert.deepEqual(
      leftoverProjects().filter((p) => p.includes(runId)),
      [],
    );
  });
}
