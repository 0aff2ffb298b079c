/**
 * Containment, from inside a hostile entry: the real stack of one run (real Docker Engine,
 * toxiproxy, Prometheus, load generator, blackbox) with the `prober` fixture as the entry. The test
 * runs probe programs inside the entry's own container and asserts that the only thing it can open
 * a connection to is upstream:8080 — by every platform name, by every address of every container of
 * the run and of the run's bridges, and to a listener this test started on the host — that its
 * namespace has no default route, that nothing from entry.yml was interpolated, that no variable
 * of the harness reached it, and that its pids, memory and log limits hold. Afterwards the stack
 * still works (the gate passes through the load path) and nothing of the run is left.
 *
 * Safety: every address tried is one this run's containers or bridges hold, or 127.0.0.1; the
 * only listener outside the stack is the one this test starts.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:net";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { statSync } from "node:fs";
import { run } from "../../harness/exec.ts";
import { createDocker } from "../../harness/docker.ts";
import { buildPlatform } from "../../harness/platform-build.ts";
import { imageEnv } from "../../harness/images.ts";
import { readEntryConfig } from "../../harness/entry/entry-config.ts";
import { ENTRY_LIMITS } from "../../harness/compose-entry.ts";
import { startStack, TARGETS, type Stack } from "../../harness/stack.ts";
import { loadChallenge } from "../../harness/challenge-files.ts";
import { leftoverContainers, tempRoot, type TempRoot } from "./helpers.ts";

/** The contract's quote age, as the challenges declare it. */
const QUOTE_MAX_AGE = (await loadChallenge("robust-service")).quoteMaxAgeSeconds;

const docker = createDocker();
const runId = `20261201T000000Z-${randomBytes(4).toString("hex")}`;
const quoteKey = randomBytes(32).toString("hex");
const image = `sre-chaos-entry/prober:${runId.toLowerCase()}`;
/** Every port a platform service listens on, and a few the host might. */
const PORTS = [22, 80, 2375, 8080, 8081, 8474, 9090, 9115, 9464, 18080, 18081, 18082];

let tmp: TempRoot;
let stack: Stack;
let hostListener: Server;
let hostPort = 0;
let hostConnections = 0;

const exec = async (args: string[], timeoutMs = 60_000) =>
  run("docker", ["exec", stack.entryContainer, ...args], { timeoutMs });

/** Tasks (processes and threads) in the entry's pids cgroup, as the Engine counts them. */
async function pidsInUse(): Promise<number> {
  const out = await run("docker", ["stats", "--no-stream", "--format", "{{.PIDs}}", stack.entryContainer]);
  return Number(out.stdout.trim());
}

/** Tasks a step may leave above the baseline: the entry's own threads come and go. */
const PIDS_SLACK = 2;

/** Waits (up to 30 s) until the entry holds about as many tasks as it did before a step. */
async function pidsBackTo(baseline: number): Promise<void> {
  let now = await pidsInUse();
  for (let i = 0; i < 30 && now > baseline + PIDS_SLACK; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    now = await pidsInUse();
  }
  assert.ok(now <= baseline + PIDS_SLACK, `the entry still holds ${now} tasks (${baseline} before the step)`);
}

interface ProbeResult {
  names: Record<string, string[] | string>;
  connections: Record<string, string>;
  route: string;
  env: Record<string, string>;
}

async function probe(names: string[], connect: [string, number][]): Promise<ProbeResult> {
  const plan = JSON.stringify({ names, connect, timeoutMs: 1500 });
  return JSON.parse((await exec(["node", "/app/probe.mjs", plan], 120_000)).stdout) as ProbeResult;
}

