/**
 * The one home of the Docker Engine (through its CLI, which every runner has): container control
 * for chaos, stats, entry builds (harness/docker-build.ts), Compose projects (harness/compose.ts)
 * and the sandbox's stand-in images (harness/docker-images.ts). Callers receive a `Docker` so tests
 * of the orchestration could hand in a fake; the end-to-end tests use this real one.
 */
import type { ChildProcess } from "node:child_process";
import { run, stream } from "./exec.ts";
import { createCompose, type Compose, type ComposeOptions } from "./compose.ts";
import { createDockerImages, type DockerImages } from "./docker-images.ts";
import { createDockerBuild, type DockerBuild } from "./docker-build.ts";

export type { Compose } from "./compose.ts";
export type { DockerImages } from "./docker-images.ts";
export type { ContainerEvent, DockerBuild, EngineInfo, ImageRunConfig } from "./docker-build.ts";

export interface ContainerState {
  id: string;
  status: string;
  running: boolean;
  pid: number;
  exitCode: number;
  oomKilled: boolean;
  /** When the container's process last started; changes on every restart, crash or `docker restart`. */
  startedAt: string;
  health: string | null;
  /** IPv4 address per network name (empty while the container is not running). */
  addresses: Record<string, string>;
}

export interface StatsSample {
  /** CPU cores in use (1.0 = one core busy). */
  cpu: number;
  memoryMiB: number;
}

export interface Docker extends DockerBuild {
  version(): Promise<string>;
  inspect(container: string): Promise<ContainerState>;
  /** The whole of `docker inspect <container>` (one object), for a failure's diagnosis. */
  inspectJson(container: string): Promise<unknown>;
  /** The last `tail` lines of the container's stdout and of its stderr, each line after its time (`--timestamps`). */
  logs(container: string, tail: number): Promise<{ stdout: string; stderr: string }>;
  pause(container: string): Promise<void>;
  unpause(container: string): Promise<void>;
  restart(container: string): Promise<void>;
  /** Stops a container for good (a manual stop: the restart policy does not bring it back). */
  stop(container: string): Promise<void>;
  update(container: string, opts: { cpus?: number; memoryMiB?: number }): Promise<void>;
  /** SIGKILL to the container's main process from the host: a crash, so the restart policy applies. */
  crash(container: string): Promise<void>;
  /** Streams per-second stats of a container until the returned function is called. */
  stats(container: string, onSample: (s: StatsSample) => void): () => void;
  /** A Compose project (harness/compose.ts). */
  compose(opts: ComposeOptions): Promise<Compose>;
  /** The image store, for the sandbox's stand-ins (harness/docker-images.ts). */
  readonly images: DockerImages;
}

const MIB = 1024 * 1024;

function parseSize(text: string): number {
  const m = /^([\d.]+)\s*([KMGT]?i?B)$/i.exec(text.trim());
  if (!m) return 0;
  const n = Number(m[1]);
  const unit = m[2]!.toUpperCase();
  const f: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KIB: 1024, MIB: MIB, GIB: 1024 * MIB };
  return (n * (f[unit] ?? 1)) / MIB;
}

/** Parses one line of `docker stats --format '{{json .}}'`. */
/** `{{json .NetworkSettings.Networks}}` → network name → IPv4 address (networks without one left out). */
export function addressesOf(networksJson: string | undefined): Record<string, string> {
  if (!networksJson || networksJson === "null") return {};
  const nets = JSON.parse(networksJson) as Record<string, { IPAddress?: string } | null>;
  return Object.fromEntries(
    Object.entries(nets).flatMap(([name, n]) => (n?.IPAddress ? [[name, n.IPAddress]] : [])),
  );
}

export function parseStatsLine(line: string): StatsSample | null {
  try {
    const j = JSON.parse(line.slice(line.indexOf("{")).trim()) as {
      CPUPerc?: string;
      MemUsage?: string;
    };
    if (!j.CPUPerc || !j.MemUsage) return null;
    const cpu = Number(j.CPUPerc.replace("%", "")) / 100;
    const memoryMiB = parseSize(j.MemUsage.split("/")[0] ?? "");
    return Number.isFinite(cpu) ? { cpu, memoryMiB } : null;
  } catch {
    return null;
  }
}

type DockerCli = (args: string[], timeoutMs?: number) => ReturnType<typeof run>;

/** `docker inspect`'s state, id and addresses of one container, in one call. */
async function inspectState(docker: DockerCli, container: string): Promise<ContainerState> {
  const f = "{{json .State}}|{{.Id}}|{{json .NetworkSettings.Networks}}";
  const out = (await docker(["inspect", "-f", f, container])).stdout.trim();
  const [stateJson, id, networksJson] = out.split("|");
  const s = JSON.parse(stateJson!) as {
    Status: string;
    Running: boolean;
    Pid: number;
    ExitCode: number;
    OOMKilled: boolean;
    Health?: { Status: string };
    StartedAt: string;
  };
  return {
    id: id!,
    status: s.Status,
    running: s.Running,
    pid: s.Pid,
    exitCode: s.ExitCode,
    oomKilled: s.OOMKilled,
    startedAt: s.StartedAt,
    health: s.Health?.Status ?? null,
    addresses: addressesOf(networksJson),
  };
}

/** SIGKILL to the container's process from the host: a crash its restart policy answers. */
async function crashFromHost(docker: DockerCli, c: string): Promise<void> {
  const { pid, running } = await inspectState(docker, c);
  if (!running || pid <= 0) return;
  // `docker kill` counts as a manual stop (no restart); a signal from the host is a crash.
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Not root on this host (e.g. a hosted runner): ask sudo, which runners allow without a password.
    await run("sudo", ["-n", "kill", "-9", String(pid)], { timeoutMs: 10_000 });
  }
}

/** The real Docker Engine, through the docker CLI. */
export function createDocker(): Docker {
  const docker: DockerCli = (args, timeoutMs = 60_000) => run("docker", args, { timeoutMs });
  return {
    async version() {
      return (await docker(["version", "-f", "{{.Server.Version}}"])).stdout.trim();
    },
    ...createDockerBuild(docker),
    inspect: (container) => inspectState(docker, container),
    async inspectJson(container) {
      const out = (await docker(["inspect", container])).stdout;
      return (JSON.parse(out) as unknown[])[0] ?? {};
    },
    async logs(container, tail) {
      const { stdout, stderr } = await docker(["logs", "--timestamps", "--tail", String(tail), container]);
      return { stdout, stderr };
    },
    async pause(c) {
      await docker(["pause", c]);
    },
    async unpause(c) {
      await docker(["unpause", c]);
    },
    async restart(c) {
      await docker(["restart", "-t", "2", c]);
    },
    async stop(c) {
      await docker(["stop", "-t", "2", c]);
    },
    async update(c, { cpus, memoryMiB }) {
      const args = ["update"];
      if (cpus !== undefined) args.push("--cpus", String(cpus));
      if (memoryMiB !== undefined) args.push("--memory", `${memoryMiB}m`, "--memory-swap", `${memoryMiB}m`);
      await docker([...args, c]);
    },
    crash: (c) => crashFromHost(docker, c),
    stats(container, onSample) {
      const child: ChildProcess = stream("docker", ["stats", "--format", "{{json .}}", container], (line) => {
        const s = parseStatsLine(line);
        if (s) onSample(s);
      });
      // `docker stats` ignores SIGTERM while it streams; only SIGKILL ends it.
      return () => child.kill("SIGKILL");
    },
    compose: (opts) => createCompose(opts),
    images: createDockerImages(),
  };
}
