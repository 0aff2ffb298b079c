import { test } from "node:test";
import assert from "node:assert/strict";
import {
  checkCalibration,
  checkLoad,
  countedInPrometheus,
  CPU_TOLERANCE,
  loadPathCautions,
  MISSING_SCRAPES_ALLOWED,
  PACER_LAG_LIMIT_SECONDS,
  verdict,
  type LoadFacts,
} from "../../../harness/integrity.ts";
import { RECORD_LIMITS } from "../../../record/run-record.ts";
import { emptyCounts } from "../../../scoring/measurements.ts";

const SECONDS = 60;
const RUN = "entry-0a1b2c3d";

/** One second of traffic: `ok` echo requests and `timeouts` quote timeouts. */
const second = (ok: number, timeouts = 0) => ({
  echo: { ...emptyCounts(), ok },
  page: emptyCounts(),
  quote: { ...emptyCounts(), timeout: timeouts },
});

/**
 * An honest 60 s load: 100 responses a second (one a timeout), every second scraped, the entry at
 * 0.2 of its 0.25 cores, and the load generator's final totals above what the window holds (the
 * in-flight tail ends after the window's last scrape).
 */
function honest(over: Partial<LoadFacts> = {}, raw: Partial<LoadFacts["raw"]> = {}): LoadFacts {
  return {
    label: "entry load",
    runId: RUN,
    plannedSeconds: SECONDS,
    stoppedEarly: false,
    finished: true,
    final: {
      runId: RUN,
      done: true,
      aborted: false,
      elapsed: SECONDS,
      totals: { ok: 5950, timeout: 60, requests: 6010, dropped: 5, iterations: 6010 },
    },
    raw: {
      counts: Array.from({ length: SECONDS }, () => second(99, 1)),
      dropped: Array.from({ length: SECONDS }, (_, i) => (i === 10 ? 5 : 0)),
      loadScraped: Array.from({ length: SECONDS }, () => true),
      iterations: 6005,
      ...raw,
    },
    cpu: Array.from({ length: SECONDS }, () => 0.2),
    cpuLimit: 0.25,
    ...over,
  };
}

const gaps = (n: number) => Array.from({ length: SECONDS }, (_, i) => i >= n);
const final = (o: Partial<LoadFacts["final"]>) => ({ ...honest().final, ...o });
const allowedGaps = Math.max(
  MISSING_SCRAPES_ALLOWED.seconds,
  Math.floor(SECONDS * MISSING_SCRAPES_ALLOWED.share),
);
const cpuCeiling = 0.25 * (SECONDS * (1 + CPU_TOLERANCE.relative) + CPU_TOLERANCE.seconds);

test("checkLoad: each plausibility check, one case at a time", () => {
  const cases: { case: string; input: LoadFacts; expected: RegExp[] }[] = [
    { case: "an honest load", input: honest(), expected: [] },
    {
      case: "more responses than iterations started",
      input: honest({}, { iterations: 5000 }),
      expected: [
        /^entry load: Prometheus counted 6000 responses, more than the 5000 iterations the load generator started$/,
      ],
    },
    {
      case: "more responses than the load generator reported",
      input: honest({ final: final({ totals: { requests: 5999, dropped: 5, iterations: 6010 } }) }),
      expected: [/counted 6000 responses, more than the 5999 the load generator reported/],
    },
    {
      case: "as many responses as reported (no tolerance needed, none given)",
      input: honest(
        { final: final({ totals: { requests: 6000, dropped: 5, iterations: 6000 } }) },
        { iterations: 6000 },
      ),
      expected: [],
    },
    {
      case: "as many in all, but more ok than reported (timeouts counted as ok)",
      input: honest({ final: final({ totals: { ok: 5900, timeout: 110, requests: 6010, dropped: 5 } }) }),
      expected: [/counted 5940 responses with outcome ok, more than the 5900 the load generator reported/],
    },
    {
      case: "more dropped than reported",
      input: honest({ final: final({ totals: { requests: 6010, dropped: 4, iterations: 6010 } }) }),
      expected: [/counted 5 dropped iterations, more than the 4/],
    },
    {
      case: "no request total reported",
      input: honest({ final: final({ totals: {} }) }),
      expected: [/reported no request total/],
    },
    {
      case: "CPU above limit × wall time",
      input: honest({ cpu: Array.from({ length: SECONDS }, () => 0.3) }),
      expected: [
        /^entry load: the container used 18\.00 CPU-seconds in 60 s, more than its limit of 0\.25 cores allows$/,
      ],
    },
    {
      case: "CPU at the limit, with sampling noise inside the tolerance",
      input: honest({ cpu: Array.from({ length: SECONDS }, (_, i) => (i % 2 ? 0.27 : 0.25)) }),
      expected: [],
    },
    {
      case: "CPU just above the tolerance",
      input: honest({ cpu: Array.from({ length: SECONDS }, () => (cpuCeiling + 0.01) / SECONDS) }),
      expected: [/CPU-seconds in 60 s/],
    },
    { case: "no CPU samples at all", input: honest({ cpu: Array(SECONDS).fill(null) }), expected: [] },
    {
      case: "scrape gaps within the allowance",
      input: honest({}, { loadScraped: gaps(allowedGaps) }),
      expected: [],
    },
    {
      case: "scrape gaps beyond the allowance",
      input: honest({}, { loadScraped: gaps(allowedGaps + 1) }),
      expected: [
        new RegExp(`^entry load: ${allowedGaps + 1} seconds of the load generator's series are missing`),
      ],
    },
    {
      case: "aborted, not by the harness",
      input: honest({ final: final({ aborted: true, elapsed: 20 }) }),
      expected: [/^entry load: the load was aborted, and not by the harness$/],
    },
    {
      case: "stopped early by the harness (a failed step search)",
      input: honest({ stoppedEarly: true, final: final({ aborted: true, elapsed: 20 }) }),
      expected: [],
    },
    {
      case: "done well before the planned end, not stopped by the harness",
      input: honest({ final: final({ elapsed: 41.5 }) }),
      expected: [/^entry load: the load ended after 41\.5 s of the planned 60 s$/],
    },
    {
      case: "done within the tolerance of the end",
      input: honest({ final: final({ elapsed: 59.8 }) }),
      expected: [],
    },
    {
      case: "did not finish (the harness's deadline passed)",
      input: honest({ finished: false, final: final({ done: false, aborted: true }) }),
      expected: [/^entry load: the load did not finish within the planned 60 s plus slack$/],
    },
    {
      case: "the last status is of another run",
      input: honest({ final: final({ runId: "someone-else" }) }),
      expected: [/last status is of another run \("someone-else"\), not entry-0a1b2c3d/],
    },
  ];
  for (const c of cases) {
    const got = checkLoad(c.input);
    assert.equal(got.length, c.expected.length, `${c.case}: ${JSON.stringify(got)}`);
    c.expected.forEach((re, i) => assert.match(got[i]!, re, c.case));
  }
});