/** Every IPv4 address a container of this run holds, by container name. */
async function projectAddresses(): Promise<Map<string, string[]>> {
  const ids = leftoverContainers(runId);
  const out = new Map<string, string[]>();
  for (const id of ids) {
    const r = await run("docker", ["inspect", "-f", "{{.Name}}|{{json .NetworkSettings.Networks}}", id]);
    const [name, json] = r.stdout.trim().split("|");
    const nets = JSON.parse(json!) as Record<string, { IPAddress: string }>;
    out.set(
      name!.replace(/^\//, ""),
      Object.values(nets)
        .map((n) => n.IPAddress)
        .filter(Boolean),
    );
  }
  return out;
}

/** The gateway of every network of this run (the host's side of each bridge, if it has one). */
async function bridgeGateways(): Promise<string[]> {
  const project = stack.compose.project;
  const r = await run("docker", [
    "network",
    "ls",
    "-q",
    "--filter",
    `label=com.docker.compose.project=${project}`,
  ]);
  const out: string[] = [];
  for (const id of r.stdout.split("\n").filter(Boolean)) {
    const g = await run("docker", [
      "network",
      "inspect",
      "-f",
      "{{range .IPAM.Config}}{{.Gateway}} {{end}}",
      id,
    ]);
    out.push(...g.stdout.trim().split(/\s+/).filter(Boolean));
  }
  return out;
}

describe("containment: what a hostile entry can reach", { timeout: 300_000 }, () => {
  before(async () => {
    tmp = tempRoot();
    tmp.addFixture("prober", "prober");
    hostListener = createServer((s) => {
      hostConnections++;
      s.destroy();
    });
    await new Promise<void>((r) => hostListener.listen(0, "0.0.0.0", r));
    hostPort = (hostListener.address() as { port: number }).port;
    const buildTag = await buildPlatform(tmp.root, () => undefined);
    await docker.build({ context: join(tmp.root, "contributors", "prober"), tag: image, timeoutMs: 300_000 });
    const entry = await readEntryConfig(join(tmp.root, "contributors", "prober"));
    stack = await startStack({
      root: tmp.root,
      runDir: join(tmp.root, ".sre-chaos", "work", runId),
      runId,
      docker,
      env: { ...(await imageEnv()) },
      quoteKey,
      buildTag,
      entry: { image, port: entry.port, restart: entry.restart, healthcheck: entry.healthcheck },
      withReference: true,
      log: () => undefined,
    });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const g = await stack.loadgen.gate(TARGETS.entry, quoteKey, QUOTE_MAX_AGE);
      if (g.passed) break;
      if (Date.now() > deadline)
        throw new Error(`the prober never passed the gate: ${JSON.stringify(g.checks)}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  });

  after(async () => {
    await stack?.down();
    hostListener?.close();
    await docker.untag(image);
    tmp?.cleanup();
    assert.deepEqual(leftoverContainers(runId), [], "the run left containers behind");
  });

  it("resolves no platform name but upstream, and opens a connection to nothing but upstream:8080", async () => {
    const addresses = await projectAddresses();
    const self = addresses.get([...addresses.keys()].find((n) => n.includes("entry-netns"))!)!;
    const upstreamIps = addresses.get([...addresses.keys()].find((n) => /_upstream_\d+$/.test(n))!)!;
    const hostIps = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i && i.family === "IPv4" && !i.internal)
      .map((i) => i!.address);
    const gateways = await bridgeGateways();
    const names = [
      "upstream",
      "prometheus",
      "blackbox",
      "loadgen",
      "sink",
      "toxiproxy",
      "toxiproxy-api",
      "ingress",
      "upstream-origin",
      "reference",
      "reference-netns",
      "url-anvil",
      "host.docker.internal",
      "gateway",
    ];
    const targets = new Set<string>(["upstream", ...names.filter((n) => n !== "upstream")]);
    for (const ips of addresses.values()) ips.forEach((ip) => targets.add(ip));
    for (const ip of [...gateways, ...hostIps]) targets.add(ip);
    const connect: [string, number][] = [];
    for (const host of targets) for (const port of PORTS) connect.push([host, port]);
    for (const ip of [...gateways, ...hostIps]) connect.push([ip, hostPort]);
    const r = await probe(names, connect);

    // Names: only upstream resolves, to upstream's one address on the entry's network.
    for (const [name, result] of Object.entries(r.names)) {
      if (name === "upstream") {
        assert.ok(Array.isArray(result) && result.length === 1, `upstream resolves once: ${String(result)}`);
        assert.ok(upstreamIps.includes(result[0]!), `upstream is toxiproxy's address: ${result[0]}`);
      } else assert.ok(!Array.isArray(result), `${name} must not resolve, got ${String(result)}`);
    }
    const upstreamOnEntryNet = (r.names.upstream as string[])[0]!;
    const open = Object.entries(r.connections)
      .filter(([, v]) => v === "open")
      .map(([k]) => k)
      .filter((k) => !self.some((ip) => k.startsWith(`${ip}:`)));
    assert.deepEqual(open.sort(), [`${upstreamOnEntryNet}:8080`, "upstream:8080"].sort());
    assert.ok(connect.length > 100, `tried ${connect.length} connections`);
    assert.equal(hostConnections, 0, "the host listener this test started was reached");

    // No route out: the namespace has no default route.
    const routes = r.route
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.trim().split(/\s+/));
    assert.ok(routes.length >= 1, "the entry's own network has a route");
    assert.ok(
      routes.every((cols) => cols[1] !== "00000000"),
      `a default route exists:\n${r.route}`,
    );
  });

  it("gets nothing interpolated and no variable of the harness", async () => {
    const inspect = JSON.parse(
      (await run("docker", ["inspect", "-f", "{{json .Config}}", stack.entryContainer])).stdout,
    ) as { Env: string[]; Healthcheck: { Test: string[] } };
    assert.deepEqual(inspect.Healthcheck.Test, [
      "CMD-SHELL",
      "echo ${SRE_CHAOS_QUOTE_KEY} $HOME > /tmp/leak; " +
        `node -e 'fetch("http://127.0.0.1:8080/healthz").then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))'`,
    ]);
    const imageEnvList = JSON.parse(
      (await run("docker", ["image", "inspect", "-f", "{{json .Config.Env}}", image])).stdout,
    ) as string[];
    const added = inspect.Env.filter((e) => !imageEnvList.includes(e));
    assert.deepEqual(added, ["PORT=8080"], "only PORT is handed to the entry");
    const all = `${inspect.Env.join("\n")}\n${(await exec(["cat", "/tmp/leak"])).stdout}`;
    assert.ok(!all.includes(quoteKey), "the per-run quote key reached the entry");
  });

  it("holds the pids, memory and log limits, and the harness is unaffected", async () => {
    const baseline = await pidsInUse();
    // Fork until the kernel refuses: never more than the pids limit. The forker reaps its children
    // before it exits (an orphan would be the entry's PID 1 to reap, and a zombie holds its pid).
    const forks = await exec([
      "node",
      "-e",
      `const {spawn}=require("node:child_process");let n=0;const kids=[];
       function next(){ if(n>=400) return done(); const c=spawn("sleep",["20"]);
         c.on("spawn",()=>{kids.push(c);n++;next();}); c.on("error",()=>done()); }
       let left=0;
       function done(){ console.log(n); left=kids.length; if(!left) process.exit(0);
         kids.forEach(k=>{ k.on("exit",()=>{ if(--left===0) process.exit(0); }); k.kill("SIGKILL"); }); }
       next();`,
    ]).catch((e: Error) => ({ stdout: `error: ${e.message}` }));
    const started = Number(forks.stdout.trim());
    assert.ok(started > 0 && started < ENTRY_LIMITS.pids, `forks started: ${forks.stdout.trim()}`);
    // The next step needs pids of its own.
    await pidsBackTo(baseline);

    // Allocate until killed: the memory limit holds (the hog dies, not the machine).
    const hog = await exec([
      "node",
      "--max-old-space-size=4096",
      "-e",
      "const a=[];for(;;){a.push(Buffer.alloc(16<<20,1));}",
    ]).then(
      () => "survived",
      (e: Error & { code?: unknown }) => String(e.message),
    );
    assert.match(hog, /137|killed|SIGKILL/i, `the memory hog was not killed: ${hog}`);
    await pidsBackTo(baseline);

    // Flood the container's log: the log file stays within its cap.
    await exec([
      "node",
      "-e",
      `const fs=require("node:fs");const fd=fs.openSync("/proc/1/fd/1","w");
       const line="x".repeat(1023)+"\\n";for(let i=0;i<16*1024;i++)fs.writeSync(fd,line);`,
    ]);
    const logPath = (
      await run("docker", ["inspect", "-f", "{{.LogPath}}", stack.entryContainer])
    ).stdout.trim();
    const maxBytes = Number.parseInt(ENTRY_LIMITS.logMaxSize, 10) * 1024 * 1024;
    assert.ok(statSync(logPath).size <= maxBytes * 1.1, `log is ${statSync(logPath).size} bytes`);

    // The platform still measures the entry: the whole gate passes through the load path.
    let gate = await stack.loadgen.gate(TARGETS.entry, quoteKey, QUOTE_MAX_AGE);
    for (let i = 0; i < 20 && !gate.passed; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      gate = await stack.loadgen.gate(TARGETS.entry, quoteKey, QUOTE_MAX_AGE);
    }
    assert.ok(gate.passed, JSON.stringify(gate.checks));
  });
});
