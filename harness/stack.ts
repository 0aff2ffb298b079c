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
import { SCRAPE_TARGETS } from "./measure.ts";

/**
 * Where load and probes reach the apps: toxiproxy's listeners on its `ingress` address. The entry
 * and the reference are never on `ingress`, and the load generator never reaches them directly.
 */
export const TARGETS = {
  entry: "http://ingress:18080",
  reference: "http://ingress:18081",
  /** The load path's null sink (docs/FAIRNESS.md): no app, only the load generator and one proxy hop. */
  sink: "http://ingress:18082",
} as const;

/** The platform's services (docker-compose.yml), started before any app. */
export const PLATFORM_SERVICES = [
  "prometheus",
  "blackbox",
  "upstream",
  "upstream-origin",
  "loadgen",
  "sink",
  "entry-netns",
  "reference-netns",
] as const;

/**
 * Variables of the harness's own environment that Compose itself needs (finding the engine and
 * its configuration). Nothing else of the harness's or the runner's environment reaches Compose,
 * so nothing else can be interpolated into a file or reach a container.
 */
const COMPOSE_HOST_VARS = [
  "PATH",
  "HOME",
  "DOCKER_HOST",
  "DOCKER_CONTEXT",
  "DOCKER_CONFIG",
  "DOCKER_CERT_PATH",
  "DOCKER_TLS_VERIFY",
  "XDG_RUNTIME_DIR",
] as const;

/** The whole environment Compose runs with: the few host variables above, then `vars`. */
export function composeEnv(host: NodeJS.ProcessEnv, vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const k of COMPOSE_HOST_VARS) if (host[k] !== undefined) env[k] = host[k];
  return { ...env, ...vars };
}

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

/** The run's Compose project: the platform's file plus a generated one for the apps (entry, reference). */
async function composeProject(o: StackOptions, placement: CpuPlacement) {
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
  // An empty env file: Compose would otherwise read a `.env` from the project directory.
  const envFile = join(o.runDir, "compose.env");
  writeFileSync(envFile, "");
  const env = composeEnv(process.env, {
    ...o.env,
    SRE_CHAOS_QUOTE_KEY: o.quoteKey,
    SRE_CHAOS_BUILD_TAG: o.buildTag,
    SRE_CHAOS_PLATFORM_CPUS: placement.loadCpuset ?? "",
    SRE_CHAOS_LOAD_CPUS: placement.loadCpuset ?? "",
    SRE_CHAOS_ENTRY_CPUS: placement.entryCpuset ?? "",
  });
  const compose = await o.docker.compose({
    project: `srechaos-${o.runId.toLowerCase()}`,
    files: [join(o.root, "docker-compose.yml"), entryFile],
    cwd: o.root,
    env,
    envFile,
  });
  return { compose, apps: services.map((s) => s.name) };
}

/**
 * toxiproxy's five proxies. Every listener is bound to one network's address, so each network sees
 * only its own: the entry's network sees upstream:8080 and nothing else. The apps are dialled by the
 * address of their namespace holder, which never changes (a name lookup of a restarting container
 * on an internal network takes 10 s to fail, and toxiproxy dials inside its accept loop).
 */
async function createProxies(o: StackOptions, compose: Compose, toxiproxy: Toxiproxy): Promise<void> {
  const addr = await addressesOf(o.docker, compose);
  const edge = addr("upstream");
  await toxiproxy.createProxy("upstream", `${edge("entry-net")}:8080`, "upstream-origin:8080");
  await toxiproxy.createProxy("reference-upstream", `${edge("reference-net")}:8080`, "upstream-origin:8080");
  const appPort = { entry: o.entry.port, reference: 8080 };
  await toxiproxy.createProxy(
    "entry",
    `${edge("ingress")}:18080`,
    `${addr("entry-netns")("entry-net")}:${appPort.entry}`,
  );
  await toxiproxy.createProxy(
    "reference",
    `${edge("ingress")}:18081`,
    `${addr("reference-netns")("reference-net")}:${appPort.reference}`,
  );
  await toxiproxy.createProxy("sink", `${edge("ingress")}:18082`, `${addr("sink")("ingress")}:8080`);
}

export async function startStack(o: StackOptions): Promise<Stack> {
  const placement = cpuPlacement(cpus().length);
  const { compose, apps } = await composeProject(o, placement);
  const down = async () => {
    try {
      await compose.down();
    } catch (e) {
      o.log(`teardown: ${e instanceof Error ? e.message : e}`);
    }
  };
  try {
    await compose.up([...PLATFORM_SERVICES]);
    const local = async (service: string, port: number) =>
      `http://127.0.0.1:${await compose.port(service, port)}`;
    const prometheusUrl = await local("prometheus", 9090);
    const prometheus = createPrometheus(prometheusUrl);
    const loadgen = createLoadGen(await local("loadgen", 9464));
    const toxiproxy = createToxiproxy(await local("upstream", 8474));
    const upstream = createUpstreamControl(await local("upstream-origin", 8081));
    await waitFor("toxiproxy", 30_000, () => toxiproxy.version());
    await createProxies(o, compose, toxiproxy);
    // Only now do the apps start: their dependency is already there.
    await compose.up(apps);
    const entryContainer = await compose.containerId("entry");
    await prometheus.ready(60_000);
    await waitFor("loadgen", 30_000, () => loadgen.status());
    // A load that starts before Prometheus has scraped its targets loses its first seconds (and
    // a run that reuses a recorded reference starts its load right after the gate).
    await waitFor("prometheus's first scrapes of the load generator and the probe", 30_000, () =>
      prometheus.targetsUp(Object.values(SCRAPE_TARGETS)),
    );
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

/** `addr(service)(network)`: a running service's IPv4 address on one of the project's networks. */
async function addressesOf(docker: Docker, compose: Compose) {
  const byService = new Map<string, Record<string, string>>();
  for (const service of ["upstream", "entry-netns", "reference-netns", "sink"]) {
    byService.set(service, (await docker.inspect(await compose.containerId(service))).addresses);
  }
  return (service: string) => (network: string) => {
    const a = byService.get(service)?.[`${compose.project}_${network}`];
    if (!a) throw new Error(`stack: ${service} has no address on the ${network} network`);
    return a;
  };
}

/** Limits that are the same for every entry, as recorded in docs/ENTRY.md. */
export { ENTRY_LIMITS };
