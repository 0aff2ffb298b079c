/**
 * Containment, judged by the score: the `cheater` fixture serves exactly like the `prober` (its
 * honest twin) and, all run long, attacks every channel that once moved a score — fake series into
 * Prometheus, toxiproxy's API (cut or slow the reference, repoint the entry), the load generator's
 * `/stop` during calibration, upstream's fault API, the blackbox exporter, load on the reference —
 * by every platform name and by the addresses of its own subnet. Both run through the whole harness
 * (robust-service, whose score is normalized by the reference). In a sealed arena the cheater
 * scores no more than its twin (within run-to-run noise) or its run is invalid, and the reference
 * it is normalized by does not collapse.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { provisionSandbox } from "../../sandbox/provision.ts";
import { runEntry } from "../../harness/run.ts";
import type { RunRecord } from "../../record/run-record.ts";
import { leftoverContainers, tempRoot, type TempRoot } from "./helpers.ts";

/**
 * How far an honest entry's score moves between two runs here: measured 1.23× and 1.13× between
 * the twins (the first run of a process tends to calibrate low). A cheat that works moves it far
 * more: the one this arena was built against scored 174.9 of 175 against an honest ~60–100.
 */
const NOISE = 1.5;

let t: TempRoot;
before(async () => {
  await provisionSandbox({ log: () => undefined });
  t = tempRoot();
  t.addFixture("cheater", "cheater");
  t.addFixture("prober", "prober");
});
after(() => t?.cleanup());

const run = async (login: string): Promise<RunRecord> =>
  (
    await runEntry({
      root: t.root,
      login,
      challenge: "robust-service",
      scale: 0.1,
      outDir: join(t.root, `out-${login}`),
    })
  ).record;

test(
  "an entry attacking every platform channel scores no more than its honest twin",
  { timeout: 900_000 },
  async () => {
    const honest = await run("prober");
    const cheat = await run("cheater");
    const capacity = (r: RunRecord) => r.components.find((c) => c.id === "capacity")?.value ?? 0;
    const reference = (r: RunRecord) => r.provenance.calibration?.referenceCapacityRps ?? 0;
    const line = (r: RunRecord) =>
      `${r.score} (capacity ${capacity(r)}, reference ${reference(r)}, verification ${r.verification.passed}, ` +
      `integrity ${r.integrity?.valid ?? "n/a"}${r.integrity?.problems.length ? `: ${r.integrity.problems.join("; ")}` : ""})`;
    const summary = `cheater ${line(cheat)}; twin ${line(honest)}`;
    console.log(summary);

    assert.equal(honest.verification.passed, true, JSON.stringify(honest.verification.checks));
    assert.notEqual(
      honest.integrity?.valid,
      false,
      `the twin's run is invalid: ${honest.integrity?.problems}`,
    );
    assert.ok(honest.score > 0, summary);
    if (cheat.integrity?.valid === false) return; // An invalid verdict is the other acceptable outcome.
    assert.ok(cheat.score <= honest.score * NOISE, `the cheater outscored its twin: ${summary}`);
    // The normalizer was not shrunk. The reference's own run-to-run spread is wide (up to ~45 % on
    // a busy machine), so only a collapse counts; a cheat that worked would take it near 0.
    assert.ok(reference(cheat) >= reference(honest) / 2, `the reference was slowed: ${summary}`);
    for (const r of [cheat, honest]) assert.deepEqual(leftoverContainers(r.runId), [], "stack left behind");
  },
);
