/**
 * `sre-chaos sandbox`: makes this machine able to run the stack without any registry. Installs
 * the host tools from the OS packages, starts dockerd, builds toxiproxy with `go install` and
 * builds every stand-in image. Each step is idempotent and timed; a second call only checks.
 */
import { access, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { createDocker } from "../harness/docker.ts";
import { PLATFORM_ROOT } from "../harness/entry/paths.ts";
import { run } from "../harness/exec.ts";
import {
  buildDockerfileImage,
  buildRootfsImage,
  currentState,
  removeSuperseded,
  type ImageOutcome,
} from "./build-images.ts";
import { HOST_TOOLS, aptInstall, onPath } from "./host-tools.ts";
import { readAptMirror } from "./apt-mirror.ts";
import { withLock } from "./lock.ts";
import {
  BASE_RECIPE,
  TOXIPROXY_MODULE,
  TOXIPROXY_VERSION,
  imageRecipes,
  recipeHash,
  type HostBinaries,
} from "./recipes.ts";

/** One step of a provision: what it concerned, what happened, how long it took. */
export interface StepReport {
  step: string;
  outcome: string;
  seconds: number;
}

/** "docker engine: already installed (0.0 s)". */
export function formatStep(s: StepReport): string {
  return `${s.step}: ${s.outcome} (${s.seconds.toFixed(1)} s)`;
}

/** Steps whose outcome means work was done (used by the e2e test and the bench). */
export function didWork(s: StepReport): boolean {
  return s.outcome === "built" || s.outcome === "installed" || s.outcome === "started";
}

/** Git-ignored cache of build outputs (the toxiproxy binary) and scratch trees. */
export const CACHE_DIR = join(PLATFORM_ROOT, ".sre-chaos", "cache");

/** Where `go install` puts toxiproxy's server (named after its package directory). */
export const TOXIPROXY_BIN = join(CACHE_DIR, "bin", `toxiproxy-${TOXIPROXY_VERSION}`, "server");

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

/** What `provisionSandbox` takes: where progress lines go, and whether to rebuild everything. */
export interface ProvisionOptions {
  log: (line: string) => void;
  force?: boolean;
}

/**
 * Runs the provision steps in order; throws (with the failing step named) on the first failure.
 * Concurrent calls on one machine take turns (see lock.ts).
 */
export async function provisionSandbox(opts: ProvisionOptions): Promise<StepReport[]> {
  await mkdir(CACHE_DIR, { recursive: true });
  return withLock(join(CACHE_DIR, "provision.lock"), () => provisionUnlocked(opts), { log: opts.log });
}

async function provisionUnlocked(opts: ProvisionOptions): Promise<StepReport[]> {
  const reports: StepReport[] = [];
  const step = async (name: string, fn: () => Promise<string>): Promise<void> => {
    const t0 = performance.now();
    let outcome: string;
    try {
      outcome = await fn();
    } catch (e) {
      throw new Error(`sandbox step "${name}" failed: ${e instanceof Error ? e.message : String(e)}`, {
        cause: e,
      });
    }
    const r = { step: name, outcome, seconds: (performance.now() - t0) / 1000 };
    reports.push(r);
    opts.log(formatStep(r));
  };

  // 1. Host tools, installed together so apt-get update runs at most once.
  const missing: string[] = [];
  for (const tool of HOST_TOOLS) {
    await step(tool.label, async () => {
      if (await tool.present()) return "already installed";
      missing.push(tool.aptPackage);
      return "missing";
    });
  }
  if (missing.length > 0)
    await step(`apt-get install ${missing.join(" ")}`, async () => {
      await aptInstall(missing, opts.log);
      return "installed";
    });

  // 2. The daemon.
  await step("docker daemon", async () => {
    const script = join(PLATFORM_ROOT, "sandbox", "start-dockerd.sh");
    const { stdout } = await run("bash", [script], { timeoutMs: 200_000 });
    return stdout.includes("already running") ? "running" : "started";
  });

  // 3. toxiproxy is neither in Debian nor on npm: a pinned, static `go install`.
  await step(`toxiproxy ${TOXIPROXY_VERSION} binary`, async () => {
    if (!opts.force && (await exists(TOXIPROXY_BIN))) return "already installed";
    const go = await onPath("go");
    if (!go) throw new Error("go not found (apt-get install -y golang-go)");
    await mkdir(dirname(TOXIPROXY_BIN), { recursive: true });
    await run(go, ["install", "-trimpath", "-ldflags=-s -w", `${TOXIPROXY_MODULE}@${TOXIPROXY_VERSION}`], {
      env: { ...process.env, CGO_ENABLED: "0", GOBIN: dirname(TOXIPROXY_BIN) },
      timeoutMs: 900_000,
    });
    return "built";
  });

  // 4. The base tree, then the images on it.
  const bins: HostBinaries = {
    prometheus: (await onPath("prometheus")) ?? "/usr/bin/prometheus",
    blackbox: (await onPath("prometheus-blackbox-exporter")) ?? "/usr/bin/prometheus-blackbox-exporter",
    toxiproxy: TOXIPROXY_BIN,
    node: process.execPath,
  };
  // The node stand-in is tagged 20-bookworm-slim; its `RUN node --version` proves the binary's
  // shared libraries are all in the base tree (what ldd would list).
  if (process.versions.node.split(".")[0] !== "20") {
    opts.log(`  note: this Node is ${process.version}; the node:20-bookworm-slim stand-in will carry it`);
  }
  const baseHash = await recipeHash(BASE_RECIPE);
  const images = createDocker().images;
  const outcome = (o: ImageOutcome) => o;
  await step(`image ${BASE_RECIPE.tags[0]}`, async () => {
    const state = opts.force ? "stale" : await currentState(images, BASE_RECIPE.tags, baseHash);
    if (state !== "stale") return outcome(state);
    const mirror = await readAptMirror(BASE_RECIPE.suite);
    if (!mirror)
      throw new Error("no Debian mirror in /etc/apt/sources.list or /etc/apt/sources.list.d/*.sources");
    await buildRootfsImage(images, BASE_RECIPE, baseHash, CACHE_DIR, mirror, opts.log);
    return outcome("built");
  });
  for (const recipe of imageRecipes(bins)) {
    await step(`image ${recipe.tags.join(", ")}`, async () => {
      const hash = await recipeHash(recipe, { baseHash });
      const state = opts.force ? "stale" : await currentState(images, recipe.tags, hash);
      if (state !== "stale") return outcome(state);
      await buildDockerfileImage(images, recipe, hash, CACHE_DIR);
      return outcome("built");
    });
  }
  // Old stand-ins left by this or an earlier rebuild (an earlier one may have been in use then).
  await removeSuperseded(images);
  return reports;
}
