/**
 * The watchdog's parts for an entry's build (harness/entry-build.ts): which containers are the
 * build's (by cgroup, from the engine's events), the disk, file and process limits polled while it
 * runs, and the sweep that removes every container left in its cgroup.
 */
import type { Docker } from "./docker.ts";
import { pidsLimitReached } from "./build-cgroup.ts";
import type { BuildLimits, BuildStop } from "./entry-build-checks.ts";

/** How often the watchdog reads disk and process counts. */
const POLL_MS = 100;

/** What is free on the engine's disk: bytes, and inodes (0 where the filesystem does not count them). */
export interface Free {
  bytes: number;
  files: number;
}

/**
 * The containers of the build, as the engine's events report them: a container counts when it is
 * in the build's cgroup. `oom` is set (and `onOom` called) when one of them was OOM-killed.
 */
export function trackContainers(docker: Docker, parent: string, onOom: () => void) {
  const seen = { containers: new Set<string>(), froms: new Set<string>(), oom: false };
  const pending = new Set<Promise<void>>();
  // Events from a second before the start: the first RUN container may come before the stream is up.
  const stopEvents = docker.containerEvents(Date.now() / 1000 - 1, ["create", "oom"], (e) => {
    const p = (async () => {
      if (!seen.containers.has(e.id) && (await docker.cgroupParentOf(e.id)) !== parent) return;
      seen.containers.add(e.id);
      if (e.from) seen.froms.add(e.from);
      if (e.action === "oom") {
        seen.oom = true;
        onOom();
      }
    })().catch(() => undefined);
    pending.add(p);
    void p.finally(() => pending.delete(p));
  });
  /** Lets late events arrive and be judged, then stops listening. */
  const settle = async () => {
    await new Promise((r) => setTimeout(r, 300));
    await Promise.all([...pending]);
    stopEvents();
  };
  return { seen, settle };
}

/**
 * Every POLL_MS: the disk and file limits (against `atStart`, read before the build started) and
 * the process limit; `halt` with the one that was passed.
 */
export function pollLimits(
  limits: BuildLimits,
  pidsDir: string | null,
  disk: { now: () => Free; atStart: Free } | null,
  halt: (why: BuildStop) => void,
): () => void {
  const atStart = disk?.atStart ?? { bytes: 0, files: 0 };
  const poll = setInterval(() => {
    try {
      const now = disk?.now();
      if (now && atStart.bytes - now.bytes > limits.diskMaxBytes) halt("disk");
      if (now && atStart.files && atStart.files - now.files > limits.filesMax) halt("files");
    } catch {
      // One unreadable sample (the next one comes in 100 ms) must not crash the harness.
    }
    if (pidsDir && pidsLimitReached(pidsDir)) halt("pids");
  }, POLL_MS);
  return () => clearInterval(poll);
}

/**
 * Removes every container in the build's cgroup, until a look finds none: the engine normally
 * cancels a build whose client is gone, but a RUN step must never outlive the build.
 */
export async function sweep(docker: Docker, parent: string, known: Set<string>): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const found = await docker.containersInCgroupParent(parent);
    found.forEach((id) => known.add(id));
    if (!found.length) return;
    await docker.removeContainers(found);
    await new Promise((r) => setTimeout(r, 500));
  }
}
