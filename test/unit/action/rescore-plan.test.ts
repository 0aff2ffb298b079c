import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  MAX_SHARDS,
  planOutputs,
  planShards,
  readRescoreSettings,
  readShardInputs,
  shardOwners,
  shardSlice,
  type RescoreSettings,
} from "../../../action/src/rescore-plan.ts";

const auto: RescoreSettings = { shards: null, parallel: 4, entryMinutes: 30 };
const logins = (n: number) => Array.from({ length: n }, (_, i) => `user-${String(i).padStart(5, "0")}`);

describe("rescore shard plan", () => {
  const table = [
    { case: "no entries", entries: 0, s: auto, shards: 0, perShard: 0, groups: [] as number[] },
    { case: "one entry", entries: 1, s: auto, shards: 1, perShard: 1, groups: [1] },
    { case: "255: one job each", entries: 255, s: auto, shards: 255, perShard: 1, groups: [255] },
    { case: "256: one full matrix", entries: 256, s: auto, shards: 256, perShard: 1, groups: [256] },
    { case: "257: two in one job", entries: 257, s: auto, shards: 256, perShard: 2, groups: [256] },
    {
      case: "10,000: past one matrix, within a job's 6 h",
      entries: 10_000,
      s: auto,
      shards: 910,
      perShard: 11,
      groups: [256, 256, 256, 142],
    },
    {
      case: "10,000 in 1,000 chosen shards",
      entries: 10_000,
      s: { ...auto, shards: 1000 },
      shards: 1000,
      perShard: 10,
      groups: [256, 256, 256, 232],
    },
    {
      case: "short runs: 10,000 in 256 jobs",
      entries: 10_000,
      s: { ...auto, entryMinutes: 5 },
      shards: 256,
      perShard: 40,
      groups: [256],
    },
    {
      case: "more shards than entries",
      entries: 3,
      s: { ...auto, shards: 50 },
      shards: 3,
      perShard: 1,
      groups: [3],
    },
    {
      case: "one shard for all",
      entries: 11,
      s: { ...auto, shards: 1 },
      shards: 1,
      perShard: 11,
      groups: [1],
    },
  ];
  for (const t of table) {
    it(t.case, () => {
      const p = planShards(t.entries, t.s);
      assert.deepEqual(
        { shards: p.shards, perShard: p.perShard, groups: p.groups.map((g) => g.length) },
        { shards: t.shards, perShard: t.perShard, groups: t.groups },
      );
      assert.equal(p.parallel, t.s.parallel);
      if (t.entries) assert.equal(p.timeoutMinutes, 15 + t.perShard * t.s.entryMinutes);
      assert.ok(p.timeoutMinutes <= 360);
      // The slices cover every entry exactly once, none empty, sizes differing by one at most.
      const all = logins(t.entries);
      const slices = Array.from({ length: p.shards }, (_, i) => shardSlice(all, p.shards, i));
      assert.deepEqual(slices.flat(), all);
      const sizes = slices.map((x) => x.length);
      if (sizes.length) assert.ok(Math.min(...sizes) >= 1 && Math.max(...sizes) - Math.min(...sizes) <= 1);
      assert.equal(Math.max(0, ...sizes), p.perShard);
      // Matrices hold shards 0 … n-1 in order, 256 at most each.
      assert.deepEqual(
        p.groups.flat(),
        Array.from({ length: p.shards }, (_, i) => i),
      );
      const owners = shardOwners(all, p.shards);
      assert.equal(owners.size, t.entries);
      slices.forEach((s, i) => s.forEach((l) => assert.equal(owners.get(l), i)));
    });
  }

  const refusals = [
    {
      case: "a plan whose jobs would run past 6 hours",
      entries: 1000,
      s: { ...auto, shards: 10 },
      error: /1000 entries in 10 shards is 100 per job.*set SRE_CHAOS_RESCORE_SHARDS to at least 91/,
    },
    {
      case: "more entries than 4 matrices can hold",
      entries: 20_000,
      s: auto,
      error: /20000 entries need 1819 jobs .* more than the 1024 of 4 matrices/,
    },
  ];
  for (const t of refusals) {
    it(`refuses ${t.case}`, () => assert.throws(() => planShards(t.entries, t.s), t.error));
  }

  it("outputs four matrices, unused ones empty", () => {
    const o = planOutputs(planShards(300, auto));
    assert.equal(o.shards, "256");
    assert.equal(o["max-parallel"], "4");
    assert.equal(o["timeout-minutes"], "75");
    assert.equal(JSON.parse(o["matrix-1"]!).include.length, 256);
    assert.deepEqual(JSON.parse(o["matrix-1"]!).include[255], { shard: 255 });
    for (const k of ["matrix-2", "matrix-3", "matrix-4"])
      assert.deepEqual(JSON.parse(o[k]!), { include: [] });
    const none = planOutputs(planShards(0, auto));
    assert.equal(none.shards, "0");
    assert.deepEqual(JSON.parse(none["matrix-1"]!), { include: [] });
  });
});

describe("rescore settings", () => {
  const read = (v: Record<string, string>) => (n: string) => v[n] ?? "";
  it("empty variables give the defaults", () => {
    assert.deepEqual(readRescoreSettings(read({})), auto);
  });
  it("reads set variables (trimmed)", () => {
    assert.deepEqual(
      readRescoreSettings(read({ shards: " 300 ", "max-parallel": "20", "entry-minutes": "12" })),
      { shards: 300, parallel: 20, entryMinutes: 12 },
    );
  });
  const bad = [
    {
      input: "shards",
      value: "abc",
      error:
        /input "shards": "abc" \(repository variable SRE_CHAOS_RESCORE_SHARDS\) is not a whole number from 1 to 1024/,
    },
    { input: "shards", value: "0", error: /SRE_CHAOS_RESCORE_SHARDS\) is not a whole number from 1 to 1024/ },
    { input: "shards", value: String(MAX_SHARDS + 1), error: /"1025"/ },
    { input: "shards", value: "-3", error: /"-3"/ },
    { input: "shards", value: "2.5", error: /"2.5"/ },
    {
      input: "max-parallel",
      value: "0",
      error:
        /input "max-parallel": "0" \(repository variable SRE_CHAOS_RESCORE_PARALLEL\) is not a whole number from 1 to 256/,
    },
    { input: "max-parallel", value: "1e3", error: /"1e3"/ },
    { input: "max-parallel", value: "257", error: /from 1 to 256/ },
    {
      input: "entry-minutes",
      value: "346",
      error: /SRE_CHAOS_RESCORE_ENTRY_MINUTES\) is not a whole number from 1 to 345/,
    },
    { input: "entry-minutes", value: "thirty", error: /"thirty"/ },
  ];
  for (const t of bad) {
    it(`refuses ${t.input}=${JSON.stringify(t.value)}`, () => {
      assert.throws(() => readRescoreSettings(read({ [t.input]: t.value })), t.error);
    });
  }

  it("a shard job's inputs: shard within the plan's count", () => {
    assert.deepEqual(readShardInputs(read({ shard: "0", shards: "1" }), true), { shard: 0, shards: 1 });
    assert.deepEqual(readShardInputs(read({ shard: "909", shards: "910" }), true), {
      shard: 909,
      shards: 910,
    });
    assert.throws(() => readShardInputs(read({ shard: "910", shards: "910" }), true), /input "shard": "910"/);
    assert.throws(() => readShardInputs(read({ shard: "", shards: "3" }), true), /input "shard": ""/);
    assert.throws(() => readShardInputs(read({ shards: "" }), false), /input "shards": ""/);
  });
});
