/**
 * Which app may run: the entry, the reference (url-anvil), the load path's null sink, or — before
 * any measurement — all of them. An app that is not measured is frozen (the kernel's freezer,
 * `docker pause`) and every connection it holds into the platform is cut first — a disabled
 * toxiproxy proxy closes its connections — so nothing it did before can load the measured app,
 * the dependency or the load path. The reference is never measured while an entry process can
 * run; the entry never runs beside the reference's load either. Step ladders switch back and
 * forth (harness/step-ladder.ts).
 */
import type { Docker } from "./docker.ts";
import type { Toxiproxy } from "./toxiproxy.ts";

export const APPS = ["entry", "reference", "sink"] as const;
export type App = (typeof APPS)[number];

/** Each app's proxies: its ingress (load and probes) and its way to the dependency (the sink has none). */
export const APP_PROXIES: Record<App, readonly string[]> = {
  entry: ["entry", "upstream"],
  reference: ["reference", "reference-upstream"],
  sink: ["sink"],
};

export interface SwitchParts {
  docker: Pick<Docker, "pause" | "unpause">;
  toxiproxy: Pick<Toxiproxy, "setEnabled">;
  /** The apps this switch runs one at a time, and their containers. */
  containers: Partial<Record<App, string>>;
  log: (line: string) => void;
}

export interface AppSwitch {
  /** Freezes and cuts off every other app (those that run), then reconnects and thaws `app` (if frozen). */
  activate(app: App): Promise<void>;
  /** Thaws and reconnects every frozen app; always called at the end (a finally). */
  release(): Promise<void>;
  /** The app that runs alone, or null while both may run. */
  readonly active: App | null;
}

export function createAppSwitch(p: SwitchParts): AppSwitch {
  const apps = APPS.filter((a) => p.containers[a] !== undefined);
  const frozen = new Set<App>();
  let active: App | null = null;
  const freeze = async (app: App) => {
    try {
      await p.docker.pause(p.containers[app]!);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new Error(`the ${app} could not be frozen (${why}); no app runs while another is measured`, {
        cause: e,
      });
    }
    frozen.add(app);
    for (const proxy of APP_PROXIES[app]) await p.toxiproxy.setEnabled(proxy, false);
  };
  const thaw = async (app: App) => {
    for (const proxy of APP_PROXIES[app]) await p.toxiproxy.setEnabled(proxy, true);
    await p.docker.unpause(p.containers[app]!);
    frozen.delete(app);
  };
  return {
    async activate(app) {
      if (active === app) return;
      if (!apps.includes(app)) throw new Error(`the switch does not run the ${app}`);
      for (const other of apps) if (other !== app && !frozen.has(other)) await freeze(other);
      if (frozen.has(app)) await thaw(app);
      active = app;
    },
    async release() {
      // The entry last: nothing else is frozen by the time it runs again.
      for (const app of [...apps].reverse()) if (frozen.has(app)) await thaw(app);
      active = null;
    },
    get active() {
      return active;
    },
  };
}
