/**
 * What the harness watches beside one load run: the entry's CPU and memory (Docker stats, per
 * second), its restarts (start times, once a second), and which of a plan's stages ran.
 */
import type { StagePlan } from "../scoring/index.ts";
import type { Docker } from "./docker.ts";

/** The stages that started within `seconds` of load, as phases cut at that time. */
export function phasesOf(stages: StagePlan[], seconds: number) {
  let at = 0;
  const out = [];
  for (const s of stages) {
    const start = at;
    at += s.duration;
    if (start >= seconds) break;
    out.push({ name: s.name, start, end: Math.min(at, seconds), targetRate: s.rate });
  }
  return out;
}

/** Samples the Docker stats of a container, bucketed per second after `t0`. */
export function sampleResources(docker: Docker, container: string) {
  const samples: { t: number; cpu: number; memory: number }[] = [];
  const stop = docker.stats(container, (s) =>
    samples.push({ t: Date.now() / 1000, cpu: s.cpu, memory: s.memoryMiB }),
  );
  return {
    stop,
    perSecond(t0: number, seconds: number) {
      const cpu: (number | null)[] = Array.from({ length: seconds }, () => null);
      const memory: (number | null)[] = Array.from({ length: seconds }, () => null);
      for (const s of samples) {
        const i = Math.floor(s.t - t0);
        if (i < 0 || i >= seconds) continue;
        cpu[i] = Math.max(cpu[i] ?? 0, s.cpu);
        memory[i] = Math.max(memory[i] ?? 0, s.memory);
      }
      return { cpu, memory };
    },
  };
}

/**
 * Counts the entry's restarts (crash recovery by its restart policy, or a `docker restart`) by
 * watching when its process started, once a second. Docker's RestartCount cannot be used: a
 * `docker restart` resets it to 0.
 */
export function watchRestarts(docker: Docker, container: string, startedAt: string) {
  let last = startedAt;
  let count = 0;
  const check = async () => {
    try {
      const s = await docker.inspect(container);
      if (s.startedAt !== last && s.running) {
        count++;
        last = s.startedAt;
      }
    } catch {
      // The engine was too busy to answer this second; the next check catches up.
    }
  };
  const timer = setInterval(() => void check(), 1000);
  return {
    check,
    stop: () => clearInterval(timer),
    get count() {
      return count;
    },
  };
}
