/**
 * Where the repository and an entry live on disk. One home for this, so the CLI, the harness and
 * the tests agree on it.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The checkout this code runs from (its loadgen/, sandbox/, services/), found from this file's own
 * place, whatever the working directory; {@link repoRoot} is the repository a command works on.
 */
export const PLATFORM_ROOT = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");

const PACKAGE_NAME = "sre-chaos-challenge";

/** True when `dir` holds this project's package.json and a contributors/ folder. */
function isProjectRoot(dir: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: unknown };
    return pkg.name === PACKAGE_NAME && statSync(join(dir, "contributors")).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The repository root: `$SRE_CHAOS_ROOT` when set; else the nearest folder at or above `cwd` that
 * holds this project's package.json and a `contributors/` folder; else `cwd` itself.
 */
export function repoRoot(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.SRE_CHAOS_ROOT;
  if (fromEnv) return resolve(fromEnv);
  let dir = resolve(cwd);
  for (;;) {
    if (existsSync(join(dir, "package.json")) && isProjectRoot(dir)) return dir;
    const up = dirname(dir);
    if (up === dir) return resolve(cwd);
    dir = up;
  }
}

/**
 * The entry folder of a login: `<root>/contributors/<login>`. The login is NOT checked here;
 * callers validate it first (validateEntry or checkLogin) so a `../x` never reaches the disk.
 */
export function entryDir(root: string, login: string): string {
  return join(root, "contributors", login);
}

/** The templates `sre-chaos new --template` offers (folders under templates/); the first is the default. */
export const TEMPLATES = ["nginx", "node", "go", "python"] as const;
export type TemplateName = (typeof TEMPLATES)[number];

/** The template `sre-chaos new` copies. */
export function templateDir(root: string, template: TemplateName = "nginx"): string {
  return join(root, "templates", template);
}
