#!/usr/bin/env node
// Runs the node:test suites. `unit` = test/unit, `e2e` = test/e2e, `all` = both (unit first), and
// prints the time of each group (the unit files together, each end-to-end file alone).
// Before end-to-end suites it provisions what they need (Docker Engine and image stand-ins via
// `sre-chaos sandbox`, Chromium and the workflow tools via tools/install-test-deps.sh): a test that
// needs a component starts it. Node 20 has no --test glob support, so the files are listed here.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { failureDigest } from "./failure-digest.mjs";
import { spawn, spawnSync } from "node:child_process";

const which = process.argv[2] ?? "all";
const roots = which === "all" ? ["test/unit", "test/e2e"] : [`test/${which}`];
const files = [];
const walk = (dir) => {
  let names;
  try {
    names = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of names) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith(".test.ts")) files.push(p);
  }
};
roots.forEach(walk);
if (files.length === 0) {
  console.error(`no test files under ${roots.join(", ")}`);
  process.exit(1);
}

const step = (what, cmd, args) => {
  console.log(`\n== ${what}`);
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`${what} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
};

if (roots.includes("test/e2e")) {
  step("provision the sandbox", process.execPath, ["bin/sre-chaos.mjs", "sandbox"]);
  step("install test dependencies", "bash", ["tools/install-test-deps.sh"]);
}
step("go test (loadgen)", "go", ["-C", "loadgen", "test", "./..."]);
// Unit files in one node --test run; each end-to-end file in its own, so the time of each is known.
// A failing group does not stop the others; the summary names every group with its time.
const groups = [];
const unitFiles = files.filter((f) => f.startsWith("test/unit"));
// Unit files run two at a time (most of their time is waiting on child processes, not CPU); an
// end-to-end file drives the one Docker Engine and runs alone.
const unitConcurrency = Number(process.env.UNIT_CONCURRENCY ?? 2);
if (!Number.isInteger(unitConcurrency) || unitConcurrency < 1) {
  console.error(`UNIT_CONCURRENCY must be a whole number ≥ 1, not "${process.env.UNIT_CONCURRENCY}"`);
  process.exit(2);
}
if (unitFiles.length)
  groups.push({ name: `unit (${unitFiles.length} files)`, files: unitFiles, concurrency: unitConcurrency });
for (const f of files.filter((x) => x.startsWith("test/e2e")))
  groups.push({ name: f, files: [f], concurrency: 1 });
const results = [];
for (const g of groups) {
  console.log(`\n== node --test ${g.name}`);
  const t0 = Date.now();
  const args = [
    "--import",
    "tsx",
    "--test",
    `--test-concurrency=${g.concurrency}`,
    "--test-reporter=spec",
    ...g.files,
  ];
  const { status, output } = await runTee(process.execPath, args);
  results.push({ name: g.name, seconds: (Date.now() - t0) / 1000, ok: status === 0, output });
}
const total = results.reduce((a, r) => a + r.seconds, 0);
console.log("\n== time per test file");
for (const r of results)
  console.log(`${r.ok ? "pass" : "FAIL"}  ${r.seconds.toFixed(0).padStart(5)} s  ${r.name}`);
console.log(`      ${total.toFixed(0).padStart(5)} s  in all`);
// A CI log is often read from its end: each failing file's failures again, without stack frames.
for (const r of results.filter((x) => !x.ok)) {
  console.log(`\n== why ${r.name} failed`);
  console.log(failureDigest(r.output));
}
process.exit(results.every((r) => r.ok) ? 0 : 1);

/** Runs a command with its stdout passed through and kept (stderr passes through untouched). */
function runTee(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ["inherit", "pipe", "inherit"] });
    const chunks = [];
    child.stdout.on("data", (c) => {
      process.stdout.write(c);
      chunks.push(c);
    });
    child.on("close", (code, signal) =>
      resolve({ status: code ?? signal, output: Buffer.concat(chunks).toString("utf8") }),
    );
  });
}
