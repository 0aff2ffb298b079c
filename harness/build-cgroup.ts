/**
 * The cgroup an entry's build runs in. The classic builder takes `--memory` and `--cpu-quota` for
 * its RUN containers but no process limit, and RLIMIT_NPROC does not bind uid 0 (the usual build
 * user), so the only real cap on processes is a pids limit on the build's cgroup parent: set up
 * here before the build, read by the watchdog while it runs, removed after.
 *
 * Where it holds: the engine's cgroup driver is `cgroupfs` (cgroup v1 or v2: a directory we make
 * with pids.max) or `systemd` (a slice we give TasksMax). Both need root, or passwordless `sudo`
 * (what CI runners have). Anywhere else the build is refused, unless the operator opts out.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "./exec.ts";

/** The cgroup parent of one build. */
export interface BuildCgroup {
  /** What `docker build --cgroup-parent` gets. */
  parent: string;
  /** The cgroup directory whose pids.max caps the build (its children are the build's containers); null when uncapped. */
  pidsDir: string | null;
  /** Removes the cgroup; call once the build's containers are gone. Never throws. */
  release(): Promise<void>;
}

/** Runs a command as root: directly when we are root, else through `sudo -n` (never prompts). */
export type AsRoot = (args: string[], input?: string) => Promise<void>;

export interface PrepareOptions {
  /** `docker info`'s CgroupDriver and CgroupVersion. */
  driver: string;
  version: string;
  /** The process cap. */
  pids: number;
  /** Unique per build: names the cgroup. */
  id: string;
  /** Build without a process cap where none can be set (logged), instead of refusing. */
  allowUnlimited: boolean;
  log?: (line: string) => void;
  /** Where the cgroup hierarchy is mounted (tests use a folder of their own). */
  cgroupRoot?: string;
  asRoot?: AsRoot;
}

const defaultAsRoot: AsRoot = async (args, input) => {
  const [file, ...rest] = process.getuid?.() === 0 ? args : ["sudo", "-n", ...args];
  await run(file!, rest, { timeoutMs: 30_000, input });
};

/** The number of refused forks in a `pids.events` text (`max <n>`); 0 when none or unreadable. */
export function forkRefusals(events: string): number {
  const m = /^max\s+(\d+)\s*$/m.exec(events);
  return m ? Number(m[1]) : 0;
}

const readText = (path: string): string => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
};

/**
 * Whether a build has run into its process cap: it is at the cap now or has been (pids.peak, where
 * the kernel has it), or a fork was refused in the cgroup or in one of its containers' cgroups
 * (where the kernel counts the refusal depends on its version and the cgroup version).
 */
export function pidsLimitReached(dir: string): boolean {
  const max = Number(readText(join(dir, "pids.max")).trim());
  if (Number.isFinite(max) && max > 0) {
    const current = Number(readText(join(dir, "pids.current")).trim());
    const peak = Number(readText(join(dir, "pids.peak")).trim());
    if (current >= max || peak >= max) return true;
  }
  let children: string[] = [];
  try {
    children = readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => join(dir, d.name));
  } catch {
    // The cgroup is gone: nothing more to read.
  }
  return [dir, ...children].some((d) => forkRefusals(readText(join(d, "pids.events"))) > 0);
}

/** The `--cgroup-parent` of build `id`: a top-level slice for systemd, a top-level directory for cgroupfs. */
export function buildCgroupParent(driver: string, id: string): string {
  // A dash in a slice name nests it under another slice; the name has none.
  return driver === "systemd" ? `srechaosbuild${id}.slice` : `/srechaos-build-${id}`;
}

