/**
 * The host programs the sandbox needs, and installing the missing ones from the OS packages.
 * Checks look at what is on PATH, not at package names, so a machine with Docker from another
 * source (docker-ce, the compose v2 plugin) is left as it is.
 */
import { access, constants, unlink, writeFile } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { run } from "../harness/exec.ts";

/** Resolves a program name on PATH (plus Go's usual home), or null. */
export async function onPath(name: string): Promise<string | null> {
  const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  if (name === "go") dirs.push("/usr/local/go/bin");
  for (const dir of dirs) {
    const p = join(dir, name);
    try {
      await access(p, constants.X_OK);
      return p;
    } catch {
      // not here; try the next directory
    }
  }
  return null;
}

async function succeeds(file: string, args: string[]): Promise<boolean> {
  try {
    await run(file, args, { timeoutMs: 15_000 });
    return true;
  } catch {
    return false;
  }
}

/** A program the sandbox needs, the Debian package providing it, and how to tell it is there. */
export interface HostTool {
  /** Shown in reports: "docker engine", "docker compose", … */
  label: string;
  aptPackage: string;
  present(): Promise<boolean>;
}

/** Every host tool `sandbox` installs when missing. */
export const HOST_TOOLS: HostTool[] = [
  {
    label: "docker engine",
    aptPackage: "docker.io",
    present: async () => (await onPath("dockerd")) !== null,
  },
  {
    label: "docker compose",
    aptPackage: "docker-compose",
    present: async () =>
      (await onPath("docker-compose")) !== null ||
      ((await onPath("docker")) !== null && (await succeeds("docker", ["compose", "version"]))),
  },
  {
    label: "debootstrap",
    aptPackage: "debootstrap",
    present: async () => (await onPath("debootstrap")) !== null,
  },
  {
    label: "prometheus binary",
    aptPackage: "prometheus",
    present: async () => (await onPath("prometheus")) !== null,
  },
  {
    label: "blackbox exporter binary",
    aptPackage: "prometheus-blackbox-exporter",
    present: async () => (await onPath("prometheus-blackbox-exporter")) !== null,
  },
  { label: "go toolchain", aptPackage: "golang-go", present: async () => (await onPath("go")) !== null },
];

const POLICY_RC_D = "/usr/sbin/policy-rc.d";

/**
 * apt-get update + install. A temporary policy-rc.d (exit 101) stops the packages' maintainer
 * scripts from starting services on the host (prometheus would otherwise bind :9090 here); it
 * is removed afterwards, and an existing one is never touched.
 */
export async function aptInstall(packages: string[], log: (line: string) => void): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new Error(
      `installing ${packages.join(" ")} needs root: sudo apt-get install -y ${packages.join(" ")}`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  let placedPolicy = false;
  try {
    await access(POLICY_RC_D);
  } catch {
    await writeFile(POLICY_RC_D, "#!/bin/sh\nexit 101\n", { mode: 0o755 });
    placedPolicy = true;
  }
  try {
    log(`apt-get update && apt-get install -y ${packages.join(" ")}`);
    await run("apt-get", ["update"], { env, timeoutMs: 300_000 });
    // With recommends: docker.io's (cgroupfs-mount among them) are what a known-good engine had.
    await run("apt-get", ["install", "-y", ...packages], {
      env,
      timeoutMs: 900_000,
    });
  } finally {
    if (placedPolicy) await unlink(POLICY_RC_D).catch(() => undefined);
  }
}
