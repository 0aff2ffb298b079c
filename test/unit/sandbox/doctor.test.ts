import { test } from "node:test";
import assert from "node:assert/strict";
import {
  formatChecks,
  parseGoVersion,
  runChecks,
  SANDBOX_FIX,
  versionAtLeast,
  type Probe,
} from "../../../sandbox/doctor.ts";
import { STACK_IMAGES } from "../../../harness/images.ts";
import { command } from "../../../cli/commands/doctor.ts";

/** A machine described by data; every probe call is recorded. */
function fakeProbe(m: {
  programs: string[];
  daemon: boolean;
  images: string[];
  env?: NodeJS.ProcessEnv;
  goVersion?: string;
}) {
  const calls: string[] = [];
  const probe: Probe = {
    async which(p) {
      calls.push(`which ${p}`);
      return m.programs.includes(p) ? `/usr/bin/${p}` : null;
    },
    async succeeds(file, args) {
      calls.push(`${file} ${args.join(" ")}`);
      if (file === "docker" && args[0] === "info") return m.daemon;
      return false;
    },
    async output(file, args) {
      calls.push(`${file} ${args.join(" ")}`);
      return file.endsWith("/go") && args.join(" ") === "env GOVERSION" ? (m.goVersion ?? "go1.26.8") : null;
    },
    async hasImage(ref) {
      calls.push(`image ${ref}`);
      return m.images.includes(ref);
    },
    env: m.env ?? {},
  };
  return { probe, calls };
}

const allStandIns = STACK_IMAGES.map((i) => i.standIn);
const everything = { programs: ["docker", "docker-compose", "go"], daemon: true, images: allStandIns };

test("a provisioned machine: every check ok, summary says so", async () => {
  const { probe } = fakeProbe(everything);
  const checks = await runChecks(probe);
  assert.ok(checks.every((c) => c.ok));
  const lines = formatChecks(checks);
  assert.equal(lines.at(-1), "All set: this machine can run the stack.");
  assert.ok(lines.slice(0, -1).every((l) => l.startsWith("ok ")));
});

const gaps: { name: string; machine: Parameters<typeof fakeProbe>[0]; missing: string[]; fixes: string[] }[] =
  [
    {
      name: "fresh machine",
      machine: { programs: [], daemon: false, images: [] },
      missing: [
        "docker client",
        "docker daemon reachable",
        "docker compose",
        ...STACK_IMAGES.map((i) => `image ${i.name}`),
        "go (builds the load generator and toxiproxy)",
      ],
      fixes: [SANDBOX_FIX],
    },
    {
      name: "daemon stopped",
      machine: { ...everything, daemon: false },
      missing: ["docker daemon reachable", ...STACK_IMAGES.map((i) => `image ${i.name}`)],
      fixes: ["bash sandbox/start-dockerd.sh", SANDBOX_FIX],
    },
    {
      name: "no go",
      machine: { ...everything, programs: ["docker", "docker-compose"] },
      missing: ["go (builds the load generator and toxiproxy)"],
      fixes: [SANDBOX_FIX],
    },
    {
      name: "one stand-in gone",
      machine: { ...everything, images: allStandIns.filter((t) => !t.includes("toxiproxy")) },
      missing: ["image toxiproxy"],
      fixes: [SANDBOX_FIX],
    },
    {
      name: "override naming an absent image",
      machine: { ...everything, env: { SRE_CHAOS_PROMETHEUS_IMAGE: "my/prom:1" } },
      missing: ["image prometheus"],
      fixes: ["docker pull my/prom:1   # or: unset SRE_CHAOS_PROMETHEUS_IMAGE && npx sre-chaos sandbox"],
    },
  ];

for (const g of gaps) {
  test(`doctor reports the gaps of: ${g.name}`, async () => {
    const { probe } = fakeProbe(g.machine);
    const checks = await runChecks(probe);
    assert.deepEqual(
      checks.filter((c) => !c.ok).map((c) => c.what),
      g.missing,
    );
    const text = formatChecks(checks).join("\n");
    for (const f of g.fixes) assert.ok(text.includes(`fix: ${f}`), `fix ${f} shown`);
    assert.match(text, new RegExp(`${g.missing.length} missing\\.`));
  });
}

test("an override present locally is used instead of the stand-in", async () => {
  const { probe, calls } = fakeProbe({
    ...everything,
    images: [...allStandIns, "my/prom:1"],
    env: { SRE_CHAOS_PROMETHEUS_IMAGE: "my/prom:1" },
  });
  const checks = await runChecks(probe);
  const prom = checks.find((c) => c.what === "image prometheus");
  assert.equal(prom?.ok, true);
  assert.equal(prom?.detail, "my/prom:1 (from SRE_CHAOS_PROMETHEUS_IMAGE)");
  assert.ok(!calls.includes("image sre-chaos-local/prometheus:v2.42.0"));
});

test("with docker absent, doctor never runs docker", async () => {
  const { probe, calls } = fakeProbe({ programs: [], daemon: true, images: allStandIns });
  await runChecks(probe);
  assert.deepEqual(
    calls.filter((c) => c.startsWith("docker ") || c.startsWith("image ")),
    [],
  );
});

test("the doctor command prints one line per check and exits by the result", async () => {
  const out: string[] = [];
  const code = await command([], { out: (l) => out.push(l), err: (l) => out.push(l), tty: false });
  assert.ok(out.length >= STACK_IMAGES.length + 5);
  assert.equal(code, out.some((l) => l.startsWith("MISSING")) ? 1 : 0);
});

const goCases: { have: string; need: string | undefined; ok: boolean; detail: RegExp }[] = [
  { have: "go1.26.8", need: "1.26", ok: true, detail: /^\/usr\/bin\/go$/ },
  { have: "go1.26.0", need: "1.26.1", ok: true, detail: /fetches go1\.26\.1 through GOTOOLCHAIN/ },
  { have: "go1.22.4", need: "1.26", ok: true, detail: /fetches go1\.26/ },
  { have: "go1.19.8", need: "1.26", ok: false, detail: /^\/usr\/bin\/go$/ },
  { have: "go1.19.8", need: undefined, ok: true, detail: /^\/usr\/bin\/go$/ },
];

for (const c of goCases) {
  test(`go check: ${c.have} against go.mod ${c.need ?? "(none)"}`, async () => {
    const { probe } = fakeProbe({ ...everything, goVersion: c.have });
    const go = (await runChecks(probe, { requiredGo: c.need })).at(-1)!;
    assert.equal(go.ok, c.ok);
    assert.match(go.detail ?? "", c.detail);
    if (!c.ok) assert.match(go.fix ?? "", /install Go >= 1\.26 .*1\.19\.8, is too old/);
  });
}

const versions: { a: string; b: string; atLeast: boolean }[] = [
  { a: "go1.26.8", b: "1.26", atLeast: true },
  { a: "1.9", b: "1.10", atLeast: false },
  { a: "go1.21rc2", b: "1.21", atLeast: true },
  { a: "1.26", b: "1.26.1", atLeast: false },
];

for (const v of versions) {
  test(`versionAtLeast(${v.a}, ${v.b}) = ${v.atLeast}`, () => {
    assert.equal(versionAtLeast(parseGoVersion(v.a)!, parseGoVersion(v.b)!), v.atLeast);
  });
}

test("parseGoVersion rejects text without a version", () => assert.equal(parseGoVersion("devel"), null));
