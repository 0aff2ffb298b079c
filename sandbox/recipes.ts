/**
 * The recipes of the local stand-in images: what each is built from and under which tags.
 * A recipe's hash covers everything that shapes the image (Dockerfile, files, host binaries,
 * the base recipe), so `sandbox` rebuilds an image exactly when its recipe changed.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { PROMETHEUS_FILES, BLACKBOX_FILES } from "./stand-in-files.ts";
import { NGINX_FILES, nginxDockerfile } from "./nginx-files.ts";
import { goRecipe, nodeRecipe, pythonRecipe, type ToolchainSources } from "./toolchain-files.ts";

/** The label carrying a stand-in's recipe hash. */
export const RECIPE_LABEL = "org.sre-chaos.recipe";

/** Debian release of the base tree; the stand-ins mimic bookworm-based official images. */
export const SUITE = "bookworm";

/**
 * Packages in the shared base tree. nginx, wget, curl and envsubst (gettext-base) cost a few MB;
 * sharing one tree means most stand-ins reuse the same layer instead of a debootstrap each (the
 * node and golang stand-ins remove what their official images lack).
 */
export const BASE_PACKAGES = ["nginx", "wget", "curl", "gettext-base", "libstdc++6", "ca-certificates"];

/**
 * Where a file in the build context comes from: literal text, a file on the host (hashed by its
 * bytes), or a folder on the host, copied whole and hashed by `identity` (a release name that
 * fixes its content, e.g. `npm@11.1.0`: hashing 250 MB of Go toolchain on every call would not be).
 */
export type ContextFile =
  | { text: string; mode?: number }
  | { hostPath: string; mode?: number }
  | { hostTree: string; identity: string };

/** An image built with `docker build` on top of the base (or scratch). */
export interface DockerfileRecipe {
  kind: "dockerfile";
  name: string;
  /** First tag is the primary one; all tags point at the same image. */
  tags: string[];
  dockerfile: string;
  files: Record<string, ContextFile>;
  /** The tag of the rootfs recipe the Dockerfile starts FROM (its hash is part of this one's), or null. */
  base: string | null;
}

/** The Debian tree made with debootstrap and imported with `docker import`. */
export interface RootfsRecipe {
  kind: "rootfs";
  name: string;
  tags: string[];
  suite: string;
  packages: string[];
  /** Paths removed from the tree before import, to keep it small. */
  prune: string[];
  cmd: string[];
}

export type Recipe = DockerfileRecipe | RootfsRecipe;

export const BASE_TAG = `sre-chaos-local/debian:${SUITE}`;

export const BASE_RECIPE: RootfsRecipe = {
  kind: "rootfs",
  name: "debian",
  tags: [BASE_TAG],
  suite: SUITE,
  packages: BASE_PACKAGES,
  prune: [
    "usr/share/doc",
    "usr/share/man",
    "usr/share/info",
    "usr/share/locale",
    "usr/share/lintian",
    "var/cache/apt",
    "var/lib/apt/lists",
    "var/cache/debconf/templates.dat-old",
    "var/log",
  ],
  cmd: ["bash"],
};

/** A second tree for the python stand-in: Debian's Python and pip, without the base's extra tools. */
export const PYTHON_ROOTFS: RootfsRecipe = {
  ...BASE_RECIPE,
  name: "debian-python",
  tags: [`sre-chaos-local/debian-python:${SUITE}`],
  packages: ["python3", "python3-pip", "python3-venv", "ca-certificates"],
  cmd: ["python3"],
};

/** Every rootfs recipe, built before the Dockerfile images. */
export const ROOTFS_RECIPES: readonly RootfsRecipe[] = [BASE_RECIPE, PYTHON_ROOTFS];

/** Paths of the host binaries and build outputs the recipes copy in. */
export interface HostBinaries extends ToolchainSources {
  prometheus: string;
  blackbox: string;
  toxiproxy: string;
}

/** Pinned toxiproxy version, built with `go install`. */
export const TOXIPROXY_VERSION = "v2.5.0";
export const TOXIPROXY_MODULE = "github.com/Shopify/toxiproxy/v2/cmd/server";

/** nginx, under the tags the templates and entries use. */
function nginxRecipe(): DockerfileRecipe {
  return {
    kind: "dockerfile",
    name: "nginx",
    tags: [
      "nginx:1.27-alpine",
      "nginx:1.27",
      "nginx:alpine",
      "nginx:latest",
      "sre-chaos-local/nginx:1.27-alpine",
    ],
    base: BASE_TAG,
    files: NGINX_FILES,
    dockerfile: nginxDockerfile(BASE_TAG),
  };
}

