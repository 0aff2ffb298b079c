/**
 * Runs the REAL evaluate workflow (.github/workflows/evaluate.yml) under act on this
 * machine (`-P ubuntu-latest=-self-hosted`) against the sandbox stack, and checks that it
 * produces the run-record artifact.
 *
 * There is no GitHub access here, so the three third-party actions the workflow pins are
 * replaced, only inside this test's temp dir, by tiny local stand-ins through act's
 * `--local-repository <action>@<sha>=<dir>`: checkout fetches the requested ref from a local
 * git repository holding a copy of this work tree (the fixture PR's head SHA is set to that
 * commit), setup-node checks the host's node, upload-artifact copies the files to a
 * directory the test then reads. The GitHub API the evaluate mode reads (the PR's files, the
 * results branch's entry record) is a fake on 127.0.0.1 that also records every request, so
 * the test checks evaluate only ever reads. Everything else — `npm ci`, `./action` in evaluate mode,
 * the harness and the stack — is the real thing.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import { REPO, leftoverProjects } from "./helpers.ts";

const WORKFLOW = ".github/workflows/evaluate.yml";
const EVENT = join(REPO, "test", "fixtures", "act", "pull_request.json");

/** The `owner/repo@sha` of every pinned action the workflow uses, by repo. */
function pinnedActions(): Map<string, string> {
  const wf = parse(readFileSync(join(REPO, WORKFLOW), "utf8")) as {
    jobs: Record<string, { steps: { uses?: string }[] }>;
  };
  const pins = new Map<string, string>();
  for (const job of Object.values(wf.jobs)) {
    for (const s of job.steps)
      if (s.uses && !s.uses.startsWith("./")) pins.set(s.uses.split("@")[0] ?? "", s.uses);
  }
  return pins;
}

const composite = (name: string, inputs: string[], run: string, env: Record<string, string> = {}) =>
  [
    `name: ${name} (act stand-in)`,
    "inputs:",
    ...inputs.map((i) => `  ${i}: { required: false }`),
    "runs:",
    "  using: composite",
    "  steps:",
    `    - run: ${run}`,
    "      shell: bash",
    ...(Object.keys(env).length
      ? ["      env:", ...Object.entries(env).map(([k, v]) => `        ${k}: ${v}`)]
      : []),
    "",
  ].join("\n");

/** Tracked and untracked-but-not-ignored files: the checkout a PR run would see. */
function copyWorkspace(dest: string): string {
  const r = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: REPO,
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
  for (const f of r.stdout.split("\0").filter(Boolean)) {
    if (!existsSync(join(REPO, f))) continue; // deleted in the work tree
    mkdirSync(dirname(join(dest, f)), { recursive: true });
    cpSync(join(REPO, f), join(dest, f));
  }
  // The PR's entry asks for graceful-degradation: its load is the shortest (robust-service's ladder
  // is covered by the other end-to-end tests), and evaluate must honour the entry's own choice.
  const entryYml = join(dest, "contributors", "example", "entry.yml");
  writeFileSync(
    entryYml,
    readFileSync(entryYml, "utf8").replace(/^challenge: .*$/m, "challenge: graceful-degradation"),
  );
  const git = (...a: string[]) => spawnSync("git", a, { cwd: dest, encoding: "utf8" });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  // act takes github.repository from the origin remote.
  git("remote", "add", "origin", "https://github.com/sre-chaos/challenge.git");
  git("-c", "user.name=act", "-c", "user.email=act@example.invalid", "commit", "-qm", "workspace for act");
  // The checkout stand-in fetches by SHA, as actions/checkout does.
  git("config", "uploadpack.allowAnySHA1InWant", "true");
  return git("rev-parse", "HEAD").stdout.trim();
}

interface ApiCall {
  method: string;
  url: string;
}

