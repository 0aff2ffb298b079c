/**
 * Builds the stand-in images: the Debian base (debootstrap + `docker import`) and the images
 * on top of it (`docker build`). Each image is labelled with its recipe hash; an image whose
 * label matches is kept, so a second `sandbox` builds nothing.
 */
import { spawn } from "node:child_process";
import { chmod, copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ExecError, run } from "../harness/exec.ts";
import { RECIPE_LABEL, type DockerfileRecipe, type RootfsRecipe } from "./recipes.ts";

/** What happened to one image. */
export type ImageOutcome = "up to date" | "retagged" | "built";

/** The image id behind `ref` and its recipe label, or null when there is no such image. */
export async function inspectImage(ref: string): Promise<{ id: string; recipe: string } | null> {
  try {
    const f = `{{.Id}}|{{index .Config.Labels "${RECIPE_LABEL}"}}`;
    const out = (
      await run("docker", ["image", "inspect", "-f", f, ref], { timeoutMs: 30_000 })
    ).stdout.trim();
    const [id, recipe] = out.split("|");
    return { id: id!, recipe: recipe === "<no value>" ? "" : (recipe ?? "") };
  } catch (e) {
    if (e instanceof ExecError) return null;
    throw e;
  }
}

/**
 * Whether the image needs building: "built" is never returned here. When the primary tag has
 * the current recipe, any other tag that drifted is re-pointed at it ("retagged").
 */
export async function currentState(tags: string[], hash: string): Promise<ImageOutcome | "stale"> {
  const primary = await inspectImage(tags[0]!);
  if (!primary || primary.recipe !== hash) return "stale";
  let retagged = false;
  for (const tag of tags.slice(1)) {
    const other = await inspectImage(tag);
    if (other?.id !== primary.id) {
      await run("docker", ["tag", tags[0]!, tag], { timeoutMs: 30_000 });
      retagged = true;
    }
  }
  return retagged ? "retagged" : "up to date";
}

/** Writes the build context (text files, copied host binaries and folders) and runs `docker build`. */
export async function buildDockerfileImage(
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
  const tagArgs = recipe.tags.flatMap((t) => ["-t", t]);
  try {
    // Classic builder, no network, never pull: everything comes from the local engine.
    await run(
      "docker",
      ["build", "--network=none", "--pull=false", "--label", `${RECIPE_LABEL}=${hash}`, ...tagArgs, ctx],
      { timeoutMs: 600_000, env: { ...process.env, DOCKER_BUILDKIT: "0" } },
    );
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

/** `tar -C dir -c . | docker import --change … - tag`, without a shell. */
function importTree(dir: string, tag: string, changes: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const tar = spawn("tar", ["--numeric-owner", "-C", dir, "-c", "."], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const args = ["import", ...changes.flatMap((c) => ["--change", c]), "-", tag];
    const imp = spawn("docker", args, { stdio: ["pipe", "pipe", "pipe"] });
    let errText = "";
    tar.stderr.on("data", (c: Buffer) => (errText += c.toString()));
    imp.stderr.on("data", (c: Buffer) => (errText += c.toString()));
    tar.stdout.pipe(imp.stdin);
    let tarCode: number | null = null;
    tar.on("close", (code) => (tarCode = code));
    tar.on("error", reject);
    imp.on("error", reject);
    imp.on("close", (code) => {
      if (code === 0 && tarCode === 0) resolve();
      else
        reject(
          new Error(
            `docker import of ${dir} failed (tar ${tarCode}, import ${code}): ${errText.slice(-2000)}`,
          ),
        );
    });
  });
}

/** debootstrap a minbase tree with the recipe's packages, prune it, and import it as the base image. */
export async function buildRootfsImage(
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
    await importTree(dir, recipe.tags[0]!, [
      `CMD ${JSON.stringify(recipe.cmd)}`,
      `LABEL ${RECIPE_LABEL}=${hash}`,
    ]);
    for (const tag of recipe.tags.slice(1))
      await run("docker", ["tag", recipe.tags[0]!, tag], { timeoutMs: 30_000 });
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
export async function removeSuperseded(): Promise<void> {
  for (let pass = 0; pass < 3; pass++) {
    const { stdout } = await run(
      "docker",
      ["images", "-q", "--no-trunc", "-f", "dangling=true", "-f", `label=${RECIPE_LABEL}`],
      { timeoutMs: 30_000 },
    );
    const ids = [...new Set(stdout.split("\n").filter(Boolean))];
    let removed = 0;
    for (const id of ids) {
      const ok = await run("docker", ["image", "rm", id], { timeoutMs: 60_000 }).then(
        () => true,
        () => false,
      );
      if (ok) removed++;
    }
    if (removed === 0) return;
  }
}
