/**
 * Bundles the action into one file, `action/dist/index.js` (committed; CI rebuilds and diffs it).
 * `node --import tsx action/build.ts [outFile]` — the optional path lets the up-to-date test build
 * elsewhere. Deterministic: no timestamps, no absolute paths, no source maps.
 */
import { build } from "esbuild";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

/** Builds the bundle into `outfile` (default `action/dist/index.js`). */
export async function buildAction(outfile = path.join(here, "dist", "index.js")): Promise<void> {
  await build({
    entryPoints: [path.join(here, "src", "index.ts")],
    outfile,
    absWorkingDir: path.resolve(here, ".."),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    // esbuild (used by the harness to bundle the platform's services) ships a native binary and
    // cannot be bundled; workflows run the action after `npm ci`, so it resolves from node_modules.
    external: ["esbuild"],
    // Some dependencies still call require() for Node built-ins; ESM output needs one.
    banner: {
      js: 'import { createRequire as __srecCreateRequire } from "node:module";\nconst require = __srecCreateRequire(import.meta.url);',
    },
    legalComments: "none",
    sourcemap: false,
    logLevel: "warning",
    charset: "utf8",
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildAction(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
}
