/**
 * How long `sre-chaos sandbox` takes cold and warm, their ratio, and the stand-ins' sizes.
 *
 *   node --import tsx bench/sandbox.ts [--remove] [--with-binaries]
 *
 * Cold, by default: a forced provision, which redoes every build (debootstrap, every image, the
 * toxiproxy `go install`) while the old images keep their tags until the new ones replace them,
 * so stacks other people run meanwhile are not disturbed. `--remove` instead deletes exactly the
 * tags `sandbox` builds first (a truly empty start; builds others start meanwhile fail — use it on
 * an idle machine); `--with-binaries` also deletes the cached toxiproxy binary. Go's module and
 * build caches and the apt packages stay in both cases. Warm: the same call again.
 */
import { rm } from "node:fs/promises";
import { dirname } from "node:path";
import { createDocker } from "../harness/docker.ts";
import { formatStep, provisionSandbox, TOXIPROXY_BIN } from "../sandbox/provision.ts";
import { allStandInTags } from "../sandbox/recipes.ts";

const remove = process.argv.includes("--remove");
const withBinaries = process.argv.includes("--with-binaries");
const tags = allStandInTags();
const docker = createDocker();

if (remove) {
  // Children first, the base last; -f only untags an image a container still uses.
  for (const tag of [...tags].reverse()) await docker.images.untag(tag);
}
if (withBinaries) await rm(dirname(TOXIPROXY_BIN), { recursive: true, force: true });

async function timed(label: string, force: boolean): Promise<number> {
  const t0 = performance.now();
  const steps = await provisionSandbox({ log: () => undefined, force });
  const s = (performance.now() - t0) / 1000;
  console.log(`${label}: ${s.toFixed(1)} s`);
  for (const st of steps) if (st.seconds >= 0.5) console.log(`  ${formatStep(st)}`);
  return s;
}

const how = remove ? "stand-in tags removed first" : "forced rebuild of everything";
const cold = await timed(
  `cold provision (${how}${withBinaries ? ", toxiproxy binary removed" : ""})`,
  !remove,
);
const warm = await timed("warm provision", false);
console.log(`cold/warm: ${(cold / warm).toFixed(0)}x`);

console.log("stand-in image sizes (each includes the shared base layer):");
for (const tag of tags.filter((t) => t.startsWith("sre-chaos-local/"))) {
  console.log(`  ${tag}: ${(((await docker.imageInfo(tag))?.size ?? 0) / 1e6).toFixed(1)} MB`);
}
