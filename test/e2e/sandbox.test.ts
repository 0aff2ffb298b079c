/**
 * Provisions the sandbox for real (quick on a provisioned machine: every step is idempotent),
 * then checks the stand-ins do what the stack and the entries need: the nginx stand-in serves a
 * contributor-style config under the exact entry sandbox flags, Prometheus takes its config by
 * flag, toxiproxy answers its API, node is Node 20. A second
 * provision must build nothing.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../harness/exec.ts";
import { didWork, formatStep, provisionSandbox, type StepReport } from "../../sandbox/provision.ts";
import { imageEnv } from "../../harness/images.ts";

/** The entry sandbox the harness applies (docs/ENTRY.md), as `docker run` flags. */
const ENTRY_FLAGS = [
  "--read-only",
  ...["/tmp", "/var/cache/nginx", "/var/run", "/run"].flatMap((p) => ["--tmpfs", p]),
  "--cap-drop",
  "ALL",
  ...["CHOWN", "SETUID", "SETGID", "NET_BIND_SERVICE"].flatMap((c) => ["--cap-add", c]),
  "--security-opt",
  "no-new-privileges",
  "--pids-limit",
  "128",
  "--memory",
  "256m",
];

const docker = (args: string[], timeoutMs = 120_000) => run("docker", args, { timeoutMs });

