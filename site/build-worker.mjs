// A site build's worker thread (site/login-pool.ts). Worker threads do not get the TypeScript loader
// the CLI registers for its own thread, so the worker loads its TypeScript through tsx's scoped import.
import { tsImport } from "tsx/esm/api";

await tsImport("./build-worker.ts", import.meta.url);
