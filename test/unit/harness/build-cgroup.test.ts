/**
 * The build's cgroup set-up against a folder laid out like /sys/fs/cgroup (v1 and v2), and the
 * systemd path against a recorded `systemctl`: where the cap is written, that it is read back,
 * that a machine without one refuses the build unless the operator opts out, and the clean-up.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildCgroupParent,
  forkRefusals,
  pidsLimitReached,
  prepareBuildCgroup,
  type AsRoot,
} from "../../../harness/build-cgroup.ts";

function scratch(): string {
  return mkdtempSync(join(tmpdir(), "sre-chaos-cgroup-"));
}

/** Refuses every command: the tests' "no sudo here". */
const noRoot: AsRoot = async (args) => {
  throw new Error(`sudo: a password is required (${args[0]})`);
};

const events: { case: string; input: string; expected: number }[] = [
  { case: "no refusal", input: "max 0\n", expected: 0 },
  { case: "refusals", input: "max 95\n", expected: 95 },
  { case: "newer kernels' two lines", input: "max 3\nmax.imposed 3\n", expected: 3 },
  { case: "unreadable", input: "", expected: 0 },
];
for (const t of events) {
  test(`forkRefusals: ${t.case}`, () => assert.equal(forkRefusals(t.input), t.expected));
}

const parents: { case: string; input: [string, string]; expected: string }[] = [
  { case: "cgroupfs: a top-level directory", input: ["cgroupfs", "ab12"], expected: "/srechaos-build-ab12" },
  {
    case: "systemd: a top-level slice (no dash)",
    input: ["systemd", "ab12"],
    expected: "srechaosbuildab12.slice",
  },
];
for (const t of parents) {
  test(`buildCgroupParent: ${t.case}`, () => assert.equal(buildCgroupParent(...t.input), t.expected));
}

const pressure: { case: string; input: Record<string, string>; expected: boolean }[] = [
  {
    case: "quiet",
    input: { "pids.max": "64", "pids.current": "3", "pids.events": "max 0" },
    expected: false,
  },
  { case: "at the cap", input: { "pids.max": "64", "pids.current": "64" }, expected: true },
  {
    case: "was at the cap (pids.peak)",
    input: { "pids.max": "64", "pids.current": "2", "pids.peak": "64" },
    expected: true,
  },
  { case: "a refusal in the cgroup", input: { "pids.max": "64", "pids.events": "max 1" }, expected: true },
  {
    case: "a refusal in a container's cgroup",
    input: { "pids.max": "64", "pids.current": "2", "c0ffee/pids.events": "max 95" },
    expected: true,
  },
  { case: "no limit file", input: { "pids.current": "9000" }, expected: false },
];
for (const t of pressure) {
  test(`pidsLimitReached: ${t.case}`, () => {
    const dir = scratch();
    for (const [file, text] of Object.entries(t.input)) {
      mkdirSync(join(dir, file, ".."), { recursive: true });
      writeFileSync(join(dir, file), text + "\n");
    }
    assert.equal(pidsLimitReached(dir), t.expected);
    rmSync(dir, { recursive: true });
  });
}

test("pidsLimitReached: a cgroup that is gone has not", () => {
  assert.equal(pidsLimitReached(join(tmpdir(), "sre-chaos-no-such-cgroup")), false);
});

test("cgroupfs v1: a directory under the pids controller with pids.max, removed under every controller", async () => {
  const root = scratch();
  for (const c of ["pids", "memory", "cpu"]) mkdirSync(join(root, c));
  writeFileSync(join(root, "pids", "cgroup.procs"), "");
  const cg = await prepareBuildCgroup({
    driver: "cgroupfs",
    version: "1",
    pids: 64,
    id: "t1",
    allowUnlimited: false,
    cgroupRoot: root,
    asRoot: noRoot,
  });
  assert.equal(cg.parent, "/srechaos-build-t1");
  assert.equal(cg.pidsDir, join(root, "pids", "srechaos-build-t1"));
  assert.equal(readFileSync(join(cg.pidsDir!, "pids.max"), "utf8"), "64");
  // The engine makes the same directory under the other controllers; a plain folder stands in.
  mkdirSync(join(root, "memory", "srechaos-build-t1"));
  rmSync(join(cg.pidsDir!, "pids.max"));
  await cg.release();
  assert.equal(existsSync(join(root, "pids", "srechaos-build-t1")), false);
  assert.equal(existsSync(join(root, "memory", "srechaos-build-t1")), false);
  rmSync(root, { recursive: true });
});