/** Polls `fn` until it resolves or `ms` pass; returns its last value or throws its last error. */
async function eventually<T>(fn: () => Promise<T>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

async function hostPort(container: string, port: number): Promise<string> {
  const { stdout } = await docker(["port", container, String(port)]);
  const line = stdout.trim().split("\n")[0] ?? "";
  assert.match(line, /^127\.0\.0\.1:\d+$/);
  return line;
}

async function httpText(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
  return { status: res.status, body: await res.text() };
}

describe("sre-chaos sandbox (real Docker)", { timeout: 1_800_000 }, () => {
  const tag = `sre-chaos-test/sandbox-entry:${process.pid}`;
  const containers: string[] = [];
  let dir = "";
  let first: StepReport[] = [];

  before(async () => {
    first = await provisionSandbox({ log: () => undefined });
    dir = await mkdtemp(join(tmpdir(), "sandbox-e2e-"));
  });

  after(async () => {
    for (const c of containers) await docker(["rm", "-f", c]).catch(() => undefined);
    await docker(["rmi", "-f", tag]).catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("reports every step with a time", () => {
    assert.ok(first.length >= 10);
    for (const s of first) assert.match(formatStep(s), /^.+: .+ \(\d+\.\d s\)$/);
    assert.ok(first.some((s) => s.step.startsWith("image nginx:1.27-alpine")));
  });

  it("nginx stand-in: a contributor Dockerfile serves on 8080 under the entry sandbox flags", async () => {
    await mkdir(join(dir, "html"));
    await writeFile(
      join(dir, "default.conf"),
      "server {\n  listen 8080;\n  location / { root /usr/share/nginx/html; }\n" +
        '  location = /healthz { return 200 "ok\\n"; }\n}\n',
    );
    await writeFile(join(dir, "html", "index.html"), `sandbox page ${process.pid}\n`);
    await writeFile(
      join(dir, "Dockerfile"),
      "FROM nginx:1.27-alpine\nCOPY default.conf /etc/nginx/conf.d/default.conf\nCOPY html /usr/share/nginx/html\n",
    );
    await run("docker", ["build", "--network=none", "--pull=false", "-t", tag, dir], {
      timeoutMs: 120_000,
      env: { ...process.env, DOCKER_BUILDKIT: "0" },
    });
    const id = (await docker(["run", "-d", "-p", "127.0.0.1::8080", ...ENTRY_FLAGS, tag])).stdout.trim();
    containers.push(id);
    const addr = await hostPort(id, 8080);
    const page = await eventually(() => httpText(`http://${addr}/`));
    assert.equal(page.status, 200);
    assert.equal(page.body, `sandbox page ${process.pid}\n`);
    // The healthcheck form entries use: wget inside the image.
    const health = await docker(["exec", id, "wget", "-q", "-O-", "http://127.0.0.1:8080/healthz"]);
    assert.equal(health.stdout, "ok\n");
    // Workers run as the unprivileged nginx user, as in the official image.
    const user = await docker(["exec", id, "id", "-u", "nginx"]);
    assert.equal(user.stdout.trim(), "101");
  });

  it("prometheus stand-in: config by flag, read-only root, no write path (remote-write receiver off)", async () => {
    const env = await imageEnv();
    const image = env.SRE_CHAOS_PROMETHEUS_IMAGE!;
    await writeFile(join(dir, "prom.yml"), "global:\n  scrape_interval: 5s\nscrape_configs: []\n");
    const id = (
      await docker([
        "run",
        "-d",
        "-p",
        "127.0.0.1::9090",
        "--read-only",
        "--cap-drop",
        "ALL",
        "--tmpfs",
        "/prometheus",
        "-v",
        `${join(dir, "prom.yml")}:/etc/sre-chaos/prometheus.yml:ro`,
        image,
        "--config.file=/etc/sre-chaos/prometheus.yml",
        "--storage.tsdb.path=/prometheus",
      ])
    ).stdout.trim();
    containers.push(id);
    const addr = await hostPort(id, 9090);
    const ready = await eventually(async () => {
      const r = await httpText(`http://${addr}/-/ready`);
      if (r.status !== 200) throw new Error(`not ready: ${r.status}`);
      return r;
    });
    assert.equal(ready.status, 200);
    const flags = JSON.parse((await httpText(`http://${addr}/api/v1/status/flags`)).body) as {
      data: Record<string, string>;
    };
    // Nothing can write series into the platform's Prometheus: scores come from scrapes alone.
    assert.equal(flags.data["web.enable-remote-write-receiver"], "false");
    const write = await fetch(`http://${addr}/api/v1/write`, { method: "POST", body: "x" });
    assert.equal(write.status, 404);
    assert.equal(flags.data["config.file"], "/etc/sre-chaos/prometheus.yml");
  });

  it("toxiproxy and blackbox stand-ins answer; node stand-in is Node 20", async () => {
    const env = await imageEnv();
    const id = (
      await docker([
        "run",
        "-d",
        "-p",
        "127.0.0.1::8474",
        "--read-only",
        "--cap-drop",
        "ALL",
        env.SRE_CHAOS_TOXIPROXY_IMAGE!,
      ])
    ).stdout.trim();
    containers.push(id);
    const addr = await hostPort(id, 8474);
    const proxies = await eventually(() => httpText(`http://${addr}/proxies`));
    assert.equal(proxies.status, 200);
    assert.deepEqual(JSON.parse(proxies.body), {});
    await writeFile(join(dir, "blackbox.yml"), "modules:\n  http_2xx:\n    prober: http\n");
    const bb = (
      await docker([
        "run",
        "-d",
        "-p",
        "127.0.0.1::9115",
        "--read-only",
        "--cap-drop",
        "ALL",
        "-v",
        `${join(dir, "blackbox.yml")}:/etc/sre-chaos/blackbox.yml:ro`,
        env.SRE_CHAOS_BLACKBOX_IMAGE!,
        "--config.file=/etc/sre-chaos/blackbox.yml",
        "--web.listen-address=:9115",
      ])
    ).stdout.trim();
    containers.push(bb);
    const bbAddr = await hostPort(bb, 9115);
    // The exporter probes its own metrics page: proves config-by-flag and the http prober.
    const probe = await eventually(() =>
      httpText(`http://${bbAddr}/probe?module=http_2xx&target=http://127.0.0.1:9115/metrics`),
    );
    assert.match(probe.body, /^probe_success 1$/m);
    const node = await docker([
      "run",
      "--rm",
      "node:20-bookworm-slim",
      "node",
      "-e",
      "console.log(process.version)",
    ]);
    assert.match(node.stdout.trim(), /^v20\./);
  });

  it("a second provision builds nothing", async () => {
    const t0 = performance.now();
    const second = await provisionSandbox({ log: () => undefined });
    const seconds = (performance.now() - t0) / 1000;
    assert.deepEqual(second.filter(didWork).map(formatStep), []);
    assert.deepEqual(
      second.map((s) => s.step),
      first.filter((s) => !s.step.startsWith("apt-get")).map((s) => s.step),
    );
    assert.ok(seconds < 30, `warm provision took ${seconds.toFixed(1)} s`);
  });
});
