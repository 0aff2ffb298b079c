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

const bins: HostBinaries = { prometheus: "/p", blackbox: "/b", toxiproxy: "/t", node: "/n" };
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
  const b = await recipeHash({ ...BASE_RECIPE, packages: [...BASE_RECIPE.packages, "curl"] });
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
    "/var/cache/nginx/client_temp",
    "/var/cache/nginx/proxy_temp",
  ]) {
    assert.ok(conf.text.includes(needle), needle);
  }
});
