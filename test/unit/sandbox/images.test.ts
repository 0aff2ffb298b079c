import { test } from "node:test";
import assert from "node:assert/strict";
import { STACK_IMAGES, imageEnv, officialRef } from "../../../harness/images.ts";

/** A Docker with exactly these local images; records every lookup. */
function fakeDocker(local: string[]) {
  const asked: string[] = [];
  return {
    asked,
    docker: {
      async imageInfo(ref: string) {
        asked.push(ref);
        return local.includes(ref) ? { id: `sha256:${ref}`, size: 1 } : null;
      },
    },
  };
}

const VARS = [
  "SRE_CHAOS_PROMETHEUS_IMAGE",
  "SRE_CHAOS_BLACKBOX_IMAGE",
  "SRE_CHAOS_TOXIPROXY_IMAGE",
  "SRE_CHAOS_NODE_IMAGE",
];

test("the stack's image variables are exactly the four Compose variables", () => {
  assert.deepEqual(STACK_IMAGES.map((i) => i.envVar).filter(Boolean), VARS);
});

test("digests, where known, are sha256 and appended to the official reference", () => {
  for (const i of STACK_IMAGES) {
    if (i.digest) {
      assert.match(i.digest, /^sha256:[0-9a-f]{64}$/);
      assert.equal(officialRef(i), `${i.official}@${i.digest}`);
    } else assert.equal(officialRef(i), i.official);
  }
});

test("every image of the Compose stack is pinned by digest (docs/ENTRY.md)", () => {
  for (const i of STACK_IMAGES.filter((x) => x.envVar))
    assert.ok(i.digest, `${i.name} (${i.official}) has no digest`);
});

const cases: { name: string; local: string[]; env: NodeJS.ProcessEnv; want: Record<string, string> }[] = [
  {
    name: "all stand-ins present",
    local: STACK_IMAGES.map((i) => i.standIn),
    env: {},
    want: {
      SRE_CHAOS_PROMETHEUS_IMAGE: "sre-chaos-local/prometheus:v2.42.0",
      SRE_CHAOS_BLACKBOX_IMAGE: "sre-chaos-local/blackbox-exporter:v0.23.0",
      SRE_CHAOS_TOXIPROXY_IMAGE: "sre-chaos-local/toxiproxy:2.5.0",
      SRE_CHAOS_NODE_IMAGE: "sre-chaos-local/node:20-bookworm-slim",
    },
  },
  {
    name: "no stand-ins: official references",
    local: [],
    env: {},
    want: Object.fromEntries(STACK_IMAGES.filter((i) => i.envVar).map((i) => [i.envVar!, officialRef(i)])),
  },
  {
    name: "a variable the user set wins over a present stand-in",
    local: STACK_IMAGES.map((i) => i.standIn),
    env: { SRE_CHAOS_TOXIPROXY_IMAGE: "mine/toxiproxy:dev" },
    want: {
      SRE_CHAOS_PROMETHEUS_IMAGE: "sre-chaos-local/prometheus:v2.42.0",
      SRE_CHAOS_BLACKBOX_IMAGE: "sre-chaos-local/blackbox-exporter:v0.23.0",
      SRE_CHAOS_TOXIPROXY_IMAGE: "mine/toxiproxy:dev",
      SRE_CHAOS_NODE_IMAGE: "sre-chaos-local/node:20-bookworm-slim",
    },
  },
];

for (const c of cases) {
  test(`imageEnv: ${c.name}`, async () => {
    const { docker } = fakeDocker(c.local);
    assert.deepEqual(await imageEnv(docker, c.env), c.want);
  });
}

test("imageEnv does not look up an image whose variable is set", async () => {
  const { docker, asked } = fakeDocker([]);
  await imageEnv(docker, { SRE_CHAOS_NODE_IMAGE: "x:1" });
  assert.ok(!asked.includes("sre-chaos-local/node:20-bookworm-slim"));
});
