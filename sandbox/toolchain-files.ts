/**
 * The language stand-ins contributors build on: node, golang and python, each with the official
 * image's paths, user, environment and entrypoint (docs/ENTRY.md lists what still differs). Their
 * toolchains come from this machine: the host's Node and npm, a Go release from the Go module
 * proxy (the `golang.org/toolchain` module the go command itself uses), Debian's Python.
 */
import type { ContextFile, DockerfileRecipe } from "./recipes.ts";

/** The Go release of the golang stand-in (a `golang.org/toolchain` module version). */
export const GO_VERSION = "1.23.12";

/** Debian bookworm's Python: the official tag of the same release and Debian base is 3.11-slim-bookworm. */
export const PYTHON_VERSION = "3.11.2";

/** Host trees and binaries the language stand-ins copy in. */
export interface ToolchainSources {
  node: string;
  nodeVersion: string;
  /** The host's npm package folder (`…/node_modules/npm`) and its version. */
  npm: { dir: string; version: string };
  /** corepack's package folder, where the host Node ships it. */
  corepack: { dir: string; version: string } | null;
  /** GOROOT of the Go release above, as the go command unpacked it. */
  goroot: string;
}

/**
 * The official node image's entrypoint, in our words: a first argument that is an option, not a
 * command, or a non-executable file runs under node (`CMD ["server.js"]` is `node server.js`).
 */
const NODE_ENTRYPOINT = `#!/bin/sh
set -e
if [ "\${1#-}" != "$1" ] || [ -z "$(command -v "$1" || true)" ] || { [ -f "$1" ] && ! [ -x "$1" ]; }; then
    set -- node "$@"
fi
exec "$@"
`;

export function nodeRecipe(from: string, src: ToolchainSources): DockerfileRecipe {
  const files: Record<string, ContextFile> = {
    node: { hostPath: src.node, mode: 0o755 },
    npm: { hostTree: src.npm.dir, identity: `npm@${src.npm.version}` },
    "docker-entrypoint.sh": { text: NODE_ENTRYPOINT, mode: 0o755 },
  };
  if (src.corepack)
    files.corepack = { hostTree: src.corepack.dir, identity: `corepack@${src.corepack.version}` };
  const corepack = src.corepack
    ? ` \\\n && ln -s ../lib/node_modules/corepack/dist/corepack.js /usr/local/bin/corepack`
    : "";
  return {
    kind: "dockerfile",
    name: "node",
    // The alpine tags resolve too (to this Debian image), as nginx:1.27-alpine does.
    tags: [
      "node:20-bookworm-slim",
      "node:20-slim",
      "node:20-alpine",
      "node:20",
      "sre-chaos-local/node:20-bookworm-slim",
    ],
    base: from,
    files,
    // The official slim image has no nginx, wget or curl: a healthcheck must not find them here either.
    dockerfile: `FROM ${from}
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
${src.corepack ? "COPY corepack /usr/local/lib/node_modules/corepack\n" : ""}COPY docker-entrypoint.sh /usr/local/bin/
RUN dpkg --purge nginx nginx-common wget curl >/dev/null \\
 && groupadd --gid 1000 node \\
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \\
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx${corepack} \\
 && node --version && npm --version
ENV NODE_VERSION=${src.nodeVersion}
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["node"]
`,
  };
}

export function goRecipe(from: string, src: ToolchainSources): DockerfileRecipe {
  const minor = GO_VERSION.split(".").slice(0, 2).join(".");
  return {
    kind: "dockerfile",
    name: "golang",
    tags: [
      `golang:${minor}-bookworm`,
      `golang:${minor}`,
      `golang:${minor}-alpine`,
      `sre-chaos-local/golang:${minor}-bookworm`,
    ],
    base: from,
    files: { go: { hostTree: src.goroot, identity: `golang.org/toolchain go${GO_VERSION} linux` } },
    // As the official image: GOROOT /usr/local/go, GOPATH /go (world-writable), GOTOOLCHAIN=local.
    dockerfile: `FROM ${from}
COPY go /usr/local/go
RUN dpkg --purge nginx nginx-common >/dev/null \\
 && mkdir -p /go/src /go/bin && chmod -R 1777 /go \\
 && /usr/local/go/bin/go version
ENV GOLANG_VERSION=${GO_VERSION} GOTOOLCHAIN=local GOPATH=/go PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
WORKDIR /go
`,
  };
}

export function pythonRecipe(from: string): DockerfileRecipe {
  return {
    kind: "dockerfile",
    name: "python",
    tags: [
      "python:3.11-slim-bookworm",
      "python:3.11-slim",
      "python:3.11-alpine",
      "sre-chaos-local/python:3.11-slim-bookworm",
    ],
    base: from,
    files: {},
    // python and pip on /usr/local/bin as there; pip may install (Debian's "externally managed" mark removed).
    dockerfile: `FROM ${from}
RUN ln -s /usr/bin/python3 /usr/local/bin/python \\
 && ln -s /usr/bin/python3 /usr/local/bin/python3 \\
 && ln -s /usr/bin/pip3 /usr/local/bin/pip \\
 && ln -s /usr/bin/pip3 /usr/local/bin/pip3 \\
 && rm -f /usr/lib/python3.11/EXTERNALLY-MANAGED \\
 && python --version && pip --version
ENV LANG=C.UTF-8 PYTHON_VERSION=${PYTHON_VERSION}
CMD ["python3"]
`,
  };
}
