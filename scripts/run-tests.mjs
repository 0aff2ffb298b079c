#!/usr/bin/env node
// Runs the node:test suites. `unit` = test/unit, `e2e` = test/e2e, `all` = both (unit first).
// Before end-to-end suites it provisions what they need (Docker Engine and image stand-ins via
// `sre-chaos sandbox`, Chromium and the workflow tools via tools/install-test-deps.sh): a test that
// needs a component starts it. Node 20 has no --test glob support, so the files are listed here.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

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
const args = ["--import", "tsx", "--test", "--test-concurrency=1", "--test-reporter=spec", ...files];
console.log(`\n== node --test (${files.length} files)`);
const r = spawnSync(process.execPath, args, { stdio: "inherit" });
process.exit(r.status ?? 1);
