import { test } from "node:test";
import assert from "node:assert/strict";
import { decimate, esc, fmt, lineChart, niceTicks, segments, sparkline } from "../../../site/charts.ts";

test("segments split a column at nulls, so gaps stay gaps", () => {
  const cases: { input: (number | null)[]; expected: number[][] }[] = [
    { input: [], expected: [] },
    { input: [null, null], expected: [] },
    { input: [1, 2, 3], expected: [[0, 1, 2]] },
    { input: [1, null, 3, 4], expected: [[0], [2, 3]] },
    { input: [null, 5, null], expected: [[1]] },
  ];
  for (const c of cases) {
    assert.deepEqual(
      segments(c.input).map((s) => s.map((p) => p.i)),
      c.expected,
      JSON.stringify(c.input),
    );
  }
});

test("niceTicks start at 0 and reach at least the maximum with round steps", () => {
  const cases = [
    { max: 0, expected: [0, 1] },
    { max: 1, expected: [0, 0.2, 0.4, 0.6, 0.8, 1] },
    { max: 100, expected: [0, 20, 40, 60, 80, 100] },
    { max: 937, expected: [0, 200, 400, 600, 800, 1000] },
    { max: 12, expected: [0, 2.5, 5, 7.5, 10, 12.5] },
  ];
  for (const c of cases) assert.deepEqual(niceTicks(c.max), c.expected, String(c.max));
});

test("fmt is compact", () => {
  assert.equal(fmt(0), "0");
  assert.equal(fmt(1200), "1.2k");
  assert.equal(fmt(2500000), "2.5M");
  assert.equal(fmt(0.25), "0.25");
});

test("a chart with gaps draws one path per segment and a dot for a lone point", () => {
  const svg = lineChart({
    title: "Throughput",
    unit: "req/s",
    stepSeconds: 1,
    lines: [{ name: "rps", values: [1, 2, null, 4, null, 6, 7] }],
  });
  assert.equal((svg.match(/<path /g) ?? []).length, 2);
  assert.equal((svg.match(/<circle /g) ?? []).length, 1);
  assert.match(svg, /<title>Throughput \(req\/s\)<\/title>/);
  assert.doesNotMatch(svg, /no data/);
  assert.doesNotMatch(svg, /style=/, "no style attributes: the CSP forbids inline styles");
});

test("an empty or all-null chart says so and still has axes", () => {
  for (const values of [[], [null, null, null]]) {
    const svg = lineChart({
      title: "Errors",
      unit: "per s",
      stepSeconds: 1,
      lines: [{ name: "errors", values }],
    });
    assert.match(svg, /no data/);
    assert.doesNotMatch(svg, /<path /);
    assert.match(svg, /class="ch-axis"/);
    assert.doesNotMatch(svg, /NaN|Infinity/);
  }
});

test("faults are shaded spans with escaped labels and accessible titles; phases are markers", () => {
  const svg = lineChart({
    title: "Latency",
    unit: "ms",
    stepSeconds: 2,
    lines: [{ name: "p99", values: [10, 20, 30, 40, 50, 60] }],
    spans: [
      { label: "kill entry", start: 2, end: 4 },
      { label: `<script>alert("x")</script>`, start: 6, end: 8 },
    ],
    markers: [{ label: "ramp", at: 4 }],
  });
  assert.equal((svg.match(/<g class="ch-fault">/g) ?? []).length, 2);
  assert.equal((svg.match(/<rect /g) ?? []).length, 2);
  assert.match(svg, /<title>kill entry: 2–4 s<\/title>/);
  assert.doesNotMatch(svg, /<script>/);
  assert.match(svg, /&#60;script&#62;alert\(&#34;x&#34;\)/);
  assert.match(svg, /<g class="ch-phase"><title>phase ramp from 4 s<\/title>/);
  // The x domain is 0..10 s (5 steps of 2 s): a span from 2 to 4 s starts a fifth of the way in.
  const x0 = Number(/<rect x="([\d.]+)"/.exec(svg)![1]);
  assert.ok(Math.abs(x0 - (56 + 652 * 0.2)) < 0.11, `x0=${x0}`);
});

test("a percentage chart keeps its fixed maximum", () => {
  const svg = lineChart({
    title: "Availability",
    unit: "%",
    stepSeconds: 1,
    lines: [{ name: "probe", values: [100, 0, 100] }],
    yMax: 100,
  });
  assert.match(svg, />100<\/text>/);
  assert.doesNotMatch(svg, />120<\/text>/);
});

test("sparkline needs two points and escapes its label", () => {
  assert.equal(sparkline([5], "x"), "");
  const s = sparkline([1, 3, 2], `a"b<c`);
  assert.match(s, /<path d="M0 18L40 2L80 10"\/>/);
  assert.match(s, /aria-label="a&#34;b&#60;c"/);
  assert.doesNotMatch(s, /style=/);
});

test("esc escapes every HTML-significant character", () => {
  assert.equal(
    esc(`<a href="x" onclick='y'>&</a>`),
    "&#60;a href=&#34;x&#34; onclick=&#39;y&#39;&#62;&#38;&#60;/a&#62;",
  );
});

test("decimate keeps each bucket's extremes, in order, and leaves short segments alone", () => {
  const seg = Array.from({ length: 3600 }, (_, i) => ({ i, v: i === 1234 ? 0 : i === 2000 ? 999 : 50 }));
  const d = decimate(seg, 600);
  assert.ok(d.length <= 600, String(d.length));
  assert.ok(
    d.some((p) => p.i === 1234 && p.v === 0),
    "the drop survives",
  );
  assert.ok(
    d.some((p) => p.i === 2000 && p.v === 999),
    "the spike survives",
  );
  assert.deepEqual(
    d.map((p) => p.i),
    [...d.map((p) => p.i)].sort((a, b) => a - b),
  );
  const short = seg.slice(0, 10);
  assert.equal(decimate(short, 600), short);
  const svg = lineChart({
    title: "t",
    unit: "u",
    stepSeconds: 1,
    lines: [{ name: "x", values: seg.map((p) => p.v) }],
  });
  assert.ok(svg.length < 20_000, `an hour-long series stays small: ${svg.length} bytes`);
});
