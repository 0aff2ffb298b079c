/**
 * `sre-chaos doctor`: what this machine lacks to run the stack, and the exact command that fixes
 * each gap. The checks talk to the machine through a `Probe`, so tests can hand in a fake.
 */
import { createDocker } from "../harness/docker.ts";
import { run } from "../harness/exec.ts";
import { STACK_IMAGES, officialRef } from "../harness/images.ts";
import { onPath } from "./host-tools.ts";

/** The machine, as doctor sees it. */
export interface Probe {
  /** Absolute path of a program on PATH, or null. */
  which(program: string): Promise<string | null>;
  /** True when `file args…` exits 0. */
  succeeds(file: string, args: string[]): Promise<boolean>;
  /** Trimmed stdout of `file args…`, or null when it fails. */
  output(file: string, args: string[]): Promise<string | null>;
  /** True when the local engine has an image with this reference. */
  hasImage(ref: string): Promise<boolean>;
  env: NodeJS.ProcessEnv;
}

/** One line of the report. */
export interface Check {
  what: string;
  ok: boolean;
  /** What was found (path, reference), shown when ok. */
  detail?: string;
  /** The command that fixes it, shown when not ok. */
  fix?: string;
}

export const SANDBOX_FIX = "npx sre-chaos sandbox";

/** Runs every check in order; a check that cannot run (no docker) reports its fix instead. */
export async function runChecks(probe: Probe, opts: { requiredGo?: string } = {}): Promise<Check[]> {
  const checks: Check[] = [];
  const dockerPath = await probe.which("docker");
  checks.push({
    what: "docker client",
    ok: dockerPath !== null,
    detail: dockerPath ?? undefined,
    fix: SANDBOX_FIX,
  });

  const daemon = dockerPath !== null && (await probe.succeeds("docker", ["info"]));
  checks.push({
    what: "docker daemon reachable",
    ok: daemon,
    fix: dockerPath ? "bash sandbox/start-dockerd.sh" : SANDBOX_FIX,
  });

  const v1 = await probe.which("docker-compose");
  const v2 = !v1 && dockerPath !== null && (await probe.succeeds("docker", ["compose", "version"]));
  checks.push({
    what: "docker compose",
    ok: v1 !== null || v2,
    detail: v1 ?? (v2 ? "docker compose (plugin)" : undefined),
    fix: SANDBOX_FIX,
  });

  for (const image of STACK_IMAGES) {
    const override = image.envVar ? probe.env[image.envVar] : undefined;
    const what = `image ${image.name}`;
    if (!daemon) {
      checks.push({ what, ok: false, fix: SANDBOX_FIX });
    } else if (override) {
      const ok = await probe.hasImage(override);
      checks.push({
        what,
        ok,
        detail: `${override} (from ${image.envVar})`,
        fix: `docker pull ${override}   # or: unset ${image.envVar} && ${SANDBOX_FIX}`,
      });
    } else if (await probe.hasImage(image.standIn)) {
      checks.push({ what, ok: true, detail: `${image.standIn} (local stand-in)` });
    } else if (await probe.hasImage(officialRef(image))) {
      checks.push({ what, ok: true, detail: officialRef(image) });
    } else {
      checks.push({ what, ok: false, fix: SANDBOX_FIX });
    }
  }

  checks.push(await goCheck(probe, opts.requiredGo));
  return checks;
}

/** "go1.26.8" / "1.26" → [1, 26, 8] / [1, 26]. */
export function parseGoVersion(v: string): number[] | null {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

/** a >= b, comparing dotted versions numerically. */
export function versionAtLeast(a: number[], b: number[]): boolean {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

/**
 * Go must build the load generator (its go.mod names the minimum). From Go 1.21 on, an older Go
 * fetches the named toolchain through the module proxy by itself, so that counts as ok too.
 */
async function goCheck(probe: Probe, requiredGo: string | undefined): Promise<Check> {
  const what = "go (builds the load generator and toxiproxy)";
  const go = await probe.which("go");
  if (!go) return { what, ok: false, fix: SANDBOX_FIX };
  const have = parseGoVersion((await probe.output(go, ["env", "GOVERSION"])) ?? "");
  const need = requiredGo ? parseGoVersion(requiredGo) : null;
  if (!need || (have && versionAtLeast(have, need))) return { what, ok: true, detail: go };
  if (have && versionAtLeast(have, [1, 21])) {
    return { what, ok: true, detail: `${go} (fetches go${requiredGo} through GOTOOLCHAIN when building)` };
  }
  return {
    what,
    ok: false,
    detail: go,
    fix: `install Go >= ${requiredGo} and put it first on PATH (this one, ${have?.join(".") ?? "unknown"}, is too old)`,
  };
}

/** The report's lines: one per check, then a summary naming how many things are missing. */
export function formatChecks(checks: Check[]): string[] {
  const lines = checks.map((c) =>
    c.ok
      ? `ok       ${c.what}${c.detail ? `: ${c.detail}` : ""}`
      : `MISSING  ${c.what}\n         fix: ${c.fix ?? SANDBOX_FIX}`,
  );
  const missing = checks.filter((c) => !c.ok).length;
  lines.push(
    missing === 0
      ? "All set: this machine can run the stack."
      : `${missing} missing. Run the fix commands above (most are covered by \`${SANDBOX_FIX}\`), then \`npx sre-chaos doctor\` again.`,
  );
  return lines;
}

/** The real machine. */
export const realProbe: Probe = {
  which: onPath,
  async succeeds(file, args) {
    try {
      await run(file, args, { timeoutMs: 20_000 });
      return true;
    } catch {
      return false;
    }
  },
  async output(file, args) {
    try {
      return (await run(file, args, { timeoutMs: 20_000 })).stdout.trim();
    } catch {
      return null;
    }
  },
  async hasImage(ref) {
    // No docker on PATH, or no daemon, is "no image" here: other checks say what is missing.
    return (
      (await createDocker()
        .imageInfo(ref)
        .catch(() => null)) !== null
    );
  },
  env: process.env,
};
