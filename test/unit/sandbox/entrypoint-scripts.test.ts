/**
 * The stand-ins' shell scripts, run with this machine's /bin/sh (dash, as in the images): the
 * nginx templates' envsubst, the local-resolvers export and the node entrypoint's argument rule.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NGINX_FILES } from "../../../sandbox/nginx-files.ts";
import { nodeRecipe } from "../../../sandbox/toolchain-files.ts";

function text(files: Record<string, unknown>, name: string): string {
  const f = files[name] as { text?: string } | undefined;
  assert.ok(f?.text, name);
  return f.text;
}

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), "entrypoint-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test("20-envsubst-on-templates renders set variables only, keeping nginx's own $variables", () =>
  withDir(async (dir) => {
    const script = join(dir, "20.sh");
    await writeFile(script, text(NGINX_FILES, "20-envsubst-on-templates.sh"));
    await mkdir(join(dir, "templates", "sub"), { recursive: true });
    await mkdir(join(dir, "out"));
    await writeFile(
      join(dir, "templates", "a.conf.template"),
      "listen ${PORT}; return 200 $arg_nonce ${UNSET_X};\n",
    );
    await writeFile(join(dir, "templates", "sub", "b.conf.template"), "server_name ${NAME};\n");
    await writeFile(join(dir, "templates", "ignored.conf"), "${PORT}\n");
    const env = {
      PATH: process.env.PATH,
      PORT: "9090",
      NAME: "example",
      NGINX_ENVSUBST_TEMPLATE_DIR: join(dir, "templates"),
      NGINX_ENVSUBST_OUTPUT_DIR: join(dir, "out"),
    };
    const r = spawnSync("sh", [script], { env, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      await readFile(join(dir, "out", "a.conf"), "utf8"),
      "listen 9090; return 200 $arg_nonce ${UNSET_X};\n",
    );
    assert.equal(await readFile(join(dir, "out", "sub", "b.conf"), "utf8"), "server_name example;\n");
    assert.match(r.stdout, /Running envsubst on .*a\.conf\.template to .*out\/a\.conf/);
    const filtered = spawnSync("sh", [script], {
      env: { ...env, NGINX_ENVSUBST_FILTER: "^NAME$" },
      encoding: "utf8",
    });
    assert.equal(filtered.status, 0, filtered.stderr);
    assert.equal(
      await readFile(join(dir, "out", "a.conf"), "utf8"),
      "listen ${PORT}; return 200 $arg_nonce ${UNSET_X};\n",
    );
  }));

test("20-envsubst-on-templates says so and carries on when the output folder is not writable", () =>
  withDir(async (dir) => {
    const script = join(dir, "20.sh");
    await writeFile(script, text(NGINX_FILES, "20-envsubst-on-templates.sh"));
    await mkdir(join(dir, "templates"));
    const env = {
      PATH: process.env.PATH,
      NGINX_ENVSUBST_TEMPLATE_DIR: join(dir, "templates"),
      NGINX_ENVSUBST_OUTPUT_DIR: join(dir, "missing"),
    };
    const r = spawnSync("sh", [script], { env, encoding: "utf8" });
    assert.equal(r.status, 0);
    assert.match(r.stdout, /ERROR: .*templates exists, but .*missing is not writable/);
  }));

test("15-local-resolvers exports the name servers only when asked", () =>
  withDir(async (dir) => {
    const script = join(dir, "15.envsh");
    await writeFile(script, text(NGINX_FILES, "15-local-resolvers.envsh"));
    const run = (extra: Record<string, string>) =>
      spawnSync("sh", ["-c", `. "${script}"; echo "[\${NGINX_LOCAL_RESOLVERS:-none}]"`], {
        env: { PATH: process.env.PATH, ...extra },
        encoding: "utf8",
      }).stdout;
    assert.equal(run({}), "[none]\n");
    assert.match(run({ NGINX_ENTRYPOINT_LOCAL_RESOLVERS: "1" }), /^\[\S.*\S\]\n$/);
  }));

test("the node entrypoint runs an option or a file name under node, and a command as it is", () =>
  withDir(async (dir) => {
    const r = nodeRecipe("base", {
      node: "/n",
      nodeVersion: "20",
      npm: { dir: "/npm", version: "1" },
      corepack: null,
      goroot: "/g",
    });
    const script = join(dir, "entrypoint.sh");
    await writeFile(script, text(r.files, "docker-entrypoint.sh"));
    await writeFile(join(dir, "server.js"), 'console.log("ran server.js");\n');
    const run = (...args: string[]) =>
      spawnSync("sh", [script, ...args], { cwd: dir, encoding: "utf8", env: { PATH: process.env.PATH } });
    assert.equal(run("echo", "as-is").stdout, "as-is\n");
    assert.equal(run("server.js").stdout, "ran server.js\n");
    assert.match(run("--version").stdout, /^v\d+\./);
  }));
