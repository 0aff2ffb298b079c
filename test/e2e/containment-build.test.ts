/**
 * Hostile builds on the real Docker Engine (test/fixtures/hostile-builds/): a fork bomb, a memory
 * hog, a log flood, a disk fill, a file flood and an endless step, each under small injected limits, must fail
 * with an error that says which limit stopped it, leave no container, image or cgroup behind, and
 * leave the host able to fork. A Dockerfile with VOLUME/HEALTHCHECK/STOPSIGNAL/ONBUILD is refused
 * by `validate`; a base image carrying a volume is refused once built. The template still builds
 * under the production limits.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, readdirSync, rmdirSync, statfsSync } from "node:fs";
import { join } from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { createDocker, type EngineInfo } from "../../harness/docker.ts";
import {
  buildEntryImage,
  EntryBuildError,
  type BuildLimits,
  type BuildStop,
} from "../../harness/entry-build.ts";
import { buildCgroupParent } from "../../harness/build-cgroup.ts";
import { REPO, cli, tempRoot } from "./helpers.ts";

const FIXTURES = join(REPO, "test", "fixtures", "hostile-builds");
const MIB = 1024 * 1024;
const docker = createDocker();
const tag = (name: string) => `sre-chaos-test/hostile-${name}:${process.pid}`;

/** Images of the fixtures' builds (every fixture labels its first step), intermediate ones included. */
function labelledImages(): string[] {
  const r = spawnSync(
    "docker",
    ["images", "-a", "-q", "--filter", "label=org.sre-chaos.test=hostile-build"],
    {
      encoding: "utf8",
    },
  );
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split("\n").filter(Boolean);
}

/** Containers still running a fixture's endless step, whoever started them. */
function runningCommands(needle: string): string[] {
  const r = spawnSync("docker", ["ps", "--no-trunc", "--format", "{{.ID}} {{.Command}}"], {
    encoding: "utf8",
  });
  return r.stdout.split("\n").filter((l) => l.includes(needle));
}

async function assertNothingLeft(info: EngineInfo, id: string, name: string): Promise<void> {
  const parent = buildCgroupParent(info.cgroupDriver, id);
  assert.deepEqual(await docker.containersInCgroupParent(parent), [], "a build container is left");
  assert.equal(await docker.imageInfo(tag(name)), null, "the tag is left");
  assert.deepEqual(labelledImages(), [], "images of the build's steps are left");
  const dirs = ["", ...readdirSync("/sys/fs/cgroup")].map((c) => join("/sys/fs/cgroup", c, parent));
  assert.deepEqual(
    dirs.filter((d) => existsSync(d)),
    [],
    "the build's cgroup is left",
  );
  // The host can still start processes: fifty at once.
  const fork = spawnSync("sh", ["-c", "for i in $(seq 50); do true & done; wait"], { timeout: 10_000 });
  assert.equal(fork.status, 0, "the host cannot fork");
}

