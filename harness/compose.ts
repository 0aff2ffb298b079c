/** A Compose project of one run, driven through whichever Compose the runner has. */
import { run } from "./exec.ts";

export interface Compose {
  readonly project: string;
  up(services?: string[]): Promise<void>;
  build(services: string[]): Promise<void>;
  down(): Promise<void>;
  /** The host port that `service:port` is published on (always 127.0.0.1). */
  port(service: string, port: number): Promise<number>;
  containerId(service: string): Promise<string>;
  logs(service: string, tail: number): Promise<string>;
}

/** Where a project's files are and what Compose may see: `env` is its whole environment. */
export interface ComposeOptions {
  project: string;
  files: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Replaces the project directory's `.env`. */
  envFile?: string;
}

/** Which Compose is installed: the v2 plugin (`docker compose`) or v1 (`docker-compose`). */
async function composeCommand(): Promise<[string, string[]]> {
  try {
    await run("docker", ["compose", "version"], { timeoutMs: 10_000 });
    return ["docker", ["compose"]];
  } catch {
    await run("docker-compose", ["version"], { timeoutMs: 10_000 });
    return ["docker-compose", []];
  }
}

let composeCmd: Promise<[string, string[]]> | null = null;

/** The project `o.project` over `o.files`. */
export async function createCompose({ project, files, cwd, env, envFile }: ComposeOptions): Promise<Compose> {
  composeCmd ??= composeCommand();
  const [bin, pre] = await composeCmd;
  const base = [
    ...pre,
    ...(envFile ? ["--env-file", envFile] : []),
    "-p",
    project,
    ...files.flatMap((f) => ["-f", f]),
  ];
  const c = (args: string[], timeoutMs = 180_000) => run(bin, [...base, ...args], { cwd, env, timeoutMs });
  const docker = (args: string[]) => run("docker", args, { env, timeoutMs: 30_000 });
  /** The service's container (any state; not a one-off `run`), as `compose ps -q` gives it. */
  const containerOf = async (service: string) => {
    const labels = [
      `com.docker.compose.project=${project}`,
      `com.docker.compose.service=${service}`,
      "com.docker.compose.oneoff=False",
    ];
    const args = ["ps", "-a", "-q", "--no-trunc", ...labels.flatMap((l) => ["--filter", `label=${l}`])];
    const id = (await docker(args)).stdout.trim().split("\n")[0];
    if (!id) throw new Error(`compose: no container for service ${service}`);
    return id;
  };
  return {
    project,
    async up(services = []) {
      await c(["up", "-d", "--no-build", ...services], 240_000);
    },
    async build(services) {
      await c(["build", ...services], 600_000);
    },
    async down() {
      await c(["down", "-v", "--remove-orphans", "--timeout", "3"], 120_000);
    },
    // Ports and container ids come from the Docker CLI by the labels Compose puts on every
    // container: one Compose invocation costs about a second of Python start-up (v1), and a run
    // asks for eight of them.
    async port(service, port) {
      const id = await containerOf(service);
      const out = (await docker(["port", id, `${port}/tcp`])).stdout.trim().split("\n")[0] ?? "";
      const m = /:(\d+)$/.exec(out);
      if (!m) throw new Error(`compose: ${service}:${port} is not published (got "${out}")`);
      return Number(m[1]);
    },
    containerId: containerOf,
    async logs(service, tail) {
      try {
        const r = await c(["logs", "--no-color", "--tail", String(tail), service], 30_000);
        return r.stdout + r.stderr;
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    },
  };
}