/** Makes the build's cgroup with its pids cap, or says why it cannot (refusing unless allowed). */
export async function prepareBuildCgroup(o: PrepareOptions): Promise<BuildCgroup> {
  const root = o.cgroupRoot ?? "/sys/fs/cgroup";
  const asRoot = o.asRoot ?? defaultAsRoot;
  const systemd = o.driver === "systemd";
  const parent = buildCgroupParent(o.driver, o.id);
  const name = parent.replace(/^\//, "");
  try {
    if (systemd) return await systemdSlice(o, root, name, asRoot);
    if (o.driver === "cgroupfs") return await cgroupfsDir(o, root, name, asRoot);
    throw new Error(`the engine's cgroup driver is "${o.driver}", for which no process cap is set up`);
  } catch (e) {
    const why = `cannot cap the build's processes on this machine: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`;
    if (!o.allowUnlimited) {
      throw new Error(
        `${why}. Run as root or with passwordless sudo (or, on a machine of your own, set SRE_CHAOS_ALLOW_UNLIMITED_BUILD=1)`,
        { cause: e },
      );
    }
    o.log?.(`warning: ${why}; building without a process cap (SRE_CHAOS_ALLOW_UNLIMITED_BUILD=1)`);
    return { parent, pidsDir: null, release: async () => undefined };
  }
}

/** cgroupfs: a directory the engine creates the containers' cgroups under, made first with pids.max. */
async function cgroupfsDir(
  o: PrepareOptions,
  root: string,
  name: string,
  asRoot: AsRoot,
): Promise<BuildCgroup> {
  const v2 = o.version === "2";
  const base = v2 ? root : join(root, "pids");
  if (
    v2
      ? !/\bpids\b/.test(readText(join(root, "cgroup.controllers")))
      : !existsSync(join(base, "cgroup.procs"))
  ) {
    throw new Error(`no pids controller at ${base}`);
  }
  const dir = join(base, name);
  const write = (path: string, text: string) =>
    tryFs(() => writeFileSync(path, text), ["tee", path], asRoot, text);
  if (v2 && !/\bpids\b/.test(readText(join(root, "cgroup.subtree_control")))) {
    // Children of the root get a pids controller only once the root hands it down.
    await write(join(root, "cgroup.subtree_control"), "+pids");
  }
  await tryFs(() => mkdirSync(dir), ["mkdir", dir], asRoot);
  const release = async () => {
    // The engine made the same directory under every v1 controller; remove each of them.
    const dirs = v2 ? [dir] : listDirs(root).map((c) => join(root, c, name));
    await retryRemove(
      dirs.filter((d) => existsSync(d)),
      asRoot,
    );
  };
  try {
    await write(join(dir, "pids.max"), String(o.pids));
    confirm(dir, o.pids);
  } catch (e) {
    await release();
    throw e;
  }
  return { parent: `/${name}`, pidsDir: dir, release };
}

/** systemd: a transient slice with TasksMax, which systemd writes to the slice's pids.max. */
async function systemdSlice(
  o: PrepareOptions,
  root: string,
  name: string,
  asRoot: AsRoot,
): Promise<BuildCgroup> {
  const dir = o.version === "2" ? join(root, name) : join(root, "pids", name);
  const release = async () => {
    await asRoot(["systemctl", "stop", name]).catch(() => undefined);
    await asRoot(["systemctl", "revert", name]).catch(() => undefined);
  };
  try {
    // Started first, so the property applies at once (on an inactive unit it is only stored).
    await asRoot(["systemctl", "start", name]);
    await asRoot(["systemctl", "set-property", "--runtime", name, `TasksMax=${o.pids}`]);
    confirm(dir, o.pids);
  } catch (e) {
    await release();
    throw e;
  }
  return { parent: name, pidsDir: dir, release };
}

/** Reads the cap back: a limit we only believe we set is no limit. */
function confirm(dir: string, pids: number): void {
  const got = readText(join(dir, "pids.max")).trim();
  if (got !== String(pids)) throw new Error(`${join(dir, "pids.max")} reads "${got}", not ${pids}`);
}

/** Does `fn` with our own rights; where they do not suffice, runs `args` as root instead. */
async function tryFs(fn: () => void, args: string[], asRoot: AsRoot, input?: string): Promise<void> {
  try {
    fn();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "EACCES" && code !== "EPERM" && code !== "EROFS") throw e;
    await asRoot(args, input);
  }
}

function listDirs(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/** rmdir, retried for a few seconds: the engine removes a finished container's cgroup just after it exits. */
async function retryRemove(dirs: string[], asRoot: AsRoot): Promise<void> {
  for (const d of dirs) {
    for (let attempt = 0; attempt < 15 && existsSync(d); attempt++) {
      try {
        await tryFs(() => rmdirSync(d), ["rmdir", d], asRoot);
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
}
