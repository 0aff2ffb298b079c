/**
 * `sre-chaos doctor`: what this machine lacks to run the stack, and the exact command that fixes
 * each gap. The checks talk to the machine through a `Probe`, so tests can hand in a fake.
 */
import { run } from "../harness/exec.ts";
import { STACK_IMAGES, officialRef } from "../harness/images.ts";
import { onPath } from "./host-tools.ts";

/** The machine, as doctor sees it. */
export interface Probe {
  /** Absolute path of a program on PATH, or null. */
  which(program: string): Promise<string | null>;
  /** True when `file args…` exits 0. */
  succeeds(file: string, args: string[]): Promise<boolean>;
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
export async function runChecks(probe: Probe): Promise<Check[]> {
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

  const go = await probe.which("go");
  checks.push({
    what: "go (builds the load generator and toxiproxy)",
    ok: go !== null,
    detail: go ?? undefined,
    fix: SANDBOX_FIX,
  });
  return checks;
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
  async hasImage(ref) {
    try {
      await run("docker", ["image", "inspect", "-f", "{{.Id}}", ref], { timeoutMs: 20_000 });
      return true;
    } catch {
      return false;
    }
  },
  env: process.env,
};
