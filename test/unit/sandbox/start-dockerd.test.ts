/**
 * sandbox/start-dockerd.sh against fake `docker` and `dockerd` programs on PATH: a daemon that
 * answers is left alone, overlay2 is tried first, vfs is the fallback, and a daemon that never
 * comes up ends in a non-zero exit with the log's tail.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PLATFORM_ROOT } from "../../../harness/entry/paths.ts";

const SCRIPT = join(PLATFORM_ROOT, "sandbox", "start-dockerd.sh");

/** Fake docker: `info` succeeds once the state dir has `up`. */
const FAKE_DOCKER = `#!/bin/sh
[ "$1" = info ] && [ -f "$FAKE_STATE/up" ] && exit 0
exit 1
`;

/** Fake dockerd: records its driver; fails for drivers in $FAKE_FAIL; else comes up and idles. */
const FAKE_DOCKERD = `#!/bin/sh
driver=\${1#--storage-driver=}
echo "$driver" >> "$FAKE_STATE/tried"
echo $$ >> "$FAKE_STATE/pids"
case " $FAKE_FAIL " in *" $driver "*) echo "driver $driver not supported"; exit 1;; esac
[ -n "$FAKE_NEVER_UP" ] && exec sleep 30
touch "$FAKE_STATE/up"
exec sleep 30
`;

async function scenario(env: Record<string, string>, preUp = false) {
  const dir = await mkdtemp(join(tmpdir(), "dockerd-"));
  await writeFile(join(dir, "docker"), FAKE_DOCKER);
  await writeFile(join(dir, "dockerd"), FAKE_DOCKERD);
  await chmod(join(dir, "docker"), 0o755);
  await chmod(join(dir, "dockerd"), 0o755);
  if (preUp) await writeFile(join(dir, "up"), "");
  const r = spawnSync("bash", [SCRIPT], {
    encoding: "utf8",
    timeout: 30_000,
    env: {
      PATH: `${dir}:/usr/bin:/bin`,
      FAKE_STATE: dir,
      SRE_CHAOS_DOCKERD_LOG: join(dir, "dockerd.log"),
      SRE_CHAOS_DOCKERD_WAIT: "3",
      ...env,
    },
  });
  const tried = (await readFile(join(dir, "tried"), "utf8").catch(() => "")).split("\n").filter(Boolean);
  const pids = (await readFile(join(dir, "pids"), "utf8").catch(() => "")).split("\n").filter(Boolean);
  for (const pid of pids) {
    try {
      process.kill(Number(pid));
    } catch {
      // already gone
    }
  }
  await rm(dir, { recursive: true, force: true });
  return { code: r.status, out: r.stdout, err: r.stderr, tried };
}

const cases: {
  name: string;
  env: Record<string, string>;
  preUp?: boolean;
  code: number;
  tried: string[];
  says: RegExp;
}[] = [
  { name: "daemon already answers", env: {}, preUp: true, code: 0, tried: [], says: /already running/ },
  { name: "overlay2 works", env: {}, code: 0, tried: ["overlay2"], says: /ready .*storage driver overlay2/ },
  {
    name: "overlay2 fails, vfs works",
    env: { FAKE_FAIL: "overlay2" },
    code: 0,
    tried: ["overlay2", "vfs"],
    says: /ready .*storage driver vfs/,
  },
  {
    name: "both fail: log tail shown",
    env: { FAKE_FAIL: "overlay2 vfs" },
    code: 1,
    tried: ["overlay2", "vfs"],
    says: /driver vfs not supported/,
  },
  {
    name: "alive but never answers: no second daemon",
    env: { FAKE_NEVER_UP: "1" },
    code: 1,
    tried: ["overlay2"],
    says: /not reachable after 3s/,
  },
];

for (const c of cases) {
  test(`start-dockerd.sh: ${c.name}`, async () => {
    const r = await scenario(c.env, c.preUp);
    assert.equal(r.code, c.code, r.out + r.err);
    assert.deepEqual(r.tried, c.tried);
    assert.match(r.out + r.err, c.says);
  });
}
