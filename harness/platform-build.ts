/**
 * Builds the platform's own artifacts before the stack's images: the load generator binary (Go,
 * static) and the bundled TypeScript services. Skips work whose sources did not change.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "./exec.ts";

function hashTree(dir: string, skip: (name: string) => boolean): string {
  const h = createHash("sha256");
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (skip(name)) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else h.update(p.slice(dir.length)).update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest("hex").slice(0, 16);
}

/** Builds loadgen/dist/loadgen and services/<name>/dist/server.js; returns a tag naming this build. */
export async function buildPlatform(root: string, log: (l: string) => void): Promise<string> {
  const loadgenDir = join(root, "loadgen");
  const loadgenHash = hashTree(loadgenDir, (n) => n === "dist");
  const stamp = join(loadgenDir, "dist", ".source-hash");
  if (!existsSync(stamp) || readFileSync(stamp, "utf8") !== loadgenHash) {
    const t = Date.now();
    await run("go", ["build", "-trimpath", "-o", "dist/loadgen", "."], {
      cwd: loadgenDir,
      env: { ...process.env, CGO_ENABLED: "0" },
      timeoutMs: 300_000,
    });
    writeFileSync(stamp, loadgenHash);
    log(`built loadgen (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  }
  const { buildServices } = await import("../services/build.ts");
  await buildServices(root);
  const servicesHash = hashTree(join(root, "services"), (n) => n === "dist" || n === "node_modules");
  return `${loadgenHash.slice(0, 8)}${servicesHash.slice(0, 8)}`;
}
