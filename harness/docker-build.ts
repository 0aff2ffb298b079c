/**
 * Entry builds on the Docker Engine: the limited `docker build`, the build's containers and cgroup,
 * and the image checks. Part of the Docker module (harness/docker.ts, spread into `Docker`), like
 * harness/compose.ts and harness/docker-images.ts.
 */
import type { ChildProcess } from "node:child_process";
import { orMissing, run, start, stream, type ExecResult, type Started } from "./exec.ts";

export interface DockerBuild {
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

/** The build methods of the real engine; `docker` runs one docker command. */
export function createDockerBuild(
  docker: (args: string[], timeoutMs?: number) => Promise<ExecResult>,
): DockerBuild {
  const methods: DockerBuild = {
    async build({ context, tag, timeoutMs }) {
      // --network=none: an entry's build gets no network (nothing to fetch, nothing to leak).
      await run("docker", ["build", "--network=none", "--pull=false", "-t", tag, context], {
        timeoutMs,
        env: { ...process.env, DOCKER_BUILDKIT: process.env.DOCKER_BUILDKIT ?? "0" },
      });
    },
    async untag(ref) {
      await orMissing(docker(["image", "rm", ref])); // already gone is fine
    },
    async imageInfo(ref) {
      const out = await orMissing(docker(["image", "inspect", "-f", "{{.Id}} {{.Size}}", ref]));
      if (out === null) return null;
      const [id, size] = out.trim().split(" ");
      return { id: id!, size: Number(size) };
    },
    async engineInfo() {
      const f = "{{json .CgroupDriver}} {{json .CgroupVersion}} {{json .DockerRootDir}}";
      const [cgroupDriver, cgroupVersion, rootDir] = (await docker(["info", "-f", f])).stdout
        .trim()
        .split(" ")
        .map((j) => String(JSON.parse(j) ?? ""));
      return { cgroupDriver: cgroupDriver!, cgroupVersion: cgroupVersion!, rootDir: rootDir! };
    },
    startBuild: startLimitedBuild,
    containerEvents,
    async cgroupParentOf(container) {
      return (
        (await orMissing(docker(["inspect", "-f", "{{.HostConfig.CgroupParent}}", container])))?.trim() ??
        null
      );
    },
    containersInCgroupParent: (parent) => containersIn(docker, parent, methods.cgroupParentOf),
    async removeContainers(ids) {
      if (!ids.length) return;
      await orMissing(docker(["rm", "-f", ...ids])); // already gone is fine
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
  };
  return methods;
}

/** `docker build` of an entry with the build limits, in a process group of its own (killable whole). */
function startLimitedBuild({
  context,
  tag,
  cgroupParent,
  cpus,
  memoryMiB,
  hardTimeoutMs,
  onOutput,
}: Parameters<DockerBuild["startBuild"]>[0]) {
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
}

/** The engine's container events from `sinceSeconds` on, one call each; returns the stop function. */
function containerEvents(...[sinceSeconds, actions, onEvent]: Parameters<DockerBuild["containerEvents"]>) {
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
}

/** Every container (any state) whose cgroup parent is `parent`. */
async function containersIn(
  docker: (args: string[]) => Promise<ExecResult>,
  parent: string,
  cgroupParentOf: (container: string) => Promise<string | null>,
): Promise<string[]> {
  const ids = (await docker(["ps", "-aq", "--no-trunc"])).stdout.split("\n").filter(Boolean);
  if (!ids.length) return [];
  // A container removed between the two calls makes inspect fail for all: ask one by one then.
  const f = "{{.Id}} {{.HostConfig.CgroupParent}}";
  const lines = await docker(["inspect", "-f", f, ...ids])
    .then((r) => r.stdout.split("\n"))
    .catch(async () => Promise.all(ids.map(async (id) => `${id} ${await cgroupParentOf(id)}`)));
  return lines.flatMap((l) => {
    const i = l.indexOf(" ");
    return i > 0 && l.slice(i + 1).trim() === parent ? [l.slice(0, i)] : [];
  });
}
