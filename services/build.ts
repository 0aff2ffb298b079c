/**
 * Bundles each platform service into one file, `services/<name>/dist/server.js` (prom-client
 * included), so its image needs Node and nothing else: no npm, no node_modules.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { build } from "esbuild";

/** The services under `services/`, each with `src/main.ts` and a Dockerfile. */
export const SERVICES = ["upstream", "url-anvil"] as const;

/** Builds every service's bundle under `root` (the repository root). */
export async function buildServices(root: string): Promise<void> {
  for (const name of SERVICES) {
    const dir = join(root, "services", name);
    await mkdir(join(dir, "dist"), { recursive: true });
    await build({
      entryPoints: [join(dir, "src", "main.ts")],
      outfile: join(dir, "dist", "server.js"),
      bundle: true,
      platform: "node",
      target: "node18",
      // CommonJS: in the image /app has no package.json, so Node reads server.js as CommonJS.
      format: "cjs",
      minify: false,
      sourcemap: false,
      legalComments: "inline",
      logLevel: "warning",
    });
    // The repository's package.json says "type": "module"; this keeps a local `node dist/server.js`
    // reading the bundle as CommonJS too. The Dockerfile copies only server.js.
    await writeFile(join(dir, "dist", "package.json"), '{ "type": "commonjs" }\n');
  }
}
