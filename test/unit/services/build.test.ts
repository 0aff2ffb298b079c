import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { buildServices } from "../../../services/build.ts";
import { TEST_KEY_HEX } from "./helpers.ts";

const root = join(import.meta.dirname, "..", "..", "..");

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });

async function until<T>(fn: () => Promise<T>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

test("buildServices bundles both services into runnable single files", async () => {
  await buildServices(root);
  for (const name of ["upstream", "url-anvil"]) {
    const js = join(root, "services", name, "dist", "server.js");
    assert.ok(existsSync(js), js);
    // prom-client is inside the bundle: the image has no node_modules.
    assert.doesNotMatch(readFileSync(js, "utf8"), /require\("prom-client"\)/);
  }
  const [upPort, controlPort, anvilPort] = [await freePort(), await freePort(), await freePort()];
  const env = { PATH: process.env.PATH };
  const up = spawn(process.execPath, [join(root, "services/upstream/dist/server.js")], {
    env: { ...env, QUOTE_KEY: TEST_KEY_HEX, PORT: String(upPort), CONTROL_PORT: String(controlPort) },
    stdio: "ignore",
  });
  const anvil = spawn(process.execPath, [join(root, "services/url-anvil/dist/server.js")], {
    env: { ...env, PORT: String(anvilPort), UPSTREAM_URL: `http://127.0.0.1:${upPort}` },
    stdio: "ignore",
  });
  try {
    const health = await until(() => fetch(`http://127.0.0.1:${anvilPort}/healthz`), 10_000);
    assert.equal(health.status, 200);
    const quote = await until(async () => {
      const r = await fetch(`http://127.0.0.1:${anvilPort}/api/quote`);
      if (r.status !== 200) throw new Error(`quote ${r.status}`);
      return (await r.json()) as { token: string };
    }, 10_000);
    assert.match(quote.token, /^[0-9a-f]{64}$/);
    const faults = await fetch(`http://127.0.0.1:${controlPort}/faults`);
    assert.equal(((await faults.json()) as { mode: string }).mode, "normal");
    // SIGTERM drains and exits on its own.
    const exited = new Promise<number | null>((r) => anvil.once("exit", (code) => r(code)));
    anvil.kill("SIGTERM");
    assert.equal(await exited, 0);
  } finally {
    anvil.kill("SIGKILL");
    up.kill("SIGKILL");
  }
});

test("upstream's bundle refuses to start without QUOTE_KEY", async () => {
  await buildServices(root);
  const child = spawn(process.execPath, [join(root, "services/upstream/dist/server.js")], {
    env: { PATH: process.env.PATH, PORT: "0", CONTROL_PORT: "0" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((r) => child.once("exit", r));
  assert.equal(code, 1);
  assert.match(stderr, /QUOTE_KEY is required/);
});
