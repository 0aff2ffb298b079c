/**
 * One run's Compose stack: builds the platform images and the entry, writes the entry's service,
 * starts everything under a project name unique to the run, wires toxiproxy, and tears it all down.
 */
import { cpus } from "node:os";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Docker, Compose } from "./docker.ts";
import { entryComposeFile, ENTRY_LIMITS, type EntryServiceSpec } from "./compose-entry.ts";
import { createPrometheus, type Prometheus } from "./prometheus.ts";
import { createLoadGen, type LoadGen } from "./loadgen-client.ts";
import { createToxiproxy, type Toxiproxy } from "./toxiproxy.ts";
import { createUpstreamControl, type UpstreamControl } from "./upstream-client.ts";
import { waitFor } from "./http.ts";

/** Where the proxies listen inside the arena network; load and probes use these, never the entry directly. */
export const TARGETS = { entry: "http://toxiproxy:18080", reference: "http://toxiproxy:18081" } as const;

export interface CpuPlacement {
  entry: string;
  load: string;
  /** cpuset values, or null when the machine has a single CPU and everything shares it. */
  entryCpuset: string | null;
  loadCpuset: string | null;
}

/** The entry gets its own CPU where the machine allows it; the platform (load, probes, Prometheus) the rest. */
export function cpuPlacement(count: number): CpuPlacement {
  if (count < 2) return { entry: "shared", load: "shared", entryCpuset: null, loadCpuset: null };
  const entry = String(count - 1);
  const load = count === 2 ? "0" : `0-${count - 2}`;
  return { entry, load, entryCpuset: entry, loadCpuset: load };
}

export interface StackOptions {
  root: string;
  runDir: string;
  runId: string;
  docker: Docker;
  /** Image variables (harness/images.ts) and anything else Compose must see. */
  env: Record<string, string>;
  quoteKey: string;
  buildTag: string;
  entry: Omit<EntryServiceSpec, "name" | "cpuset">;
  /** Also start the reference app (url-anvil) beside the entry. */
  withReference: boolean;
  log: (line: string) => void;
}

export interface Stack {
  compose: Compose;
  placement: CpuPlacement;
  prometheus: Prometheus;
  /** Prometheus on 127.0.0.1, for remote write. */
  prometheusUrl: string;
  loadgen: LoadGen;
  toxiproxy: Toxiproxy;
  upstream: UpstreamControl;
  entryContainer: string;
  down(): Promise<void>;
}

/** Builds the platform's images (upstream, url-anvil, loadgen) unless this build's tag exists. */
export async function buildPlatformImages(
  root: string,
  docker: Docker,
  tag: string,
  log: (l: string) => void,
): Promise<{ upstream: string; urlAnvil: string; loadgen: string }> {
  const images = {
    upstream: `sre-chaos-local/upstream:${tag}`,
    urlAnvil: `sre-chaos-local/url-anvil:${tag}`,
    loadgen: `sre-chaos-local/loadgen:${tag}`,
  };
  const contexts: [string, string][] = [
    [images.upstream, join(root, "services", "upstream")],
    [images.urlAnvil, join(root, "services", "url-anvil")],
    [images.loadgen, join(root, "loadgen")],
  ];
  for (const [image, context] of contexts) {
    if (await docker.imageInfo(image)) continue;
    const t = Date.now();
    await docker.build({ context, tag: image, timeoutMs: 300_000 });
    log(`built ${image} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  }
  return images;
}

export async function startStack(o: StackOptions): Promise<Stack> {
  const placement = cpuPlacement(cpus().length);
  const images = await buildPlatformImages(o.root, o.docker, o.buildTag, o.log);
  const services: EntryServiceSpec[] = [{ ...o.entry, name: "entry", cpuset: placement.entryCpuset }];
  if (o.withReference) {
    services.push({
      name: "reference",
      image: images.urlAnvil,
      port: 8080,
      restart: "always",
      healthcheck: null,
      cpuset: placement.entryCpuset,
    });
  }
  mkdirSync(o.runDir, { recursive: true });
  const entryFile = join(o.runDir, "entry.compose.yml");
  writeFileSync(entryFile, entryComposeFile(services));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...o.env,
    SRE_CHAOS_QUOTE_KEY: o.quoteKey,
    SRE_CHAOS_BUILD_TAG: o.buildTag,
    SRE_CHAOS_PLATFORM_CPUS: placement.loadCpuset ?? "",
    SRE_CHAOS_LOAD_CPUS: placement.loadCpuset ?? "",
  };
  const compose = await o.docker.compose({
    project: `srechaos-${o.runId.toLowerCase()}`,
    files: [join(o.root, "docker-compose.yml"), entryFile],
    cwd: o.root,
    env,
  });
  const down = async () => {
    try {
      await compose.down();
    } catch (e) {
      o.log(`teardown: ${e instanceof Error ? e.message : e}`);
    }
  };
  try {
    await compose.up();
    const local = async (service: string, port: number) =>
      `http://127.0.0.1:${await compose.port(service, port)}`;
    const prometheusUrl = await local("prometheus", 9090);
    const prometheus = createPrometheus(prometheusUrl);
    const loadgen = createLoadGen(await local("loadgen", 9464));
    const toxiproxy = createToxiproxy(await local("toxiproxy", 8474));
    const upstream = createUpstreamControl(await local("upstream-origin", 8081));
    await waitFor("toxiproxy", 30_000, async () => {
      await toxiproxy.createProxy("upstream", "0.0.0.0:8080", "upstream-origin:8080");
    });
    // The proxies dial the entry and the reference by address, not by name: while a crashed
    // container restarts, Docker's DNS has no record of it and a lookup on an internal network
    // takes 10 s to fail — and toxiproxy dials inside its accept loop, so one such lookup stalls
    // every connection behind it. Docker keeps a container's address across restarts. A container
    // that is not running has no address: then its name is used, and the health wait says why.
    const arenaAddress = async (service: string) => {
      const id = await compose.containerId(service);
      return (await o.docker.inspect(id)).addresses[`${compose.project}_arena`] ?? service;
    };
    const entryContainer = await compose.containerId("entry");
    await toxiproxy.createProxy("entry", "0.0.0.0:18080", `${await arenaAddress("entry")}:${o.entry.port}`);
    if (o.withReference)
      await toxiproxy.createProxy("reference", "0.0.0.0:18081", `${await arenaAddress("reference")}:8080`);
    await prometheus.ready(60_000);
    await waitFor("loadgen", 30_000, () => loadgen.status());
    return {
      compose,
      placement,
      prometheus,
      prometheusUrl,
      loadgen,
      toxiproxy,
      upstream,
      entryContainer,
      down,
    };
  } catch (e) {
    await down();
    throw e;
  }
}

/** Limits that are the same for every entry, as recorded in docs/ENTRY.md. */
export { ENTRY_LIMITS };
