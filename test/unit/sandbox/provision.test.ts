import { test } from "node:test";
import assert from "node:assert/strict";
import { didWork, formatStep, type StepReport } from "../../../sandbox/provision.ts";

const cases: { step: StepReport; line: string; work: boolean }[] = [
  {
    step: { step: "docker engine", outcome: "already installed", seconds: 0.01 },
    line: "docker engine: already installed (0.0 s)",
    work: false,
  },
  {
    step: { step: "image nginx:1.27-alpine", outcome: "built", seconds: 34.06 },
    line: "image nginx:1.27-alpine: built (34.1 s)",
    work: true,
  },
  {
    step: { step: "docker daemon", outcome: "started", seconds: 2 },
    line: "docker daemon: started (2.0 s)",
    work: true,
  },
  {
    step: { step: "docker daemon", outcome: "running", seconds: 0.1 },
    line: "docker daemon: running (0.1 s)",
    work: false,
  },
  {
    step: { step: "image node", outcome: "retagged", seconds: 0.2 },
    line: "image node: retagged (0.2 s)",
    work: false,
  },
  {
    step: { step: "apt-get install prometheus", outcome: "installed", seconds: 16 },
    line: "apt-get install prometheus: installed (16.0 s)",
    work: true,
  },
];

for (const c of cases) {
  test(`formatStep/didWork: ${c.line}`, () => {
    assert.equal(formatStep(c.step), c.line);
    assert.equal(didWork(c.step), c.work);
  });
}
