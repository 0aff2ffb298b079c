/**
 * The one home of the Docker Engine (through its CLI, which every runner has): image builds,
 * container control for chaos, stats, Compose projects (harness/compose.ts) and the sandbox's
 * stand-in images (harness/docker-images.ts). Callers receive a `Docker` so tests
 * of the orchestration could hand in a fake; the end-to-end tests use this real one.
 */
import type { ChildProcess } from "node:child_process";
import { ExecError, run, start, stream, type ExecResult, type Started } from "./exec.ts";
import { createCompose, type Compose, type ComposeOptions } from "./compose.ts";
import { createDockerImages, type DockerImages } from "./docker-images.ts";

export type { Compose } from "./compose.ts";
export type { DockerImages } from "./docker-images.ts";

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

export interface Docker {
  version(): Promise<string>;
  build(opts: { context: string; tag: string; timeoutMs: number }): Promise<void>;
  /** Removes a tag (and the image's layers when nothing else uses them); a missing tag is fine. */
  untag(ref: string): Promise<void>;
  imageInfo(ref: string): Promise<{ id: string; size: number } | null>;
  /** The engine facts an entry build depends on (its limits are set up per cgroup driver). */
  engineInfo(): Promise<EngineInfo>;
  /**
   * Starts an entry's `docker build` with the classic builder (the one that takes resource limits),
   * no network, no pull, intermediate containers always removed, every RUN step in `cgroupParent`
   * under the given CPU and memory caps. Output goes to `onOutput`; the caller watches and kills it.
   */
  startBuild(opts: {
    context: string;
    tag: string;
    cgroupParent: string;
    cpus: number;
    memoryMiB: number;
    /** Past this the client is SIGKILLed by `timeout(1)`, even if the harness itself is gone. */
    hardTimeoutMs: number;
    onOutput: (text: string) => void;
  }): Started;
  /** Streams container events with these actions (create, oom…) from `sinceSeconds` on, until stopped. */
  containerEvents(sinceSeconds: number, actions: string[], onEvent: (e: ContainerEvent) => void): () => void;
  /** A container's cgroup parent ("" when none was given), or null when the container is gone. */
  cgroupParentOf(container: string): Promise<string | null>;
  /** Full ids of the containers, in any state, whose cgroup parent is `parent`. */
  containersInCgroupParent(parent: string): Promise<string[]>;
  /** Removes containers by force (running ones are killed); missing ones are fine. */
  removeContainers(ids: string[]): Promise<void>;
  /** The parts of an image's config that decide how it runs; null when there is no such image. */
  imageConfig(ref: string): Promise<ImageRunConfig | null>;
  /** The container an image was committed from ("" if unknown) and its tags; null when it is gone. */
  imageOrigin(id: string): Promise<{ container: string; tags: string[] } | null>;
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

/** `docker info` facts for entry builds. */
export interface EngineInfo {
  /** "cgroupfs" or "systemd". */
  cgroupDriver: string;
  /** "1" or "2". */
  cgroupVersion: string;
  /** Where the engine keeps images and containers (`DockerRootDir`): the build's disk. */
  rootDir: string;
}

/** One line of `docker events` for a container. */
export interface ContainerEvent {
  id: string;
  action: string;
  /** The image the container was created from. */
  from: string;
}

/** The fields of an image's `Config` that change how the platform's container would run. */
export interface ImageRunConfig {
  Volumes?: Record<string, unknown> | null;
  OnBuild?: string[] | null;
  StopSignal?: string;
  Healthcheck?: { Test?: string[] } | null;
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

/** The output of a command that inspects something, or null when the engine has no such thing. */
async function orMissing(p: Promise<ExecResult>): Promise<string | null> {
  try {
    return (await p).stdout;
  } catch (e) {
    if (e instanceof ExecError) return null;
    throw e;
  }
}

/** The real Docker Engine, through the docker CLI. */
export function createDocker(): Docker {
  const docker = (args: string[], timeoutMs = 60_000) => run("docker", args, { timeoutMs });
  return {
    async version() {
      return (await docker(["version", "-f", "{{.Server.Version}}"])).stdout.trim();
    },
    async build({ context, tag, timeoutMs }) {
      // --network=none: an entry's build gets no network (nothing to fetch, nothing to leak).
      await run("docker", ["build", "--network=none", "--pull=false", "-t", tag, context], {
        timeoutMs,
        env: { ...process.env, DOCKER_BUILDKIT: process.env.DOCKER_BUILDKIT ?? "0" },
      });
    },
    async untag(ref) {
      await docker(["image", "rm", ref]).catch((e: unknown) => {
        if (!(e instanceof ExecError)) throw e;
      });
    },
    async imageInfo(ref) {
      try {
        const out = (await docker(["image", "inspect", "-f", "{{.Id}} {{.Size}}", ref])).stdout.trim();
        const [id, size] = out.split(" ");
        return { id: id!, size: Number(size) };
      } catch (e) {
        if (e instanceof ExecError) return null;
        throw e;
      }
    },
    async engineInfo() {
      const f = "{{json .CgroupDriver}} {{json .CgroupVersion}} {{json .DockerRootDir}}";
      const [cgroupDriver, cgroupVersion, rootDir] = (await docker(["info", "-f", f])).stdout
        .trim()
        .split(" ")
        .map((j) => String(JSON.parse(j) ?? ""));
      return { cgroupDriver: cgroupDriver!, cgroupVersion: cgroupVersion!, rootDir: rootDir! };
    },
    startBuild({ context, tag, cgroupParent, cpus, memoryMiB, hardTimeoutMs, onOutput }) {
      const period = 100_000;
      const args = [
        "build",
        // An entry's build gets no network (nothing to fetch, nothing to leak) and no pull.
        "--network=none",
        "--pull=false",
        "--force-rm",
        `--cgroup-parent=${cgroupParent}`,
        `--memory=${memoryMiB}m`,
        `--memory-swap=${memoryMiB}m`,
        `--cpu-period=${period}`,
        `--cpu-quota=${Math.round(cpus * period)}`,
        "-t",
        tag,
        context,
      ];
      // BuildKit ignores these limits; the classic builder applies them to every RUN container.
      const env = { ...process.env, DOCKER_BUILDKIT: "0" };
      // A SIGKILLed client makes the engine cancel the step; `timeout` does it even when nothing
      // else is left to (its group is killed whole, so the client never outlives it either).
      const limit = `${Math.ceil(hardTimeoutMs / 1000)}s`;
      return start("timeout", ["-s", "KILL", limit, "docker", ...args], { env, onOutput, ownGroup: true });
    },
    containerEvents(sinceSeconds, actions, onEvent) {
      const args = ["events", "--since", sinceSeconds.toFixed(3), "--filter", "type=container"];
      for (const a of actions) args.push("--filter", `event=${a}`);
      args.push("--format", "{{json .}}");
      const child: ChildProcess = stream("docker", args, (line) => {
        try {
          const j = JSON.parse(line) as { id?: string; Action?: string; status?: string; from?: string };
          if (j.id) onEvent({ id: j.id, action: j.Action ?? j.status ?? "", from: j.from ?? "" });
        } catch {
          // Not an event line: nothing to act on.
        }
      });
      return () => child.kill("SIGKILL");
    },
    async cgroupParentOf(container) {
      return (
        (await orMissing(docker(["inspect", "-f", "{{.HostConfig.CgroupParent}}", container])))?.trim() ??
        null
      );
    },
    async containersInCgroupParent(parent) {
      const ids = (await docker(["ps", "-aq", "--no-trunc"])).stdout.split("\n").filter(Boolean);
      if (!ids.length) return [];
      // A container removed between the two calls makes inspect fail for all: ask one by one then.
      const f = "{{.Id}} {{.HostConfig.CgroupParent}}";
      const lines = await docker(["inspect", "-f", f, ...ids])
        .then((r) => r.stdout.split("\n"))
        .catch(async () => Promise.all(ids.map(async (id) => `${id} ${await this.cgroupParentOf(id)}`)));
      return lines.flatMap((l) => {
        const i = l.indexOf(" ");
        return i > 0 && l.slice(i + 1).trim() === parent ? [l.slice(0, i)] : [];
      });
    },
    async removeContainers(ids) {
      if (!ids.length) return;
      await docker(["rm", "-f", ...ids]).catch((e: unknown) => {
        if (!(e instanceof ExecError)) throw e;
      });
    },
    async imageConfig(ref) {
      const out = await orMissing(docker(["image", "inspect", "-f", "{{json .Config}}", ref]));
      return out === null ? null : ((JSON.parse(out) ?? {}) as ImageRunConfig);
    },
    async imageOrigin(id) {
      const out = await orMissing(
        docker(["image", "inspect", "-f", "{{json .Container}} {{json .RepoTags}}", id]),
      );
      if (out === null) return null;
      const [c, t] = out.trim().split(" ");
      return { container: String(JSON.parse(c!) ?? ""), tags: (JSON.parse(t!) as string[] | null) ?? [] };
    },
    async inspect(container) {
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
    },
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
    async crash(c) {
      const { pid, running } = await this.inspect(c);
      if (!running || pid <= 0) return;
      // `docker kill` counts as a manual stop (no restart); a signal from the host is a crash.
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Not root on this host (e.g. a hosted runner): ask sudo, which runners allow without a password.
        await run("sudo", ["-n", "kill", "-9", String(pid)], { timeoutMs: 10_000 });
      }
    },
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
