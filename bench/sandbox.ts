/**
 * How long `sre-chaos sandbox` takes cold and warm. Cold: the stand-in images `sandbox` builds
 * (exactly its tags, nothing else) are removed first; with `--with-binaries` the cached toxiproxy
 * binary too (Go's module cache stays). Warm: the same call again. Prints both, their ratio and
 * the stand-ins' sizes.
 *
 *   node --import tsx bench/sandbox.ts [--with-binaries]
 *
 * Removing the tags breaks builds that other people start meanwhile: run it on an idle machine.
 */
import { rm } from "node:fs/promises";
import { dirname } from "node:path";
import { run } from "../harness/exec.ts";
import { formatStep, provisionSandbox, TOXIPROXY_BIN } from "../sandbox/provision.ts";
import { allStandInTags } from "../sandbox/recipes.ts";

const withBinaries = process.argv.includes("--with-binaries");
const tags = allStandInTags();

// Children first, the base last; -f only untags an image a container still uses (no deletion).
for (const tag of [...tags].reverse()) {
  await run("docker", ["image", "rm", "-f", tag], { timeoutMs: 120_000 }).catch(() => undefined);
}
if (withBinaries) await rm(dirname(TOXIPROXY_BIN), { recursive: true, force: true });

async function timed(label: string): Promise<number> {
  const t0 = performance.now();
  const steps = await provisionSandbox({ log: () => undefined });
  const s = (performance.now() - t0) / 1000;
  console.log(`${label}: ${s.toFixed(1)} s`);
  for (const st of steps) if (st.seconds >= 0.5) console.log(`  ${formatStep(st)}`);
  return s;
}

const cold = await timed(
  `cold provision${withBinaries ? " (images and toxiproxy binary removed)" : " (images removed)"}`,
);
const warm = await timed("warm provision");
console.log(`cold/warm: ${(cold / warm).toFixed(0)}x`);

console.log("stand-in image sizes (layers shared with the base counted in each):");
for (const tag of tags.filter((t) => t.startsWith("sre-chaos-local/"))) {
  const { stdout } = await run("docker", ["image", "inspect", "-f", "{{.Size}}", tag]);
  console.log(`  ${tag}: ${(Number(stdout.trim()) / 1e6).toFixed(1)} MB`);
}
