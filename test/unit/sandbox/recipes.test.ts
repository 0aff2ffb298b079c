import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BASE_RECIPE,
  BASE_TAG,
  hashFile,
  imageRecipes,
  recipeHash,
  type DockerfileRecipe,
  type HostBinaries,
} from "../../../sandbox/recipes.ts";
import { STACK_IMAGES } from "../../../harness/images.ts";

const bins: HostBinaries = {
  prometheus: "/p",
  blackbox: "/b",
  toxiproxy: "/t",
  node: "/n",
  nodeVersion: "20.0.0",
  npm: { dir: "/npm", version: "10.0.0" },
  corepack: { dir: "/corepack", version: "0.30.0" },
  goroot: "/goroot",
};
/** Host files "hash" to their path, so tests need no real binaries. */
const fakeHash = async (p: string) => `bytes-of-${p}`;

function recipe(name: string): DockerfileRecipe {
  const r = imageRecipes(bins).find((x) => x.name === name);
  assert.ok(r, `recipe ${name}`);
  return r;
}

test("recipeHash is stable for the same recipe", async () => {
  const r = recipe("nginx");
  const a = await recipeHash(r, { baseHash: "b1", hashHostFile: fakeHash });
  const b = await recipeHash(structuredClone(r), { baseHash: "b1", hashHostFile: fakeHash });
  assert.equal(a, b);
  assert.match(a, /^[0-9a-f]{64}$/);
});

const changes: {
  name: string;
  change: (r: DockerfileRecipe) => DockerfileRecipe;
  opts?: { baseHash: string };
}[] = [
  { name: "Dockerfile text", change: (r) => ({ ...r, dockerfile: r.dockerfile + "# x\n" }) },
  { name: "a tag", change: (r) => ({ ...r, tags: [...r.tags, "extra:1"] }) },
  {
    name: "a text file",
    change: (r) => ({ ...r, files: { ...r.files, "nginx.conf": { text: "user nginx;\n" } } }),
  },
  {
    name: "a file's mode",
    change: (r) => ({ ...r, files: { ...r.files, "index.html": { text: "x", mode: 0o600 } } }),
  },
  { name: "the base recipe", change: (r) => r, opts: { baseHash: "b2" } },
];

for (const c of changes) {
  test(`recipeHash changes with ${c.name}`, async () => {
    const r = recipe("nginx");
    const before = await recipeHash(r, { baseHash: "b1", hashHostFile: fakeHash });
    const after = await recipeHash(c.change(structuredClone(r)), {
      baseHash: c.opts?.baseHash ?? "b1",
      hashHostFile: fakeHash,
    });
    assert.notEqual(after, before);
  });
}

test("recipeHash follows host file bytes, not their path", async () => {
  const r = recipe("prometheus");
  const one = await recipeHash(r, { baseHash: "b", hashHostFile: async () => "v1" });
  const two = await recipeHash(r, { baseHash: "b", hashHostFile: async () => "v2" });
  const movedSameBytes = await recipeHash(imageRecipes({ ...bins, prometheus: "/elsewhere" })[1]!, {
    baseHash: "b",
    hashHostFile: async () => "v1",
  });
  assert.notEqual(one, two);
  assert.equal(movedSameBytes, one);
});

test("an image FROM scratch does not depend on the base", async () => {
  const r = recipe("toxiproxy");
  assert.equal(
    await recipeHash(r, { baseHash: "b1", hashHostFile: fakeHash }),
    await recipeHash(r, { baseHash: "b2", hashHostFile: fakeHash }),
  );
});

test("the base recipe hash changes with its package list", async () => {
  const a = await recipeHash(BASE_RECIPE);
  const b = await recipeHash({ ...BASE_RECIPE, packages: [...BASE_RECIPE.packages, "less"] });
  assert.notEqual(a, b);
});

