/**
 * The chaos engine: applies a challenge's fault timeline to the running stack from the host
 * (Docker Engine, toxiproxy API, upstream's control API) — never from inside the app's network.
 * A new fault is one entry in ACTIONS; the timeline itself is data in scoring/challenges/.
 */
import type { FaultWindow } from "../scoring/measurements.ts";
import type { PlannedFault } from "../scoring/plan.ts";
import type { Docker } from "./docker.ts";
import { ENTRY_LIMITS } from "./compose-entry.ts";
import type { Toxiproxy } from "./toxiproxy.ts";
import type { UpstreamControl } from "./upstream-client.ts";

export interface ChaosContext {
  docker: Docker;
  /** Container id of the entry under test. */
  entry: string;
  toxiproxy: Toxiproxy;
  upstream: UpstreamControl;
  log: (line: string) => void;
}

type Params = Record<string, string | number | boolean>;
interface Action {
  apply(ctx: ChaosContext, f: PlannedFault, p: Params): Promise<void>;
  /** Undo at the end of the window; absent for instantaneous faults (kill, restart). */
  revert?(ctx: ChaosContext, f: PlannedFault, p: Params): Promise<void>;
}

const num = (p: Params, k: string, d: number): number => (typeof p[k] === "number" ? (p[k] as number) : d);
/** toxiproxy proxy for a fault target: `entry` is the load→entry path, `upstream` the entry→upstream path. */
const proxyOf = (target: string): string => (target === "upstream" ? "upstream" : "entry");
const toxicName = (f: PlannedFault): string => `${f.action}-${Math.round(f.at * 1000)}`;

export const ACTIONS: Record<string, Action> = {
  pause: {
    apply: (c) => c.docker.pause(c.entry),
    revert: (c) => c.docker.unpause(c.entry),
  },
  kill: { apply: (c) => c.docker.crash(c.entry) },
  restart: { apply: (c) => c.docker.restart(c.entry) },
  "cpu-starve": {
    apply: (c, _f, p) => c.docker.update(c.entry, { cpus: num(p, "cpus", 0.1) }),
    revert: (c) => c.docker.update(c.entry, { cpus: ENTRY_LIMITS.cpus }),
  },
  "memory-squeeze": {
    apply: (c, _f, p) => c.docker.update(c.entry, { memoryMiB: num(p, "memoryMiB", 64) }),
    revert: (c) => c.docker.update(c.entry, { memoryMiB: ENTRY_LIMITS.memoryMiB }),
  },
  latency: {
    apply: (c, f, p) =>
      c.toxiproxy.addToxic(proxyOf(f.target), {
        name: toxicName(f),
        type: "latency",
        attributes: { latency: num(p, "latencyMs", 300), jitter: num(p, "jitterMs", 0) },
      }),
    revert: (c, f) => c.toxiproxy.removeToxic(proxyOf(f.target), toxicName(f)),
  },
  timeout: {
    apply: (c, f, p) =>
      c.toxiproxy.addToxic(proxyOf(f.target), {
        name: toxicName(f),
        type: "timeout",
        attributes: { timeout: num(p, "timeoutMs", 0) },
      }),
    revert: (c, f) => c.toxiproxy.removeToxic(proxyOf(f.target), toxicName(f)),
  },
  outage: {
    apply: (c, f) => c.toxiproxy.setEnabled(proxyOf(f.target), false),
    revert: (c, f) => c.toxiproxy.setEnabled(proxyOf(f.target), true),
  },
  "upstream-slow": {
    apply: (c, _f, p) =>
      c.upstream.set({ mode: "slow", latencyMs: num(p, "latencyMs", 800), jitterMs: num(p, "jitterMs", 0) }),
    revert: (c) => c.upstream.clear(),
  },
  "upstream-flaky": {
    apply: (c, _f, p) =>
      c.upstream.set({
        mode: "flaky",
        errorRate: num(p, "errorRate", 0.5),
        latencyMs: num(p, "latencyMs", 0),
        errorStatus: num(p, "errorStatus", 500),
      }),
    revert: (c) => c.upstream.clear(),
  },
  "upstream-down": {
    apply: (c, _f, p) => c.upstream.set({ mode: "down", errorStatus: num(p, "errorStatus", 503) }),
    revert: (c) => c.upstream.clear(),
  },
};

/** Runs a fault timeline against a clock started at `t0` (ms since epoch); resolves with what happened. */
export class ChaosRun {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly reverts = new Map<PlannedFault, () => Promise<void>>();
  readonly windows: FaultWindow[] = [];

  constructor(
    private readonly ctx: ChaosContext,
    private readonly t0: number,
  ) {}

  /** Schedules every fault; unknown actions are refused before anything starts. */
  schedule(faults: readonly PlannedFault[]): void {
    for (const f of faults) if (!ACTIONS[f.action]) throw new Error(`chaos: unknown action "${f.action}"`);
    for (const f of faults) {
      const delay = Math.max(0, this.t0 + f.at * 1000 - Date.now());
      this.timers.push(setTimeout(() => this.track(this.start(f)), delay));
    }
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private now(): number {
    return Math.max(0, (Date.now() - this.t0) / 1000);
  }

  private async start(f: PlannedFault): Promise<void> {
    const action = ACTIONS[f.action]!;
    const params = f.params;
    const window: FaultWindow = {
      action: f.action,
      target: f.target,
      start: this.now(),
      end: this.now(),
      params: { ...params },
    };
    this.windows.push(window);
    try {
      await action.apply(this.ctx, f, params);
      this.ctx.log(`chaos: ${f.action} on ${f.target} at ${window.start.toFixed(1)} s`);
    } catch (e) {
      window.params = { ...window.params, error: String(e instanceof Error ? e.message : e).slice(0, 180) };
      this.ctx.log(`chaos: ${f.action} failed: ${window.params.error}`);
      return;
    }
    if (!action.revert || f.duration <= 0) return;
    const revert = async () => {
      this.reverts.delete(f);
      try {
        await action.revert!(this.ctx, f, params);
      } catch (e) {
        this.ctx.log(`chaos: undoing ${f.action} failed: ${e instanceof Error ? e.message : e}`);
      }
      window.end = this.now();
    };
    this.reverts.set(f, revert);
    const delay = Math.max(0, this.t0 + (f.at + f.duration) * 1000 - Date.now());
    this.timers.push(setTimeout(() => this.track(revert()), delay));
  }

  /** Cancels what has not started, undoes what is active, and waits for all of it. */
  async finish(): Promise<FaultWindow[]> {
    this.timers.forEach(clearTimeout);
    await Promise.allSettled([...this.pending]);
    await Promise.allSettled([...this.reverts.values()].map((r) => r()));
    return this.windows.map((w) => ({ ...w, end: Math.max(w.end, w.start) }));
  }
}
