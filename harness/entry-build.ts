/**
 * An entry's image build, under limits a hostile Dockerfile cannot outgrow: CPU and memory per RUN
 * step (engine flags), processes (a pids cgroup, harness/build-cgroup.ts), and — watched while the
 * build runs — time, output and disk. A build that reaches any limit is stopped at once: its client
 * is killed and every container in its cgroup removed (killing the client alone leaves a RUN step
 * running on some engines), and the images its steps committed are removed. A build that finishes
 * is then judged on its image: size, and the config it would run with (entry-build-checks.ts).
 */
import { randomBytes } from "node:crypto";
import { statfsSync } from "node:fs";
import type { Docker } from "./docker.ts";
import type { Started } from "./exec.ts";
import { ENTRY_LIMITS } from "./compose-entry.ts";
import { pidsLimitReached, prepareBuildCgroup } from "./build-cgroup.ts";
import { pollLimits, sweep, trackContainers, type Free } from "./build-watchdog.ts";
import {
  cleanLog,
  imageVerdict,
  OutputTail,
  stepImageIds,
  stopMessage,
  type BuildLimits,
  type BuildStop,
} from "./entry-build-checks.ts";

export type { BuildLimits, BuildStop } from "./entry-build-checks.ts";

/** The production limits, from ENTRY_LIMITS. */
export const ENTRY_BUILD_LIMITS: BuildLimits = {
  timeoutMs: ENTRY_LIMITS.buildTimeoutMs,
  cpus: ENTRY_LIMITS.buildCpus,
  memoryMiB: ENTRY_LIMITS.buildMemoryMiB,
  pids: ENTRY_LIMITS.buildPids,
  outputMaxBytes: ENTRY_LIMITS.buildOutputMaxBytes,
  logKeepBytes: ENTRY_LIMITS.buildLogKeepBytes,
  diskMaxBytes: ENTRY_LIMITS.buildDiskMaxBytes,
  filesMax: ENTRY_LIMITS.buildFilesMax,
  imageMaxBytes: ENTRY_LIMITS.imageMaxBytes,
};

export interface EntryBuildOptions {
  docker: Docker;
  context: string;
  tag: string;
  /** What the errors name, e.g. `contributors/alice/Dockerfile`. */
  where: string;
  /** Names the build's cgroup (default: random); tests look for leftovers by it. */
  id?: string;
  /** Stops the build (Ctrl-C); it then fails as "interrupted". */
  signal?: AbortSignal;
  /** Replaces some limits (tests use small ones). */
  limits?: Partial<BuildLimits>;
  /** Build where a limit cannot be set up (logged) instead of refusing; default: SRE_CHAOS_ALLOW_UNLIMITED_BUILD=1. */
  allowUnlimited?: boolean;
  log?: (line: string) => void;
}

/** A build that failed, was stopped at a limit, or made an image the platform refuses. */
export class EntryBuildError extends Error {
  constructor(
    message: string,
    /** The limit that stopped the build, if one did. */
    readonly stop: BuildStop | null,
    /** The cleaned end of the build's output. */
    readonly log: string,
  ) {
    super(message);
    this.name = "EntryBuildError";
  }
}

/** Builds the entry's image under the limits; resolves with its id and size, or throws EntryBuildError. */
export async function buildEntryImage(o: EntryBuildOptions): Promise<{ id: string; size: number }> {
  const limits = { ...ENTRY_BUILD_LIMITS, ...o.limits };
  const allowUnlimited = o.allowUnlimited ?? process.env.SRE_CHAOS_ALLOW_UNLIMITED_BUILD === "1";
  const { docker, log = () => undefined } = o;
  const info = await docker.engineInfo();
  const disk = diskWatch(info.rootDir, allowUnlimited, log);
  const cgroup = await prepareBuildCgroup({
    driver: info.cgroupDriver,
    version: info.cgroupVersion,
    pids: limits.pids,
    id: o.id ?? randomBytes(6).toString("hex"),
    allowUnlimited,
    log,
  });
  try {
    const watched = await watch(o, limits, cgroup, disk);
    const tail = cleanLog(watched.log);
    const fail = async (what: string): Promise<never> => {
      await removeStepImages(docker, watched.containers, watched.stepImages);
      throw new EntryBuildError(
        `building ${o.where} failed: ${what}${tail ? `\nlast lines of the build's output:\n${indent(tail)}` : ""}`,
        watched.stop,
        tail,
      );
    };
    if (watched.stop) {
      await docker.untag(o.tag);
      return await fail(stopMessage(watched.stop, limits));
    }
    if (watched.code !== 0) return await fail(`docker build exited with ${watched.code ?? "a signal"}`);
    return await judgeImage(o, limits);
  } finally {
    await cgroup.release();
  }
}

