import { test } from "node:test";
import assert from "node:assert/strict";
import { encodeWriteRequest, faultSample, snappyLiteral } from "../../../harness/remote-write.ts";

test("snappy literal blocks carry the length preamble and the right tag for each size", () => {
  const cases = [
    { n: 0, head: [0x00] },
    { n: 1, head: [0x01, 0x00] },
    { n: 60, head: [60, 59 << 2] },
    { n: 61, head: [61, 60 << 2, 60] },
    { n: 300, head: [0xac, 0x02, 61 << 2, 0x2b, 0x01] },
  ];
  for (const c of cases) {
    const out = snappyLiteral(new Uint8Array(c.n).fill(7));
    assert.deepEqual([...out.slice(0, c.head.length)], c.head, `n=${c.n}`);
    assert.equal(out.length, c.head.length + c.n);
  }
});

test("a WriteRequest is encoded field by field with labels sorted by name", () => {
  const bytes = encodeWriteRequest([
    { labels: { b: "2", __name__: "m" }, samples: [{ value: 1, timestampMs: 1000 }] },
  ]);
  const label = (k: string, v: string) => [
    0x0a,
    2 + k.length + 2 + v.length,
    0x0a,
    k.length,
    ...Buffer.from(k),
    0x12,
    v.length,
    ...Buffer.from(v),
  ];
  const sample = [0x12, 12, 0x09, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0x10, 0xe8, 0x07];
  const ts = [...label("__name__", "m"), ...label("b", "2"), ...sample];
  assert.deepEqual([...bytes], [0x0a, ts.length, ...ts]);
});

test("a fault sample names the run, action and target", () => {
  assert.deepEqual(faultSample("r1", "pause", "entry", 1, 5).labels, {
    __name__: "sre_chaos_fault_active",
    run_id: "r1",
    action: "pause",
    target: "entry",
  });
});
