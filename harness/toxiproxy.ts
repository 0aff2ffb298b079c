/** The one home of toxiproxy: the proxies between load and entry and between entry and upstream. */
import { httpJson } from "./http.ts";

export interface Toxiproxy {
  /** The server's version; answers once the API is up. */
  version(): Promise<string>;
  createProxy(name: string, listen: string, upstream: string): Promise<void>;
  setEnabled(name: string, enabled: boolean): Promise<void>;
  addToxic(
    proxy: string,
    toxic: {
      name: string;
      type: string;
      stream?: "upstream" | "downstream";
      attributes: Record<string, number>;
    },
  ): Promise<void>;
  removeToxic(proxy: string, name: string): Promise<void>;
}

export function createToxiproxy(baseUrl: string): Toxiproxy {
  return {
    async version() {
      const r = await fetch(`${baseUrl}/version`, { signal: AbortSignal.timeout(5000) });
      if (!r.ok) throw new Error(`toxiproxy: GET /version answered ${r.status}`);
      return (await r.text()).trim();
    },
    async createProxy(name, listen, upstream) {
      await httpJson(`${baseUrl}/proxies`, {
        method: "POST",
        body: { name, listen, upstream, enabled: true },
      });
    },
    async setEnabled(name, enabled) {
      await httpJson(`${baseUrl}/proxies/${encodeURIComponent(name)}`, { method: "POST", body: { enabled } });
    },
    async addToxic(proxy, t) {
      await httpJson(`${baseUrl}/proxies/${encodeURIComponent(proxy)}/toxics`, {
        method: "POST",
        body: {
          name: t.name,
          type: t.type,
          stream: t.stream ?? "downstream",
          toxicity: 1,
          attributes: t.attributes,
        },
      });
    },
    async removeToxic(proxy, name) {
      await fetch(`${baseUrl}/proxies/${encodeURIComponent(proxy)}/toxics/${encodeURIComponent(name)}`, {
        method: "DELETE",
        signal: AbortSignal.timeout(5000),
      });
    },
  };
}
