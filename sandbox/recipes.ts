/**
 * The recipes of the local stand-in images: what each is built from and under which tags.
 * A recipe's hash covers everything that shapes the image (Dockerfile, files, host binaries,
 * the base recipe), so `sandbox` rebuilds an image exactly when its recipe changed.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { NGINX_FILES, PROMETHEUS_FILES, BLACKBOX_FILES } from "./stand-in-files.ts";

/** The label carrying a stand-in's recipe hash. */
export const RECIPE_LABEL = "org.sre-chaos.recipe";

/** Debian release of the base tree; the stand-ins mimic bookworm-based official images. */
export const SUITE = "bookworm";

/**
 * Packages in the one shared base tree. nginx and wget cost a few MB; sharing one tree means
 * every stand-in reuses the same layer instead of a debootstrap each.
 */
export const BASE_PACKAGES = ["nginx", "wget", "libstdc++6", "ca-certificates"];

/** Where a file in the build context comes from: literal text, or a file on the host. */
export type ContextFile = { text: string; mode?: number } | { hostPath: string; mode?: number };

/** An image built with `docker build` on top of the base (or scratch). */
export interface DockerfileRecipe {
  kind: "dockerfile";
  name: string;
  /** First tag is the primary one; all tags point at the same image. */
  tags: string[];
  dockerfile: string;
  files: Record<string, ContextFile>;
  /** True when the Dockerfile starts FROM the base tree, so the base recipe is part of the hash. */
  usesBase: boolean;
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

/** Paths of the host binaries and build outputs the recipes copy in. */
export interface HostBinaries {
  prometheus: string;
  blackbox: string;
  toxiproxy: string;
  node: string;
}

/** Pinned toxiproxy version, built with `go install`. */
export const TOXIPROXY_VERSION = "v2.5.0";
export const TOXIPROXY_MODULE = "github.com/Shopify/toxiproxy/v2/cmd/server";

/** All stand-ins except the base, in build order. */
export function imageRecipes(bin: HostBinaries): DockerfileRecipe[] {
  return [
    {
      kind: "dockerfile",
      name: "nginx",
      tags: [
        "nginx:1.27-alpine",
        "nginx:1.27",
        "nginx:alpine",
        "nginx:latest",
        "sre-chaos-local/nginx:1.27-alpine",
      ],
      usesBase: true,
      files: NGINX_FILES,
      dockerfile: `FROM ${BASE_TAG}
# The official image's user (uid/gid 101) and layout; Debian's own site config is removed.
RUN groupadd --system --gid 101 nginx \\
 && useradd --system --uid 101 --gid nginx --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin nginx \\
 && rm -rf /etc/nginx/sites-enabled /etc/nginx/sites-available /etc/nginx/modules-enabled /var/www \\
 && mkdir -p /etc/nginx/conf.d /usr/share/nginx/html /var/cache/nginx /var/log/nginx \\
 && ln -sf /dev/stdout /var/log/nginx/access.log \\
 && ln -sf /dev/stderr /var/log/nginx/error.log
COPY nginx.conf /etc/nginx/nginx.conf
COPY default.conf /etc/nginx/conf.d/default.conf
COPY index.html 50x.html /usr/share/nginx/html/
RUN nginx -t
EXPOSE 80
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
`,
    },
    {
      kind: "dockerfile",
      name: "prometheus",
      tags: ["sre-chaos-local/prometheus:v2.42.0"],
      usesBase: true,
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
    },
    {
      kind: "dockerfile",
      name: "blackbox-exporter",
      tags: ["sre-chaos-local/blackbox-exporter:v0.23.0"],
      usesBase: true,
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
    },
    {
      kind: "dockerfile",
      name: "toxiproxy",
      tags: [`sre-chaos-local/toxiproxy:${TOXIPROXY_VERSION.slice(1)}`],
      usesBase: false,
      files: { "toxiproxy-server": { hostPath: bin.toxiproxy, mode: 0o755 } },
      // A static Go binary needs nothing else; entrypoint and port as in the official image.
      dockerfile: `FROM scratch
COPY toxiproxy-server /toxiproxy
EXPOSE 8474
ENTRYPOINT ["/toxiproxy"]
CMD ["-host=0.0.0.0"]
`,
    },
    {
      kind: "dockerfile",
      name: "node",
      tags: ["node:20-bookworm-slim", "sre-chaos-local/node:20-bookworm-slim"],
      usesBase: true,
      files: { node: { hostPath: bin.node, mode: 0o755 } },
      // The official image's `node` user is uid/gid 1000; the services' Dockerfiles run as 1000:1000.
      dockerfile: `FROM ${BASE_TAG}
COPY node /usr/local/bin/node
RUN groupadd --gid 1000 node \\
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \\
 && node --version
CMD ["node"]
`,
    },
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
      files[name] =
        "text" in f ? { text: f.text, mode: f.mode } : { sha256: await hashHost(f.hostPath), mode: f.mode };
    }
    canonical = {
      format: 1,
      name: recipe.name,
      tags: recipe.tags,
      dockerfile: recipe.dockerfile,
      files,
      base: recipe.usesBase ? (opts.baseHash ?? "") : null,
    };
  }
  return createHash("sha256").update(JSON.stringify(canonical)).digest("hex");
}

/** Every tag `sandbox` builds (base first), e.g. for the cold benchmark to remove exactly those. */
export function allStandInTags(): string[] {
  const placeholder: HostBinaries = { prometheus: "", blackbox: "", toxiproxy: "", node: "" };
  return [...BASE_RECIPE.tags, ...imageRecipes(placeholder).flatMap((r) => r.tags)];
}
