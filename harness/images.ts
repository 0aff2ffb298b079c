/**
 * The one list of container images the stack uses. Compose reads each image from an environment
 * variable; by default it is the official reference pinned by digest. Where no registry can be
 * reached, `sre-chaos sandbox` builds local stand-ins and `imageEnv` points the variables at them.
 */
import type { Docker } from "./docker.ts";
import { createDocker } from "./docker.ts";

/** One image of the stack. */
export interface StackImage {
  /** Short name used in reports ("prometheus"). */
  name: string;
  /** The Compose variable naming the image; null when Dockerfiles use it by tag instead. */
  envVar: string | null;
  /** Official repository and tag. */
  official: string;
  /**
   * Digest of the official tag (its multi-platform index), or null where none could be verified when
   * this list was written: such an image is referenced by tag only until someone pins it. Without a
   * registry here, each digest was taken from independent public repositories that pin the same tag
   * to the same value; `docker pull` on a machine with a registry verifies it.
   */
  digest: string | null;
  /** The local stand-in built by `sre-chaos sandbox` (sandbox/recipes.ts tags it). */
  standIn: string;
}

/** Every image of the stack, in the order `doctor` reports them. */
export const STACK_IMAGES: readonly StackImage[] = [
  {
    name: "prometheus",
    envVar: "SRE_CHAOS_PROMETHEUS_IMAGE",
    // The stand-in is Debian's Prometheus 2.42 (what the OS ships); a machine with a registry pulls
    // the 2.53 LTS release. The harness uses nothing that differs between the two (docs/DECISIONS.md).
    official: "prom/prometheus:v2.53.0",
    digest: "sha256:075b1ba2c4ebb04bc3a6ab86c06ec8d8099f8fda1c96ef6d104d9bb1def1d8bc",
    standIn: "sre-chaos-local/prometheus:v2.42.0",
  },
  {
    name: "blackbox exporter",
    envVar: "SRE_CHAOS_BLACKBOX_IMAGE",
    official: "prom/blackbox-exporter:v0.23.0",
    digest: "sha256:ca04aa9d90934a2a4d29861d1ebf0e9802e1119ae68690a461e7f6648f6967e2",
    standIn: "sre-chaos-local/blackbox-exporter:v0.23.0",
  },
  {
    name: "toxiproxy",
    envVar: "SRE_CHAOS_TOXIPROXY_IMAGE",
    // The Docker Hub name; ghcr.io/shopify/toxiproxy publishes the same release.
    official: "shopify/toxiproxy:2.5.0",
    digest: "sha256:927c797a2115a193ae3a527e5a36782b938419904ac6706ca0efa029ebea58cb",
    standIn: "sre-chaos-local/toxiproxy:2.5.0",
  },
  {
    name: "node",
    envVar: "SRE_CHAOS_NODE_IMAGE",
    official: "node:20-bookworm-slim",
    digest: "sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0",
    standIn: "sre-chaos-local/node:20-bookworm-slim",
  },
  {
    name: "nginx (entry base)",
    envVar: null,
    official: "nginx:1.27-alpine",
    digest: null,
    // Contributor Dockerfiles say `FROM nginx:1.27-alpine`: the stand-in carries that very tag.
    standIn: "nginx:1.27-alpine",
  },
  // The templates' other bases (sre-chaos new --template go|python); node's is the one above. Not
  // pinned: no digest of these tags could be verified without a registry.
  {
    name: "golang (entry base)",
    envVar: null,
    official: "golang:1.23-bookworm",
    digest: null,
    standIn: "golang:1.23-bookworm",
  },
  {
    name: "python (entry base)",
    envVar: null,
    official: "python:3.11-slim",
    digest: null,
    standIn: "python:3.11-slim",
  },
];

/** The reference to pull when a registry is reachable: `repo:tag@sha256:…`, or `repo:tag` if unpinned. */
export function officialRef(image: StackImage): string {
  return image.digest ? `${image.official}@${image.digest}` : image.official;
}

/** Where an image variable's value came from. */
export type ImageSource = "environment" | "stand-in" | "official";

/** The value chosen for one image variable and why. */
export interface ImageChoice {
  image: StackImage;
  ref: string;
  source: ImageSource;
}

/**
 * Chooses each variable's value: one the user already set wins; else the local stand-in when it
 * exists; else the pinned official reference (which a machine with a registry can pull).
 */
export async function chooseImages(
  docker: Pick<Docker, "imageInfo"> = createDocker(),
  env: NodeJS.ProcessEnv = process.env,
): Promise<ImageChoice[]> {
  const out: ImageChoice[] = [];
  for (const image of STACK_IMAGES) {
    const set = image.envVar ? env[image.envVar] : undefined;
    if (set) out.push({ image, ref: set, source: "environment" });
    else if (await docker.imageInfo(image.standIn))
      out.push({ image, ref: image.standIn, source: "stand-in" });
    else out.push({ image, ref: officialRef(image), source: "official" });
  }
  return out;
}

/** The Compose image variables (SRE_CHAOS_*_IMAGE) for this machine. */
export async function imageEnv(
  docker: Pick<Docker, "imageInfo"> = createDocker(),
  env: NodeJS.ProcessEnv = process.env,
): Promise<Record<string, string>> {
  const vars: Record<string, string> = {};
  for (const c of await chooseImages(docker, env)) if (c.image.envVar) vars[c.image.envVar] = c.ref;
  return vars;
}