const cases: {
  case: string;
  fixture: string;
  limits: Partial<BuildLimits>;
  /** Aborts the build (as Ctrl-C does) this long after it starts. */
  abortAfterMs?: number;
  expected: { stop: BuildStop; message: RegExp; withinMs: number };
}[] = [
  {
    case: "a fork bomb in RUN holds at the process limit and fails the build",
    fixture: "fork-bomb",
    limits: { pids: 64, timeoutMs: 60_000 },
    expected: { stop: "pids", message: /reached its limit of 64 processes/, withinMs: 20_000 },
  },
  {
    case: "a memory hog is killed and fails the build",
    fixture: "memory-hog",
    limits: { memoryMiB: 128, timeoutMs: 60_000 },
    expected: { stop: "memory", message: /ran out of memory \(the limit is 128 MiB\)/, withinMs: 20_000 },
  },
  {
    case: "a log flood is cut and the build stopped",
    fixture: "log-flood",
    limits: { outputMaxBytes: MIB, timeoutMs: 60_000 },
    expected: { stop: "output", message: /more than 1 MiB of output; the log was cut/, withinMs: 20_000 },
  },
  {
    case: "a disk fill is stopped soon after the disk cap",
    fixture: "disk-fill",
    limits: { diskMaxBytes: 64 * MIB, timeoutMs: 60_000 },
    expected: { stop: "disk", message: /wrote more than 64 MiB to disk/, withinMs: 20_000 },
  },
  {
    case: "a flood of empty files is stopped at the file cap",
    fixture: "file-flood",
    limits: { filesMax: 20_000, timeoutMs: 60_000 },
    expected: { stop: "files", message: /created more than 20000 files/, withinMs: 20_000 },
  },
  {
    case: "an endless build times out, and its RUN container is gone",
    fixture: "endless",
    limits: { timeoutMs: 3000 },
    expected: { stop: "time", message: /timed out after 3 s/, withinMs: 15_000 },
  },
  {
    case: "an interrupted build (Ctrl-C) is stopped, and its RUN container is gone",
    fixture: "endless",
    limits: { timeoutMs: 60_000 },
    abortAfterMs: 2000,
    expected: { stop: "aborted", message: /the build was interrupted and stopped/, withinMs: 15_000 },
  },
];