test("countedInPrometheus sums every kind and outcome, and the dropped iterations", () => {
  const honestCount = countedInPrometheus(honest().raw);
  assert.equal(honestCount.responses, 6000);
  assert.equal(honestCount.byOutcome.ok, 5940);
  assert.equal(honestCount.byOutcome.timeout, 60);
  assert.equal(honestCount.dropped, 5);
  const none = countedInPrometheus({ counts: [], dropped: [], loadScraped: [], iterations: 0 });
  assert.deepEqual([none.responses, none.dropped], [0, 0]);
});

test("checkCalibration: a calibration that measured nothing invalidates the run", () => {
  const cases = [
    { case: "measured", input: 1172, expected: 0 },
    { case: "held no step", input: 0, expected: 1 },
    { case: "never ran", input: null, expected: 1 },
    { case: "not a number", input: Number.NaN, expected: 1 },
    { case: "infinite", input: Infinity, expected: 1 },
    { case: "negative", input: -3, expected: 1 },
  ];
  for (const c of cases) assert.equal(checkCalibration(c.input).length, c.expected, c.case);
  assert.match(checkCalibration(0)[0]!, /no reference capacity was measured/);
});

test("verdict: valid exactly without problems; count and length capped, the overflow said", () => {
  const cases = [
    { case: "none", input: [], expected: { valid: true, problems: [] } },
    { case: "one", input: ["a"], expected: { valid: false, problems: ["a"] } },
    { case: "empty strings are not problems", input: [""], expected: { valid: true, problems: [] } },
  ];
  for (const c of cases) assert.deepEqual(verdict(c.input), c.expected, c.case);
  const many = verdict(Array.from({ length: 40 }, (_, i) => `p${i}`));
  assert.equal(many.problems.length, RECORD_LIMITS.maxIntegrityProblems);
  assert.equal(many.problems.at(-1), `… and ${40 - RECORD_LIMITS.maxIntegrityProblems + 1} more problems`);
  const long = verdict(["x".repeat(1000)]).problems[0]!;
  assert.equal(long.length, RECORD_LIMITS.maxProblemText);
  assert.ok(long.endsWith("…"));
});

test("loadPathCautions: a load generator that fell behind is said, with the worst lag and its phases", () => {
  const phases = [
    { name: "warm", start: 0, end: 2 },
    { name: "overload", start: 2, end: 4 },
    { name: "recovery", start: 4, end: 6 },
  ];
  assert.deepEqual(loadPathCautions("entry load", "entry", [0.01, 0.04, 0.2, null, 0.03, 0.02], phases), []);
  assert.deepEqual(loadPathCautions("entry load", "entry", [], phases), []);
  const [c, ...rest] = loadPathCautions("entry load", "entry", [0.01, 0.02, 0.3, 1.49, 0.6, 0.02], phases);
  assert.deepEqual(rest, []);
  assert.match(
    c!,
    /^entry load: the load generator fell behind by up to 1\.49 s in 3 second\(s\) \(overload, recovery\)/,
  );
  assert.ok(c!.includes(`above ${PACER_LAG_LIMIT_SECONDS} s`));
  assert.ok(c!.endsWith("may show the machine, not the entry"), c);
  assert.ok(c!.length <= RECORD_LIMITS.maxProblemText, "fits the record's text cap");
  // The reference's calibration load: its capacity normalizes the score, so it is said as well.
  const steps = [{ name: "step-01", start: 0, end: 3 }];
  const [r] = loadPathCautions("reference load", "reference app", [0.02, 0.31, 0.01], steps);
  assert.match(
    r!,
    /^reference load: the load generator fell behind by up to 0\.31 s in 1 second\(s\) \(step-01\)/,
  );
  assert.ok(r!.endsWith("not the reference app"), r);
});

test("verdict: cautions qualify a valid run without invalidating it; none leaves the field out", () => {
  assert.deepEqual(verdict([], ["c"]), { valid: true, problems: [], cautions: ["c"] });
  assert.deepEqual(verdict(["p"], ["c"]), { valid: false, problems: ["p"], cautions: ["c"] });
  assert.equal("cautions" in verdict([], []), false, "a record without cautions is as before");
  const many = verdict(
    [],
    Array.from({ length: 40 }, (_, i) => `c${i}`),
  );
  assert.equal(many.cautions!.at(-1), `… and ${40 - RECORD_LIMITS.maxIntegrityProblems + 1} more cautions`);
});