/** Prometheus, with the entrypoint, user and paths of its official image. */
function prometheusRecipe(bin: HostBinaries): DockerfileRecipe {
  return {
    kind: "dockerfile",
    name: "prometheus",
    tags: ["sre-chaos-local/prometheus:v2.42.0"],
    base: BASE_TAG,
    files: { prometheus: { hostPath: bin.prometheus, mode: 0o755 }, ...PROMETHEUS_FILES },
    // Same entrypoint, user and paths as prom/prometheus, so compose commands work unchanged.
    // /prometheus is 1777: a `tmpfs: /prometheus` mount takes the image directory's mode but
    // not its owner (root), and Prometheus runs as nobody with every capability dropped.
    dockerfile: `FROM ${BASE_TAG}
COPY prometheus /bin/prometheus
COPY prometheus.yml /etc/prometheus/prometheus.yml
RUN mkdir -p /prometheus && chown nobody:nogroup /prometheus && chmod 1777 /prometheus && /bin/prometheus --version
USER nobody
EXPOSE 9090
VOLUME ["/prometheus"]
WORKDIR /prometheus
ENTRYPOINT ["/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
`,
  };
}

/** The blackbox exporter (the availability probe). */
function blackboxRecipe(bin: HostBinaries): DockerfileRecipe {
  return {
    kind: "dockerfile",
    name: "blackbox-exporter",
    tags: ["sre-chaos-local/blackbox-exporter:v0.23.0"],
    base: BASE_TAG,
    files: { blackbox_exporter: { hostPath: bin.blackbox, mode: 0o755 }, ...BLACKBOX_FILES },
    dockerfile: `FROM ${BASE_TAG}
COPY blackbox_exporter /bin/blackbox_exporter
COPY config.yml /etc/blackbox_exporter/config.yml
RUN /bin/blackbox_exporter --version
USER nobody
EXPOSE 9115
ENTRYPOINT ["/bin/blackbox_exporter"]
CMD ["--config.file=/etc/blackbox_exporter/config.yml"]
`,
  };
}

/** toxiproxy: a static Go binary on an empty base. */
function toxiproxyRecipe(bin: HostBinaries): DockerfileRecipe {
  return {
    kind: "dockerfile",
    name: "toxiproxy",
    tags: [`sre-chaos-local/toxiproxy:${TOXIPROXY_VERSION.slice(1)}`],
    base: null,
    files: { "toxiproxy-server": { hostPath: bin.toxiproxy, mode: 0o755 } },
    // A static Go binary needs nothing else; entrypoint and port as in the official image.
    dockerfile: `FROM scratch
COPY toxiproxy-server /toxiproxy
EXPOSE 8474
ENTRYPOINT ["/toxiproxy"]
CMD ["-host=0.0.0.0"]
`,
  };
}

/** All stand-ins except the base, in build order. */
export function imageRecipes(bin: HostBinaries): DockerfileRecipe[] {
  return [
    nginxRecipe(),
    prometheusRecipe(bin),
    blackboxRecipe(bin),
    toxiproxyRecipe(bin),
    nodeRecipe(BASE_TAG, bin),
    goRecipe(BASE_TAG, bin),
    pythonRecipe(PYTHON_ROOTFS.tags[0]!),
  ];
}

/** sha256 of a host file's bytes (streamed: the node binary is ~100 MB). */
export function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash("sha256");
    createReadStream(path)
      .on("data", (c) => h.update(c))
      .on("error", reject)
      .on("end", () => resolve(h.digest("hex")));
  });
}

/**
 * The recipe hash: sha256 over a canonical description of the recipe, with host files replaced
 * by the hash of their bytes and the base's hash folded in for images built FROM it.
 */
export async function recipeHash(
  recipe: Recipe,
  opts: { baseHash?: string; hashHostFile?: (path: string) => Promise<string> } = {},
): Promise<string> {
  const hashHost = opts.hashHostFile ?? hashFile;
  let canonical: unknown;
  if (recipe.kind === "rootfs") {
    canonical = { ...recipe, format: 1 };
  } else {
    const files: Record<string, unknown> = {};
    for (const name of Object.keys(recipe.files).sort()) {
      const f = recipe.files[name]!;
      if ("text" in f) files[name] = { text: f.text, mode: f.mode };
      else if ("hostTree" in f) files[name] = { tree: f.identity };
      else files[name] = { sha256: await hashHost(f.hostPath), mode: f.mode };
    }
    canonical = {
      format: 1,
      name: recipe.name,
      tags: recipe.tags,
      dockerfile: recipe.dockerfile,
      files,
      base: recipe.base ? (opts.baseHash ?? "") : null,
    };
  }
  return createHash("sha256").update(JSON.stringify(canonical)).digest("hex");
}

/** Every tag `sandbox` builds (trees first), e.g. for the cold benchmark to remove exactly those. */
export function allStandInTags(): string[] {
  const placeholder: HostBinaries = {
    prometheus: "",
    blackbox: "",
    toxiproxy: "",
    node: "",
    nodeVersion: "",
    npm: { dir: "", version: "" },
    corepack: null,
    goroot: "",
  };
  return [...ROOTFS_RECIPES.flatMap((r) => r.tags), ...imageRecipes(placeholder).flatMap((r) => r.tags)];
}
