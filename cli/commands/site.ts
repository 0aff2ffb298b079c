/**
 * `sre-chaos site [--results <dir>] [--out <dir>] [--base-path /x/] [--serve [--port n]]`: builds the
 * leaderboard (from a results-branch checkout, or from the local run history when --results is not
 * given) and optionally serves it on 127.0.0.1 until Ctrl-C.
 */
import { join, resolve } from "node:path";
import { parseArgs, UsageError, type Io } from "../io.ts";
import { repoRoot } from "../../harness/entry/paths.ts";
import { buildSite } from "../../site/build.ts";
import { normalizeBasePath } from "../../site/links.ts";
import { serveStatic } from "../../site/serve.ts";

export async function command(args: string[], io: Io, root: string = repoRoot()): Promise<number> {
  const { positional, options } = parseArgs(args, {
    results: "string",
    out: "string",
    "base-path": "string",
    serve: "boolean",
    port: "string",
  });
  if (positional.length) throw new UsageError(`unexpected argument "${positional[0]}"`);
  let basePath: string | null;
  try {
    basePath = normalizeBasePath(options["base-path"] as string | undefined);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const port = options.port === undefined ? 8000 : Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0–65535`);
  if (options.port !== undefined && !options.serve) throw new UsageError("--port needs --serve");
  const outDir = resolve((options.out as string | undefined) ?? join(root, ".sre-chaos", "site"));
  const resultsDir = options.results ? resolve(options.results as string) : null;
  io.out(`building the site from ${resultsDir ?? join(root, ".sre-chaos", "runs") + " (local runs)"}`);
  const started = Date.now();
  const result = await buildSite({
    resultsDir: resultsDir ?? join(root, ".sre-chaos"),
    // Local history is small and all of it is the contributor's: every run gets its page.
    runPagesPerChallenge: resultsDir ? undefined : Infinity,
    outDir,
    basePath: basePath ?? undefined,
    log: (l) => (l.startsWith("skipped ") ? io.err(l) : io.out(l)),
  });
  io.out(`built ${result.pages} pages in ${((Date.now() - started) / 1000).toFixed(1)} s → ${outDir}`);
  if (!options.serve) return 0;
  const srv = await serveStatic(outDir, basePath ?? "/", port);
  io.out(`serving ${srv.url} (Ctrl-C to stop)`);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      void srv.close().then(done);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  return 0;
}
