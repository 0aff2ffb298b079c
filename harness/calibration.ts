/**
 * The reference app is measured while no entry process can run: the entry is frozen (the kernel's
 * freezer, `docker pause`) and every connection it holds into the platform is cut first — a
 * disabled toxiproxy proxy closes its connections — so nothing the entry did before can load the
 * reference, its dependency or the load path while the reference's figures are taken.
 */
import type { Docker } from "./docker.ts";
import type { Toxiproxy } from "./toxiproxy.ts";

/** The entry's proxies: its ingress (load and probes) and its way to the dependency. */
export const ENTRY_PROXIES = ["entry", "upstream"] as const;

export interface FreezeParts {
  docker: Pick<Docker, "pause" | "unpause">;
  toxiproxy: Pick<Toxiproxy, "setEnabled">;
  entryContainer: string;
  log: (line: string) => void;
}

/** Runs `measure` with the entry frozen and cut off; thaws and reconnects it afterwards, always. */
export async function withEntryFrozen<T>(p: FreezeParts, measure: () => Promise<T>): Promise<T> {
  try {
    await p.docker.pause(p.entryContainer);
  } catch (e) {
    throw new Error(
      `the entry could not be frozen for calibration (${e instanceof Error ? e.message : e}); ` +
        "the reference is never measured while an entry process can run",
      { cause: e },
    );
  }
  try {
    for (const proxy of ENTRY_PROXIES) await p.toxiproxy.setEnabled(proxy, false);
    p.log("the entry is frozen and cut off while the reference is measured");
    return await measure();
  } finally {
    for (const proxy of ENTRY_PROXIES) await p.toxiproxy.setEnabled(proxy, true);
    await p.docker.unpause(p.entryContainer);
  }
}