/** A function reading what is free on the engine's disk, or null where it cannot be seen (allowed only by opt-out). */
function diskWatch(rootDir: string, allowUnlimited: boolean, log: (l: string) => void): (() => Free) | null {
  const free = (): Free => {
    const s = statfsSync(rootDir);
    return { bytes: s.bavail * s.bsize, files: s.files > 0 ? s.ffree : 0 };
  };
  try {
    free();
    return free;
  } catch (e) {
    const why = `cannot watch the build's disk use: the engine's data root ${rootDir} is not readable here (${(e as Error).message})`;
    if (!allowUnlimited) throw new EntryBuildError(`building refused: ${why}`, null, "");
    log(`warning: ${why}; building without a disk cap (SRE_CHAOS_ALLOW_UNLIMITED_BUILD=1)`);
    return null;
  }
}

interface Watched {
  code: number | null;
  stop: BuildStop | null;
  log: string;
  /** Full ids of the containers the build ran (in its cgroup). */
  containers: Set<string>;
  /** Images the steps may have committed (checked against `containers` before removal). */
  stepImages: string[];
}

/** Runs the build under the watchdog; every container of the build is gone when this returns. */
async function watch(
  o: EntryBuildOptions,
  limits: BuildLimits,
  cgroup: { parent: string; pidsDir: string | null },
  disk: (() => Free) | null,
): Promise<Watched> {
  const { docker } = o;
  const tail = new OutputTail(limits.logKeepBytes);
  let stop: BuildStop | null = null;
  let build: Started | null = null;
  const halt = (why: BuildStop) => {
    if (stop) return;
    stop = why;
    build?.kill();
    void docker.removeContainers([...seen.containers]).catch(() => undefined);
  };
  const { seen, settle } = trackContainers(docker, cgroup.parent, () => halt("memory"));
  const diskAtStart = disk ? { now: disk, atStart: disk() } : null;
  build = docker.startBuild({
    context: o.context,
    tag: o.tag,
    cgroupParent: cgroup.parent,
    cpus: limits.cpus,
    memoryMiB: limits.memoryMiB,
    // The watchdog's limit, with a margin, for when the harness is killed and no watchdog is left.
    hardTimeoutMs: limits.timeoutMs + Math.min(30_000, limits.timeoutMs),
    onOutput: (text) => {
      if (stop === "output") return;
      tail.push(text);
      if (tail.total > limits.outputMaxBytes) halt("output");
    },
  });
  const timer = setTimeout(() => halt("time"), limits.timeoutMs);
  // Ctrl-C (the run's abort) stops the build; so does the harness exiting, which would otherwise
  // leave the client, and with it the step, running on.
  const onAbort = () => halt("aborted");
  const onExit = () => build?.kill();
  if (o.signal?.aborted) onAbort();
  o.signal?.addEventListener("abort", onAbort);
  process.once("exit", onExit);
  const stopPolling = pollLimits(limits, cgroup.pidsDir, diskAtStart, halt);
  let code: number | null;
  try {
    code = await build.exited;
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener("abort", onAbort);
    process.off("exit", onExit);
    stopPolling();
  }
  // An OOM kill the shell survived still fails the build: let late events arrive and be judged.
  await settle();
  if (!stop && seen.oom) stop = "memory";
  if (!stop && cgroup.pidsDir && pidsLimitReached(cgroup.pidsDir)) stop = "pids";
  await sweep(docker, cgroup.parent, seen.containers);
  const logText = tail.text();
  const stepImages = [...seen.froms, ...stepImageIds(logText)];
  return { code, stop, log: logText, containers: seen.containers, stepImages };
}

/** Removes the untagged images the build's own containers committed (a failed build's steps). */
async function removeStepImages(docker: Docker, containers: Set<string>, candidates: string[]) {
  for (const id of new Set(candidates)) {
    const origin = await docker.imageOrigin(id);
    if (origin && origin.tags.length === 0 && containers.has(origin.container)) await docker.untag(id);
  }
}

/** The finished image: within the size cap and with a config the platform can run as it says. */
async function judgeImage(o: EntryBuildOptions, limits: BuildLimits): Promise<{ id: string; size: number }> {
  const { docker, log = () => undefined } = o;
  const image = await docker.imageInfo(o.tag);
  if (!image) throw new EntryBuildError(`building ${o.where} failed: no image was produced`, null, "");
  const refuse = async (why: string): Promise<never> => {
    await docker.untag(o.tag);
    throw new EntryBuildError(`${o.where}: ${why}`, null, "");
  };
  if (image.size > limits.imageMaxBytes) {
    const mib = (n: number) => `${+(n / 2 ** 20).toFixed(1)} MiB`;
    await refuse(`the image is ${mib(image.size)}, above the cap of ${mib(limits.imageMaxBytes)}`);
  }
  const config = await docker.imageConfig(o.tag);
  if (!config) return await refuse("the built image could not be inspected");
  const verdict = imageVerdict(config);
  for (const note of verdict.ignored) log(note);
  if (verdict.refused.length) await refuse(verdict.refused.join("; "));
  return image;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
}