test("hashFile hashes bytes (sha256)", async () => {
  const dir = await mkdtemp(join(tmpdir(), "hash-"));
  try {
    await writeFile(join(dir, "f"), "abc");
    assert.equal(
      await hashFile(join(dir, "f")),
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("every stand-in named in harness/images.ts is a tag some recipe builds", () => {
  const built = new Set([...BASE_RECIPE.tags, ...imageRecipes(bins).flatMap((r) => r.tags)]);
  for (const img of STACK_IMAGES) assert.ok(built.has(img.standIn), `${img.standIn} is built by sandbox`);
});

test("tags the unchanged Dockerfiles use resolve to stand-ins, and no tag is built twice", () => {
  const tags = [...BASE_RECIPE.tags, ...imageRecipes(bins).flatMap((r) => r.tags)];
  assert.equal(new Set(tags).size, tags.length);
  for (const t of [
    "nginx:1.27-alpine",
    "nginx:1.27",
    "nginx:alpine",
    "nginx:latest",
    "node:20-bookworm-slim",
  ]) {
    assert.ok(tags.includes(t), t);
  }
});

test("the nginx recipe keeps the official layout", () => {
  const r = recipe("nginx");
  // Debian's compiled-in temp paths (/var/lib/nginx/*) land in the official, writable /var/cache/nginx.
  assert.match(r.dockerfile, /ln -s \/var\/cache\/nginx \/var\/lib\/nginx/);
  assert.match(r.dockerfile, /ENTRYPOINT \["\/docker-entrypoint\.sh"\]/);
  assert.match(r.dockerfile, /^FROM /);
  assert.ok(r.dockerfile.startsWith(`FROM ${BASE_TAG}`));
  assert.match(r.dockerfile, /CMD \["nginx", "-g", "daemon off;"\]/);
  assert.match(r.dockerfile, /STOPSIGNAL SIGQUIT/);
  assert.match(r.dockerfile, /EXPOSE 80/);
  const conf = r.files["nginx.conf"];
  assert.ok(conf && "text" in conf);
  for (const needle of [
    "include /etc/nginx/conf.d/*.conf;",
    "pid        /var/run/nginx.pid;",
    "user  nginx;",
  ]) {
    assert.ok(conf.text.includes(needle), needle);
  }
});

test("the official nginx.conf carries no temp-path directive (the compiled-in ones must work)", () => {
  const conf = recipe("nginx").files["nginx.conf"];
  assert.ok(conf && "text" in conf);
  assert.doesNotMatch(conf.text, /_temp_path/);
});

test("a host folder is hashed by its identity, not its path", async () => {
  const r = recipe("golang");
  const a = await recipeHash(r, { baseHash: "b", hashHostFile: fakeHash });
  const moved = imageRecipes({ ...bins, goroot: "/elsewhere" }).find((x) => x.name === "golang")!;
  assert.equal(await recipeHash(moved, { baseHash: "b", hashHostFile: fakeHash }), a);
  const newer = { ...r, files: { go: { hostTree: "/goroot", identity: "go9.9" } } };
  assert.notEqual(await recipeHash(newer, { baseHash: "b", hashHostFile: fakeHash }), a);
  const npm = recipe("node");
  const npmA = await recipeHash(npm, { baseHash: "b", hashHostFile: fakeHash });
  const npmB = imageRecipes({ ...bins, npm: { dir: "/npm", version: "10.0.1" } }).find(
    (x) => x.name === "node",
  )!;
  assert.notEqual(await recipeHash(npmB, { baseHash: "b", hashHostFile: fakeHash }), npmA);
});

test("the language stand-ins carry the official tags, users and entrypoints", () => {
  const tags = imageRecipes(bins).flatMap((r) => r.tags);
  for (const t of ["golang:1.23-bookworm", "golang:1.23", "python:3.11-slim", "python:3.11-slim-bookworm"])
    assert.ok(tags.includes(t), t);
  const node = recipe("node");
  assert.match(node.dockerfile, /useradd --uid 1000 --gid node/);
  assert.match(node.dockerfile, /ENTRYPOINT \["docker-entrypoint\.sh"\]/);
  assert.match(node.dockerfile, /COPY corepack /);
  const noCorepack = imageRecipes({ ...bins, corepack: null }).find((x) => x.name === "node")!;
  assert.doesNotMatch(noCorepack.dockerfile, /corepack/);
  assert.match(recipe("golang").dockerfile, /GOPATH=\/go/);
  assert.equal(recipe("python").base, "sre-chaos-local/debian-python:bookworm");
});
