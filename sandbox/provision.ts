/**
 * `sre-chaos sandbox`: makes this machine able to run the stack without any registry. Installs
 * the host tools from the OS packages, starts dockerd, builds toxiproxy with `go install` and
 * builds every stand-in image. Each step is idempotent and timed; a second call only checks.
 */
import { access, mkdir, readFile, realpath } from "node:fs/promises";
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
import { GO_VERSION, type ToolchainSources } from "./toolchain-files.ts";
import {
  ROOTFS_RECIPES,
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

type Step = (name: string, fn: () => Promise<string>) => Promise<void>;

async function provisionUnlocked(opts: ProvisionOptions): Promise<StepReport[]> {
  const reports: StepReport[] = [];
  const step: Step = async (name, fn) => {
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
  await hostSteps(step, opts);
  const bins = await hostBinaries(step, opts);
  await imageSteps(step, opts, bins);
  // Old stand-ins left by this or an earlier rebuild (an earlier one may have been in use then).
  await removeSuperseded(createDocker().images);
  return reports;
}

/** Host tools, the Docker daemon and toxiproxy's binary. */
async function hostSteps(step: Step, opts: ProvisionOptions): Promise<void> {
  // Host tools, installed together so apt-get update runs at most once.
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

  // The daemon.
  await step("docker daemon", async () => {
    const script = join(PLATFORM_ROOT, "sandbox", "start-dockerd.sh");
    const { stdout } = await run("bash", [script], { timeoutMs: 200_000 });
    return stdout.includes("already running") ? "running" : "started";
  });

  // toxiproxy is neither in Debian nor on npm: a pinned, static `go install`.
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
}

/** The binaries the platform's stand-ins carry, with the toolchains the language stand-ins need. */
async function hostBinaries(step: Step, opts: ProvisionOptions): Promise<HostBinaries> {
  let goroot = "";
  await step(`go ${GO_VERSION} toolchain`, async () => {
    const r = await goToolchain();
    goroot = r.goroot;
    return r.outcome;
  });
  const bins: HostBinaries = {
    prometheus: (await onPath("prometheus")) ?? "/usr/bin/prometheus",
    blackbox: (await onPath("prometheus-blackbox-exporter")) ?? "/usr/bin/prometheus-blackbox-exporter",
    toxiproxy: TOXIPROXY_BIN,
    ...(await hostNode()),
    goroot,
  };
  // The node stand-in is tagged 20-bookworm-slim; its `RUN node --version` proves the binary's
  // shared libraries are all in the base tree (what ldd would list).
  if (process.versions.node.split(".")[0] !== "20") {
    opts.log(`  note: this Node is ${process.version}; the node:20-bookworm-slim stand-in will carry it`);
  }
  return bins;
}

/** The Debian trees, then the images on them; each rebuilt only when its recipe changed. */
async function imageSteps(step: Step, opts: ProvisionOptions, bins: HostBinaries): Promise<void> {
  const treeHashes = new Map<string, string>();
  const images = createDocker().images;
  const outcome = (o: ImageOutcome) => o;
  for (const tree of ROOTFS_RECIPES) {
    const treeHash = await recipeHash(tree);
    treeHashes.set(tree.tags[0]!, treeHash);
    await step(`image ${tree.tags[0]}`, async () => {
      const state = opts.force ? "stale" : await currentState(images, tree.tags, treeHash);
      if (state !== "stale") return outcome(state);
      const mirror = await readAptMirror(tree.suite);
      if (!mirror)
        throw new Error("no Debian mirror in /etc/apt/sources.list or /etc/apt/sources.list.d/*.sources");
      await buildRootfsImage(images, tree, treeHash, CACHE_DIR, mirror, opts.log);
      return outcome("built");
    });
  }
  for (const recipe of imageRecipes(bins)) {
    await step(`image ${recipe.tags.join(", ")}`, async () => {
      const baseHash = recipe.base ? treeHashes.get(recipe.base) : undefined;
      const hash = await recipeHash(recipe, { baseHash });
      const state = opts.force ? "stale" : await currentState(images, recipe.tags, hash);
      if (state !== "stale") return outcome(state);
      await buildDockerfileImage(images, recipe, hash, CACHE_DIR);
      return outcome("built");
    });
  }
}

/**
 * GOROOT of the Go release the golang stand-in carries. The go command fetches it as the module
 * `golang.org/toolchain` from the Go module proxy (checksum-verified) when it is not cached yet.
 */
async function goToolchain(): Promise<{ goroot: string; outcome: string }> {
  const go = await onPath("go");
  if (!go) throw new Error("go not found (apt-get install -y golang-go)");
  const env = { ...process.env, GOTOOLCHAIN: `go${GO_VERSION}`, GOFLAGS: "" };
  const modcache = (
    await run(go, ["env", "GOMODCACHE"], { cwd: CACHE_DIR, timeoutMs: 60_000 })
  ).stdout.trim();
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  const cached = await exists(join(modcache, `golang.org/toolchain@v0.0.1-go${GO_VERSION}.linux-${arch}`));
  const { stdout } = await run(go, ["env", "GOROOT"], { cwd: CACHE_DIR, env, timeoutMs: 900_000 });
  const goroot = stdout.trim();
  if (!(await exists(join(goroot, "bin", "go"))))
    throw new Error(`go ${GO_VERSION} has no bin/go under ${goroot}`);
  return { goroot, outcome: cached ? "already installed" : "installed" };
}

/** The running Node binary, and the npm (and corepack) that came with it. */
async function hostNode(): Promise<Omit<ToolchainSources, "goroot">> {
  const npmBin = await onPath("npm");
  if (!npmBin) throw new Error("npm not found next to node (the node stand-in carries the host's npm)");
  // `…/bin/npm` links to `…/lib/node_modules/npm/bin/npm-cli.js`.
  const npmDir = dirname(dirname(await realpath(npmBin)));
  const version = async (dir: string) =>
    (JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as { version: string }).version;
  const corepackDir = join(dirname(npmDir), "corepack");
  return {
    node: process.execPath,
    nodeVersion: process.versions.node,
    npm: { dir: npmDir, version: await version(npmDir) },
    corepack: (await exists(join(corepackDir, "package.json")))
      ? { dir: corepackDir, version: await version(corepackDir) }
      : null,
  };
}