describe("hostile builds (real Docker)", { timeout: 240_000 }, () => {
  let info: EngineInfo;
  before(async () => {
    info = await docker.engineInfo();
  });
  after(async () => {
    await docker.untag("sre-chaos-test/hostile-base:volume");
  });

  cases.forEach((t, i) => {
    it(t.case, async () => {
      const id = `e2e${process.pid}n${i}`;
      const where = `test/fixtures/hostile-builds/${t.fixture}/Dockerfile`;
      // How much of the engine's disk the build took at its worst (the disk fill writes 3000 MiB).
      const free = () => {
        const s = statfsSync(info.rootDir);
        return s.bavail * s.bsize;
      };
      const freeBefore = free();
      let peak = 0;
      const sampler = setInterval(() => (peak = Math.max(peak, freeBefore - free())), 20);
      const started = Date.now();
      const abort = new AbortController();
      const aborter = t.abortAfterMs ? setTimeout(() => abort.abort(), t.abortAfterMs) : undefined;
      try {
        await assert.rejects(
          buildEntryImage({
            docker,
            context: join(FIXTURES, t.fixture),
            tag: tag(t.fixture),
            where,
            id,
            limits: t.limits,
            signal: abort.signal,
          }),
          (e: unknown) => {
            assert.ok(e instanceof EntryBuildError, String(e));
            assert.equal(e.stop, t.expected.stop, e.message);
            assert.match(e.message, t.expected.message);
            assert.ok(e.message.startsWith(`building ${where} failed: `), e.message);
            return true;
          },
        );
      } finally {
        clearInterval(sampler);
        clearTimeout(aborter);
      }
      const took = Date.now() - started;
      assert.ok(took < t.expected.withinMs, `the build took ${took} ms to stop`);
      if (t.fixture === "disk-fill") assert.ok(peak < 1024 * MIB, `the build took ${peak / MIB} MiB of disk`);
      if (t.fixture === "endless") assert.deepEqual(runningCommands("sleep 100000"), []);
      await assertNothingLeft(info, id, t.fixture);
    });
  });

  it("a harness killed mid-build leaves no step running past the time limit", async () => {
    const id = `e2e${process.pid}kill`;
    const parent = buildCgroupParent(info.cgroupDriver, id);
    const script = `
      import { createDocker } from "./harness/docker.ts";
      import { buildEntryImage } from "./harness/entry-build.ts";
      await buildEntryImage({ docker: createDocker(), context: ${JSON.stringify(join(FIXTURES, "endless"))},
        tag: ${JSON.stringify(tag("killed"))}, where: "killed", id: ${JSON.stringify(id)}, limits: { timeoutMs: 3000 } });`;
    const harness = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: REPO,
      stdio: "ignore",
    });
    try {
      // Killed once the endless step runs: no watchdog, no clean-up, only the client's hard limit.
      await until(async () => (await docker.containersInCgroupParent(parent)).length > 0, 20_000);
      harness.kill("SIGKILL");
      const killedAt = Date.now();
      await until(async () => (await docker.containersInCgroupParent(parent)).length === 0, 20_000);
      assert.ok(Date.now() - killedAt < 15_000, "the step outlived the hard limit");
      assert.deepEqual(runningCommands("sleep 100000"), []);
    } finally {
      harness.kill("SIGKILL");
      // What only the dead harness would have removed: its cgroup and its steps' images (and, had
      // the test failed, the step itself).
      await docker.removeContainers(await docker.containersInCgroupParent(parent));
      for (const c of ["", ...readdirSync("/sys/fs/cgroup")]) {
        const d = join("/sys/fs/cgroup", c, parent);
        if (existsSync(d)) rmdirSync(d);
      }
      for (const image of labelledImages()) await docker.untag(image);
    }
    assert.deepEqual(labelledImages(), []);
  });

  it("validate refuses VOLUME, HEALTHCHECK, STOPSIGNAL and ONBUILD, naming the file, the line and the rule", () => {
    const tmp = tempRoot();
    try {
      cpSync(join(FIXTURES, "refused-instructions"), join(tmp.root, "contributors", "hostile"), {
        recursive: true,
      });
      const r = cli(tmp.root, ["validate", "hostile"], 60_000);
      assert.equal(r.status, 1, r.stdout + r.stderr);
      const file = "contributors/hostile/Dockerfile: [dockerfile-rules]";
      for (const [line, what] of [
        [3, "VOLUME"],
        [4, "HEALTHCHECK"],
        [5, "STOPSIGNAL"],
        [6, "ONBUILD"],
      ] as const) {
        assert.match(r.stderr, new RegExp(`${escape(file)} line ${line}: ${what} is not allowed`), r.stderr);
      }
    } finally {
      tmp.cleanup();
    }
  });

  it("a volume from the base image refuses the built image; its stop signal and healthcheck are overridden", async () => {
    const base = spawnSync(
      "docker",
      ["build", "-q", "-f", "base.Dockerfile", "-t", "sre-chaos-test/hostile-base:volume", "."],
      { cwd: join(FIXTURES, "base-volume"), env: { ...process.env, DOCKER_BUILDKIT: "0" }, encoding: "utf8" },
    );
    assert.equal(base.status, 0, base.stderr);
    const lines: string[] = [];
    const id = `e2e${process.pid}vol`;
    await assert.rejects(
      buildEntryImage({
        docker,
        context: join(FIXTURES, "base-volume"),
        tag: tag("base-volume"),
        where: "base-volume",
        id,
        log: (l) => lines.push(l),
      }),
      (e: unknown) => {
        assert.ok(e instanceof EntryBuildError, String(e));
        assert.match(e.message, /^base-volume: the image declares VOLUME \/data .*volumes are not allowed/);
        return true;
      },
    );
    assert.match(lines.join("\n"), /STOPSIGNAL SIGUSR1 is ignored/);
    assert.match(lines.join("\n"), /HEALTHCHECK is ignored/);
    await assertNothingLeft(info, id, "base-volume");
  });

  it("the template builds under the production limits", async () => {
    const id = `e2e${process.pid}ok`;
    const image = await buildEntryImage({
      docker,
      context: join(REPO, "templates", "nginx"),
      tag: tag("template"),
      where: "templates/nginx/Dockerfile",
      id,
    });
    try {
      assert.ok(image.size > 0 && image.size < 1024 * MIB, String(image.size));
      assert.deepEqual(await docker.containersInCgroupParent(buildCgroupParent(info.cgroupDriver, id)), []);
    } finally {
      await docker.untag(tag("template"));
    }
  });
});

/** Polls `check` every 200 ms until it holds; fails after `ms`. */
async function until(check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
