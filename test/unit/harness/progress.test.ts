import { test, mock } from "node:test";
import assert from "node:assert/strict";
import { createProgressPrinter, progressLine } from "../../../harness/progress.ts";
import { runLoad } from "../../../harness/load-run.ts";
import type { LoadConfig, LoadGen, LoadStatus } from "../../../harness/loadgen-client.ts";
import { fakePrometheus } from "./fake-prometheus.ts";

/** A load generator whose clock is the (mocked) Date: each load runs `duration` seconds of stages. */
function fakeLoadgen(): LoadGen {
  let started = 0;
  let config: LoadConfig | null = null;
  const status = (): LoadStatus => {
    const duration = config!.stages.reduce((s, x) => s + x.duration, 0);
    const elapsed = Math.min(duration, (Date.now() - started) / 1000);
    return {
      running: elapsed < duration,
      runId: config!.runId,
      stage: config!.stages[0]!.name,
      stageIndex: 0,
      elapsed,
      duration,
      lastSecond: { requests: 100, ok: 100, errors: 0, dropped: 0, p99Ms: 12 },
      totals: {},
      done: elapsed >= duration,
      aborted: false,
    };
  };
  return {
    async start(c) {
      config = c;
      started = Date.now();
    },
    status: async () => status(),
    async stop() {},
    gate: async () => ({ passed: true, checks: [] }),
  } as LoadGen;
}

const load = (runId: string, seconds: number): LoadConfig =>
  ({
    runId,
    target: "http://ingress:18080",
    stages: [{ name: `${runId}-steady`, duration: seconds, executor: "constant-arrival-rate", rate: 100 }],
    mix: { echo: 1, page: 0, quote: 0 },
    timeoutMs: 1000,
    maxInFlight: 100,
    quoteKey: "k",
    quoteMaxAgeSeconds: 30,
    fastFailMs: 0,
  }) as LoadConfig;

/** Lets the loop's pending promises settle, then moves the fake clock one second. */
async function tickUntil(done: () => boolean) {
  for (let i = 0; i < 10_000 && !done(); i++) {
    for (let j = 0; j < 20; j++) await Promise.resolve();
    mock.timers.tick(500);
  }
}

test("without a terminal, every load prints progress: the entry's after the reference's", async () => {
  mock.timers.enable({ apis: ["setTimeout", "Date"], now: 1_700_000_000_000 });
  try {
    const out: string[] = [];
    const printer = createProgressPrinter(
      (l) => out.push(l),
      false,
      5,
      () => assert.fail("no redraws"),
    );
    // As `sre-chaos run` wires it: a log line ends any progress line first.
    const log = (line: string) => {
      printer.done();
      out.push(line);
    };
    const prometheus = fakePrometheus([]);
    const hooks = (label: string) => ({ label, progress: printer.update });
    for (const [label, seconds] of [
      ["reference", 40],
      ["entry", 30],
    ] as const) {
      log(`${label} load starts`);
      let finished = false;
      const run = runLoad(fakeLoadgen(), prometheus, load(label, seconds), hooks(label)).then(() => {
        finished = true;
      });
      await tickUntil(() => finished);
      await run;
    }
    const progressOf = (label: string) => out.filter((l) => l.startsWith(label.padEnd(9)));
    // A line every 5 s of each load, from its first second to its end.
    assert.ok(progressOf("reference").length >= 7, out.join("\n"));
    assert.ok(progressOf("entry").length >= 5, out.join("\n"));
    assert.match(progressOf("entry")[0]!, /00:01 \/ 00:30/);
    assert.match(progressOf("entry").at(-1)!, /00:(2[5-9]|30) \/ 00:30/);
  } finally {
    mock.timers.reset();
  }
});

test("the printer restarts its count when a load's clock starts again, even without a log line between", () => {
  const out: string[] = [];
  const p = createProgressPrinter((l) => out.push(l), false, 5);
  for (let s = 1; s <= 60; s++) p.update(`reference ${s}`, s);
  for (let s = 1; s <= 12; s++) p.update(`entry ${s}`, s);
  assert.deepEqual(
    out.filter((l) => l.startsWith("entry")),
    ["entry 1", "entry 6", "entry 11"],
  );
});

test("on a terminal the line is redrawn in place and ended by the next log line", () => {
  const written: string[] = [];
  const p = createProgressPrinter(
    () => assert.fail("no plain lines"),
    true,
    5,
    (t) => written.push(t),
  );
  p.update("entry  a", 1);
  p.update("entry  b", 2);
  p.done();
  p.done();
  assert.deepEqual(written, ["\r\u001b[2Kentry  a", "\r\u001b[2Kentry  b", "\n"]);
});

test("progressLine: phase, elapsed / total (left), req/s, p99, errors, dropped", () => {
  const line = progressLine("entry", {
    running: true,
    runId: "r",
    stage: "step-4",
    stageIndex: 3,
    elapsed: 42,
    duration: 90,
    lastSecond: { requests: 412, ok: 400, errors: 12, dropped: 0, p99Ms: 38.2 },
    totals: {},
    done: false,
    aborted: false,
  });
  assert.equal(
    line,
    "entry      step-4        00:42 / 01:30 (00:48 left)    412 req/s  p99 38 ms    errors 2.9%  dropped 0",
  );
});