test("cgroupfs v2: the root hands the pids controller down first", async () => {
  const root = scratch();
  writeFileSync(join(root, "cgroup.controllers"), "cpuset cpu io memory pids\n");
  writeFileSync(join(root, "cgroup.subtree_control"), "cpu memory\n");
  const cg = await prepareBuildCgroup({
    driver: "cgroupfs",
    version: "2",
    pids: 32,
    id: "t2",
    allowUnlimited: false,
    cgroupRoot: root,
    asRoot: noRoot,
  });
  assert.equal(readFileSync(join(root, "cgroup.subtree_control"), "utf8"), "+pids");
  assert.equal(readFileSync(join(root, "srechaos-build-t2", "pids.max"), "utf8"), "32");
  rmSync(join(root, "srechaos-build-t2", "pids.max"));
  await cg.release();
  assert.equal(existsSync(join(root, "srechaos-build-t2")), false);
  rmSync(root, { recursive: true });
});

const refusals: {
  case: string;
  input: { driver: string; version: string; layout: string[] };
  expected: RegExp;
}[] = [
  {
    case: "no pids controller (v1)",
    input: { driver: "cgroupfs", version: "1", layout: ["memory"] },
    expected: /no pids controller/,
  },
  {
    case: "no pids controller (v2)",
    input: { driver: "cgroupfs", version: "2", layout: [] },
    expected: /no pids controller/,
  },
  {
    case: "an unknown driver",
    input: { driver: "none", version: "2", layout: [] },
    expected: /cgroup driver is "none"/,
  },
  {
    case: "systemd without root",
    input: { driver: "systemd", version: "2", layout: [] },
    expected: /a password is required/,
  },
];
for (const t of refusals) {
  test(`prepareBuildCgroup refuses: ${t.case}`, async () => {
    const root = scratch();
    for (const d of t.input.layout) mkdirSync(join(root, d));
    const opts = { ...t.input, pids: 8, id: "r", cgroupRoot: root, asRoot: noRoot };
    await assert.rejects(prepareBuildCgroup({ ...opts, allowUnlimited: false }), (e: Error) => {
      assert.match(e.message, /cannot cap the build's processes on this machine/);
      assert.match(e.message, t.expected);
      assert.match(e.message, /SRE_CHAOS_ALLOW_UNLIMITED_BUILD=1/);
      return true;
    });
    const lines: string[] = [];
    const cg = await prepareBuildCgroup({ ...opts, allowUnlimited: true, log: (l) => lines.push(l) });
    assert.equal(cg.pidsDir, null);
    assert.match(lines.join("\n"), /warning: .*building without a process cap/);
    rmSync(root, { recursive: true });
  });
}

test("systemd: a runtime slice with TasksMax, read back from its pids.max, stopped and reverted after", async () => {
  const root = scratch();
  const calls: string[] = [];
  const slice = "srechaosbuildt3.slice";
  const asRoot: AsRoot = async (args) => {
    calls.push(args.join(" "));
    // What systemd does: the slice's cgroup on start, TasksMax as its pids.max.
    if (args[1] === "start") mkdirSync(join(root, slice));
    if (args[1] === "set-property") writeFileSync(join(root, slice, "pids.max"), "48\n");
  };
  const cg = await prepareBuildCgroup({
    driver: "systemd",
    version: "2",
    pids: 48,
    id: "t3",
    allowUnlimited: false,
    cgroupRoot: root,
    asRoot,
  });
  assert.equal(cg.parent, slice);
  assert.equal(cg.pidsDir, join(root, slice));
  await cg.release();
  assert.deepEqual(calls, [
    `systemctl start ${slice}`,
    `systemctl set-property --runtime ${slice} TasksMax=48`,
    `systemctl stop ${slice}`,
    `systemctl revert ${slice}`,
  ]);
  rmSync(root, { recursive: true });
});

test("systemd: a cap that does not read back is no cap", async () => {
  const root = scratch();
  const asRoot: AsRoot = async (args) => {
    if (args[1] === "start") {
      mkdirSync(join(root, "srechaosbuildt4.slice"));
      writeFileSync(join(root, "srechaosbuildt4.slice", "pids.max"), "max\n");
    }
  };
  const opts = {
    driver: "systemd",
    version: "2",
    pids: 48,
    id: "t4",
    allowUnlimited: false,
    cgroupRoot: root,
    asRoot,
  };
  await assert.rejects(prepareBuildCgroup(opts), /pids\.max reads "max", not 48/);
  rmSync(root, { recursive: true });
});