/** A fake of the few read-only GitHub API routes evaluate uses; everything else is a 404. */
function fakeApi(prFiles: string[], calls: ApiCall[]): Promise<Server> {
  const server = createServer((req, res) => {
    calls.push({ method: req.method ?? "", url: req.url ?? "" });
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    res.setHeader("content-type", "application/json");
    if (req.method === "GET" && /^\/repos\/sre-chaos\/challenge\/pulls\/7\/files$/.test(url.pathname)) {
      res.end(JSON.stringify(prFiles.map((filename) => ({ filename, status: "added" }))));
      return;
    }
    res.statusCode = 404;
    res.end(JSON.stringify({ message: "Not Found" }));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/**
 * Runs a command in its own process group without blocking the event loop (the fake API
 * answers meanwhile). `stalled(log)` is polled: when it stays true for `graceMs`, the whole
 * group is stopped and the log says why, rather than waiting for the overall timeout.
 */
function run(
  cmd: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
  stalled: (log: string) => boolean,
  graceMs = 120_000,
): Promise<{ status: number | null; log: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let log = "";
    child.stdout.on("data", (d: Buffer) => (log += d.toString()));
    child.stderr.on("data", (d: Buffer) => (log += d.toString()));
    const stop = (why: string) => {
      log += `\n[act test] ${why}; stopping act\n`;
      try {
        process.kill(-(child.pid ?? 0), "SIGTERM");
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => stop(`no end after ${timeoutMs} ms`), timeoutMs);
    let stalledSince = 0;
    const watch = setInterval(() => {
      if (!stalled(log)) {
        stalledSince = 0;
      } else if (stalledSince === 0) {
        stalledSince = Date.now();
      } else if (Date.now() - stalledSince > graceMs) {
        stop(`the evaluate step wrote its artifact but did not exit within ${graceMs} ms`);
        stalledSince = Number.POSITIVE_INFINITY;
      }
    }, 5_000);
    child.on("close", (status) => {
      clearTimeout(timer);
      clearInterval(watch);
      resolve({ status, log });
    });
  });
}

/** True once the action wrote meta.json in act's runner temp dir (the run itself is over). */
function artifactWritten(actCache: string): boolean {
  try {
    return readdirSync(actCache).some((d) =>
      existsSync(join(actCache, d, "tmp", "sre-chaos-artifact", "meta.json")),
    );
  } catch {
    return false;
  }
}

describe("evaluate workflow under act", () => {
  let dir = "";
  let bin = "";
  before(() => {
    const r = spawnSync("bash", [join(REPO, "tools", "install-lint-tools.sh"), "act"], {
      cwd: REPO,
      encoding: "utf8",
      timeout: 1_800_000,
    });
    assert.equal(r.status, 0, r.stderr);
    bin = r.stdout.trim().split("\n").at(-1) ?? "";
    dir = mkdtempSync(join(tmpdir(), "sre-chaos-act-"));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("produces the run-record artifact for the fixture PR", { timeout: 1_800_000 }, async () => {
    const ws = join(dir, "workspace");
    const artifacts = join(dir, "artifacts");
    const stands = join(dir, "stand-ins");
    const head = copyWorkspace(ws);
    // The fixture PR's head is this commit, so the workflow checks out exactly this tree.
    // The default branch (main, the trusted code) is that commit too: the workflow runs it and
    // brings in contributors/example from the head.
    const event = JSON.parse(readFileSync(EVENT, "utf8")) as { pull_request: { head: { sha: string } } };
    event.pull_request.head.sha = head;
    const eventPath = join(dir, "event.json");
    writeFileSync(eventPath, JSON.stringify(event));

    const pins = pinnedActions();
    const standIns: Record<string, string> = {
      "actions/checkout": composite(
        "checkout",
        ["ref", "path", "persist-credentials"],
        'mkdir -p "$GITHUB_WORKSPACE/$DEST" && cd "$GITHUB_WORKSPACE/$DEST" && git init -q && git fetch -q --depth 1 "$ORIGIN" "$REF" && git checkout -q --force FETCH_HEAD',
        { ORIGIN: ws, REF: "${{ inputs.ref }}", DEST: "${{ inputs.path }}" },
      ),
      "actions/setup-node": composite("setup-node", ["node-version"], "node --version"),
      "actions/upload-artifact": composite(
        "upload-artifact",
        ["name", "path", "if-no-files-found", "retention-days"],
        'test -n "$(ls -A "$SRC")" && mkdir -p "$OUT/$NAME" && cp -R "$SRC"/. "$OUT/$NAME"/',
        { OUT: artifacts, NAME: "${{ inputs.name }}", SRC: "${{ inputs.path }}" },
      ),
    };
    const args = [
      "pull_request",
      "-e",
      eventPath,
      "-P",
      "ubuntu-latest=-self-hosted",
      "-W",
      WORKFLOW,
      "--action-offline-mode",
      "--action-cache-path",
      join(dir, "act-cache"),
      "--env",
      "npm_config_prefer_offline=true",
      // A small load keeps the run short; the workflow reads it from a repository variable.
      "--var",
      "SRE_CHAOS_SCALE=0.2",
      // github.token: no API is reachable, evaluate must not need one beyond reading its input.
      "--secret",
      "GITHUB_TOKEN=act-offline-token",
    ];
    for (const [repo, uses] of pins) {
      const standIn = standIns[repo];
      assert.ok(standIn, `no stand-in for ${uses}: add one`);
      mkdirSync(join(stands, repo), { recursive: true });
      writeFileSync(join(stands, repo, "action.yml"), standIn);
      args.push("--local-repository", `${uses}=${join(stands, repo)}`);
    }

    const prFiles = spawnSync("git", ["ls-files", "contributors/example"], { cwd: ws, encoding: "utf8" })
      .stdout.split("\n")
      .filter(Boolean);
    assert.ok(prFiles.length > 0);
    const calls: ApiCall[] = [];
    const api = await fakeApi(prFiles, calls);
    const { port } = api.address() as AddressInfo;
    args.push("--env", `GITHUB_API_URL=http://127.0.0.1:${port}`);

    const before = new Set(leftoverProjects());
    const actCache = join(dir, "act-cache");
    const r = await run(
      join(bin, "act"),
      args,
      ws,
      1_700_000,
      (log) => artifactWritten(actCache) && !log.includes("Run Main Upload the run record"),
    ).finally(() => api.close());
    const log = r.log;
    mkdirSync(join(REPO, ".sre-chaos"), { recursive: true });
    writeFileSync(join(REPO, ".sre-chaos", "act-last.log"), log);
    assert.equal(r.status, 0, `act failed (log in .sre-chaos/act-last.log):\n${log.slice(-4000)}`);
    assert.ok(calls.length > 0, "evaluate did not reach the (fake) GitHub API");
    assert.deepEqual(
      calls.filter((c) => c.method !== "GET"),
      [],
      "evaluate must only read from the API",
    );
    assert.match(log, /Job succeeded/);

    const out = join(artifacts, "sre-chaos-run");
    assert.ok(existsSync(out), "no artifact uploaded");
    const jsons = readdirSync(out, { recursive: true }).filter((f) => String(f).endsWith(".json"));
    assert.ok(jsons.length > 0, `artifact has no JSON: ${readdirSync(out).join(", ")}`);
    const records = jsons
      .map((f) => JSON.parse(readFileSync(join(out, String(f)), "utf8")) as Record<string, unknown>)
      .filter((j) => "schemaVersion" in j);
    assert.ok(records.length > 0, "artifact holds no versioned run record");
    const runRecord = records.find((j) => "challenge" in j);
    assert.equal(runRecord?.challenge, "graceful-degradation", "evaluate ran the challenge the entry chose");
    assert.deepEqual(
      leftoverProjects().filter((p) => !before.has(p)),
      [],
      "the run left compose projects behind",
    );
  });
});
