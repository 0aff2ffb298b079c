import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { entryComposeFile, ENTRY_LIMITS } from "../../../harness/compose-entry.ts";
import { composeEnv, cpuPlacement } from "../../../harness/stack.ts";

test("the generated entry service carries the whole sandbox of the entry rules", () => {
  const doc = parse(
    entryComposeFile([
      {
        name: "entry",
        image: "e:1",
        port: 8080,
        restart: "always",
        cpuset: "1",
        healthcheck: { test: "wget -q -O- http://127.0.0.1:8080/healthz", interval: "2s", retries: 3 },
      },
      { name: "reference", image: "r:1", port: 8080, restart: "always", cpuset: "1", healthcheck: null },
    ]),
  );
  const e = doc.services.entry;
  assert.equal(e.read_only, true);
  assert.deepEqual(e.cap_drop, ["ALL"]);
  assert.deepEqual(e.cap_add, [...ENTRY_LIMITS.capAdd]);
  // entry.yml allows any port: binding one below 1024 (nginx's `listen 80;`) needs this capability.
  assert.ok(e.cap_add.includes("NET_BIND_SERVICE"), "ports below 1024 can be bound");
  assert.deepEqual(e.security_opt, ["no-new-privileges:true"]);
  // The app joins its sealed namespace holder once the holder is healthy (its default route gone).
  assert.equal(e.network_mode, "service:entry-netns");
  assert.deepEqual(e.depends_on, { "entry-netns": { condition: "service_healthy" } });
  assert.equal(doc.services.reference.network_mode, "service:reference-netns");
  assert.equal(e.mem_limit, "256m");
  assert.equal(e.memswap_limit, "256m");
  assert.equal(e.pids_limit, ENTRY_LIMITS.pids);
  assert.equal(e.cpus, ENTRY_LIMITS.cpus);
  assert.equal(e.cpuset, "1");
  assert.deepEqual(e.healthcheck.test, ["CMD-SHELL", "wget -q -O- http://127.0.0.1:8080/healthz"]);
  // No mounts, no privileges, no host namespaces, no ports: none of these keys may appear.
  for (const key of ["volumes", "privileged", "networks", "pid", "ipc", "ports", "devices", "userns_mode"]) {
    assert.equal(key in e, false, key);
  }
  // The reference app is sandboxed exactly alike (fair calibration).
  const r = doc.services.reference;
  for (const key of [
    "read_only",
    "cap_drop",
    "cap_add",
    "security_opt",
    "mem_limit",
    "pids_limit",
    "cpus",
    "cpuset",
    "tmpfs",
  ]) {
    assert.deepEqual(r[key], e[key], key);
  }
});

test("cpu placement gives the entry its own CPU when there are two or more", () => {
  const cases = [
    { cpus: 1, expected: { entry: "shared", load: "shared" } },
    { cpus: 2, expected: { entry: "1", load: "0" } },
    { cpus: 4, expected: { entry: "3", load: "0-2" } },
  ];
  for (const c of cases) {
    const p = cpuPlacement(c.cpus);
    assert.deepEqual({ entry: p.entry, load: p.load }, c.expected, String(c.cpus));
  }
});

test('restart "no" stays a string for docker-compose v1, which reads YAML 1.1 (unquoted no = false)', () => {
  const text = entryComposeFile([
    { name: "entry", image: "e:1", port: 8080, restart: "no", cpuset: null, healthcheck: null },
  ]);
  assert.match(text, /restart: "no"/);
  assert.equal(parse(text, { version: "1.1" }).services.entry.restart, "no");
});

test("nothing from an entry is interpolated by Compose: every $ is written as $$", () => {
  const hostile = "wget -qO- http://127.0.0.1:8080/${SRE_CHAOS_QUOTE_KEY}?x=$HOME&y=$$";
  const text = entryComposeFile([
    {
      name: "entry",
      image: "e:1",
      port: 8080,
      restart: "always",
      cpuset: null,
      healthcheck: { test: hostile, interval: "$PATH" },
    },
  ]);
  const doc = parse(text, { version: "1.1" });
  assert.deepEqual(doc.services.entry.healthcheck.test, ["CMD-SHELL", hostile.replaceAll("$", "$$$$")]);
  assert.equal(doc.services.entry.healthcheck.interval, "$$PATH");
  assert.doesNotMatch(text.replaceAll("$$", ""), /\$/, "no single $ is left anywhere in the file");
});

test("compose runs with a minimal, explicit environment", () => {
  const host = {
    PATH: "/bin",
    HOME: "/root",
    GITHUB_TOKEN: "t",
    SRE_CHAOS_QUOTE_KEY_OLD: "k",
    AWS_SECRET: "s",
  };
  const env = composeEnv(host, { SRE_CHAOS_BUILD_TAG: "x" });
  assert.deepEqual(env, { PATH: "/bin", HOME: "/root", SRE_CHAOS_BUILD_TAG: "x" });
});
