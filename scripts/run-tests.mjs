#!/usr/bin/env node
// Runs the node:test suites. `unit` = test/unit, `e2e` = test/e2e, `all` = both (unit first).
// Node 20 has no --test glob support, so the files are listed here.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

const which = process.argv[2] ?? "all";
const roots = which === "all" ? ["test/unit", "test/e2e"] : [`test/${which}`];
const files = [];
const walk = (dir) => {
  let names = [];
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
const args = ["--import", "tsx", "--test", "--test-concurrency=1", "--test-reporter=spec", ...files];
const r = spawnSync(process.execPath, args, { stdio: "inherit" });
process.exit(r.status ?? 1);
