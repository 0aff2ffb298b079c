/**
 * Builds the stand-in images: the Debian base (debootstrap + `docker import`) and the images
 * on top of it (`docker build`). Each image is labelled with its recipe hash; an image whose
 * label matches is kept, so a second `sandbox` builds nothing.
 */
import { chmod, copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { DockerImages } from "../harness/docker-images.ts";
import { run } from "../harness/exec.ts";
import { RECIPE_LABEL, type DockerfileRecipe, type RootfsRecipe } from "./recipes.ts";

/** What happened to one image. */
export type ImageOutcome = "up to date" | "retagged" | "built";

/**
 * Whether the image needs building: "built" is never returned here. When the primary tag has
 * the current recipe, any other tag that drifted is re-pointed at it ("retagged").
 */
export async function currentState(
  images: DockerImages,
  tags: string[],
  hash: string,
): Promise<ImageOutcome | "stale"> {
  const primary = await images.labelled(tags[0]!, RECIPE_LABEL);
  if (!primary || primary.value !== hash) return "stale";
  let retagged = false;
  for (const tag of tags.slice(1)) {
    const other = await images.labelled(tag, RECIPE_LABEL);
    if (other?.id !== primary.id) {
      await images.tag(tags[0]!, tag);
      retagged = true;
    }
  }
  return retagged ? "retagged" : "up to date";
}

/** Writes the build context (text files, copied host binaries and folders) and runs `docker build`. */
export async function buildDockerfileImage(
  images: DockerImages,
  recipe: DockerfileRecipe,
  hash: string,
  cacheDir: string,
): Promise<void> {
  const ctx = join(cacheDir, "images", recipe.name);
  await rm(ctx, { recursive: true, force: true });
  await mkdir(ctx, { recursive: true });
  await writeFile(join(ctx, "Dockerfile"), recipe.dockerfile);
  for (const [name, f] of Object.entries(recipe.files)) {
    const dest = join(ctx, name);
    if ("hostTree" in f) {
      // A whole folder (npm, a Go toolchain), symlinks kept; made writable so it can be removed.
      await run("cp", ["-a", f.hostTree, dest], { timeoutMs: 300_000 });
      await run("chmod", ["-R", "u+w", dest], { timeoutMs: 300_000 });
      continue;
    }
    if ("text" in f) await writeFile(dest, f.text);
    else await copyFile(f.hostPath, dest);
    if (f.mode !== undefined) await chmod(dest, f.mode);
  }
  try {
    // Classic builder, no network, never pull: everything comes from the local engine.
    await images.build({
      context: ctx,
      tags: recipe.tags,
      labels: { [RECIPE_LABEL]: hash },
      timeoutMs: 600_000,
    });
  } finally {
    // The context holds copies of large binaries (node is ~100 MB); the image has them now.
    await rm(ctx, { recursive: true, force: true });
  }
}

/** Unmounts anything debootstrap left mounted under `dir`, so removing the tree is safe. */
async function unmountUnder(dir: string): Promise<void> {
  const mounts = await readFile("/proc/mounts", "utf8").catch(() => "");
  const inside = mounts
    .split("\n")
    .map((l) => l.split(" ")[1] ?? "")
    .filter((m) => m === dir || m.startsWith(dir + "/"))
    .sort((a, b) => b.length - a.length);
  for (const m of inside) await run("umount", ["-l", m], { timeoutMs: 30_000 }).catch(() => undefined);
}

/** debootstrap a minbase tree with the recipe's packages, prune it, and import it as the base image. */
export async function buildRootfsImage(
  images: DockerImages,
  recipe: RootfsRecipe,
  hash: string,
  cacheDir: string,
  mirror: string,
  log: (line: string) => void,
): Promise<void> {
  const dir = join(cacheDir, "rootfs", recipe.name);
  // Downloaded packages are kept: a second tree, or a rebuilt one, fetches only what is new.
  const debs = join(cacheDir, "debs", recipe.suite);
  await mkdir(debs, { recursive: true });
  await unmountUnder(dir);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  try {
    log(`  debootstrap --variant=minbase ${recipe.suite} for ${recipe.name} (mirror from /etc/apt)`);
    await run(
      "debootstrap",
      [
        "--variant=minbase",
        `--cache-dir=${debs}`,
        `--include=${recipe.packages.join(",")}`,
        recipe.suite,
        dir,
        mirror,
      ],
      { timeoutMs: 1_200_000 },
    );
    await unmountUnder(dir);
    for (const p of recipe.prune) {
      await rm(join(dir, p), { recursive: true, force: true });
      await mkdir(join(dir, p), { recursive: true });
    }
    await images.importTree(dir, recipe.tags[0]!, [
      `CMD ${JSON.stringify(recipe.cmd)}`,
      `LABEL ${RECIPE_LABEL}=${hash}`,
    ]);
    for (const tag of recipe.tags.slice(1)) await images.tag(recipe.tags[0]!, tag);
  } finally {
    await unmountUnder(dir);
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Removes stand-ins a rebuild replaced: untagged images carrying the recipe label (only `sandbox`
 * makes those). No force: one a container still uses stays, and goes on a later call. A few
 * passes, because an old base becomes removable only once its old children are gone.
 */
export async function removeSuperseded(images: DockerImages): Promise<void> {
  for (let pass = 0; pass < 3; pass++) {
    let removed = 0;
    for (const id of await images.dangling(RECIPE_LABEL)) if (await images.remove(id)) removed++;
    if (removed === 0) return;
  }
}
