import { test } from "node:test";
import assert from "node:assert/strict";
import {
  cleanLog,
  imageVerdict,
  OutputTail,
  stepImageIds,
  stopMessage,
  type BuildLimits,
  type BuildStop,
} from "../../../harness/entry-build-checks.ts";
import type { ImageRunConfig } from "../../../harness/docker.ts";
import { ENTRY_BUILD_LIMITS } from "../../../harness/entry-build.ts";
import { ENTRY_LIMITS } from "../../../harness/compose-entry.ts";

const LIMITS: BuildLimits = {
  timeoutMs: 3000,
  cpus: 1,
  memoryMiB: 128,
  pids: 64,
  outputMaxBytes: 1024 * 1024,
  logKeepBytes: 1024,
  diskMaxBytes: 64 * 1024 * 1024,
  filesMax: 20000,
  imageMaxBytes: 1024 * 1024 * 1024,
};

test("the production build limits are ENTRY_LIMITS'", () => {
  assert.equal(ENTRY_BUILD_LIMITS.timeoutMs, ENTRY_LIMITS.buildTimeoutMs);
  assert.equal(ENTRY_BUILD_LIMITS.pids, ENTRY_LIMITS.buildPids);
  assert.equal(ENTRY_BUILD_LIMITS.diskMaxBytes, 2 * ENTRY_LIMITS.imageMaxBytes);
});

const stops: { case: string; input: BuildStop; expected: string }[] = [
  { case: "time", input: "time", expected: "the build timed out after 3 s and was stopped" },
  {
    case: "output",
    input: "output",
    expected: "the build printed more than 1 MiB of output; the log was cut there and the build stopped",
  },
  { case: "disk", input: "disk", expected: "the build wrote more than 64 MiB to disk and was stopped" },
  { case: "aborted", input: "aborted", expected: "the build was interrupted and stopped" },
  { case: "files", input: "files", expected: "the build created more than 20000 files and was stopped" },
  {
    case: "pids",
    input: "pids",
    expected: "the build reached its limit of 64 processes (a fork bomb?) and was stopped",
  },
  {
    case: "memory",
    input: "memory",
    expected:
      "a process of the build ran out of memory (the limit is 128 MiB) and was killed; the build fails",
  },
];
for (const t of stops) {
  test(`stopMessage: ${t.case}`, () => assert.equal(stopMessage(t.input, LIMITS), t.expected));
}

const tails: { case: string; input: string[]; expected: { text: string; total: number } }[] = [
  { case: "nothing", input: [], expected: { text: "", total: 0 } },
  { case: "under the budget", input: ["ab", "cd"], expected: { text: "abcd", total: 4 } },
  { case: "keeps the end", input: ["0123456789", "abcdef"], expected: { text: "89abcdef", total: 16 } },
  {
    case: "many small chunks",
    input: Array.from({ length: 1000 }, (_, i) => String(i % 10)),
    expected: { text: "23456789", total: 1000 },
  },
  { case: "counts UTF-8 bytes", input: ["é€"], expected: { text: "é€", total: 5 } },
];
for (const t of tails) {
  test(`OutputTail (keeps 8): ${t.case}`, () => {
    const tail = new OutputTail(8);
    t.input.forEach((c) => tail.push(c));
    assert.deepEqual({ text: tail.text(), total: tail.total }, t.expected);
  });
}

const logs: { case: string; input: string; expected: string }[] = [
  { case: "plain", input: "Step 1/2 : FROM x\n ---> abc\n", expected: "Step 1/2 : FROM x\n ---> abc" },
  { case: "colour escapes", input: "\x1b[91mCannot fork\n\x1b[0m", expected: "Cannot fork" },
  { case: "cursor movement", input: "a\x1b[2K\x1b[1Gb\n", expected: "ab" },
  { case: "carriage-return progress", input: "Sending 1kB\rSending 2kB\n", expected: "Sending 2kB" },
  { case: "control characters", input: "bell\x07 and nul\x00\n", expected: "bell and nul" },
  {
    case: "the client's deprecation banner",
    input:
      "DEPRECATED: The legacy builder is deprecated and will be removed in a future release.\n" +
      "            BuildKit is currently disabled; enable it by removing the DOCKER_BUILDKIT=0\n" +
      "            environment-variable.\n\nStep 1/1 : FROM x\n",
    expected: "Step 1/1 : FROM x",
  },
  {
    case: "only the last 20 lines",
    input: Array.from({ length: 30 }, (_, i) => `l${i}`).join("\n"),
    expected: Array.from({ length: 20 }, (_, i) => `l${i + 10}`).join("\n"),
  },
  { case: "long lines are cut", input: "x".repeat(1000), expected: "x".repeat(300) },
];
for (const t of logs) {
  test(`cleanLog: ${t.case}`, () => assert.equal(cleanLog(t.input), t.expected));
}

const configs: { case: string; input: ImageRunConfig; expected: { refused: RegExp[]; ignored: RegExp[] } }[] =
  [
    {
      case: "a plain image",
      input: { Volumes: null, OnBuild: null },
      expected: { refused: [], ignored: [] },
    },
    {
      case: "nginx's SIGQUIT is overridden, not refused",
      input: { StopSignal: "SIGQUIT" },
      expected: { refused: [], ignored: [/STOPSIGNAL SIGQUIT is ignored/] },
    },
    {
      case: "SIGTERM is the default",
      input: { StopSignal: "SIGTERM" },
      expected: { refused: [], ignored: [] },
    },
    { case: "15 is SIGTERM", input: { StopSignal: "15" }, expected: { refused: [], ignored: [] } },
    {
      case: "volumes refuse the image",
      input: { Volumes: { "/data": {}, "/var/lib/x": {} } },
      expected: { refused: [/VOLUME \/data, \/var\/lib\/x .*not allowed/], ignored: [] },
    },
    {
      case: "ONBUILD triggers refuse the image",
      input: { OnBuild: ["RUN true", "RUN false"] },
      expected: { refused: [/2 ONBUILD trigger\(s\); ONBUILD is not allowed/], ignored: [] },
    },
    {
      case: "a base image's healthcheck is overridden",
      input: { Healthcheck: { Test: ["CMD-SHELL", "true"] } },
      expected: { refused: [], ignored: [/HEALTHCHECK is ignored/] },
    },
    {
      case: "HEALTHCHECK NONE is no healthcheck",
      input: { Healthcheck: { Test: ["NONE"] } },
      expected: { refused: [], ignored: [] },
    },
    {
      case: "everything at once",
      input: {
        Volumes: { "/v": {} },
        OnBuild: ["RUN x"],
        StopSignal: "SIGKILL",
        Healthcheck: { Test: ["CMD", "x"] },
      },
      expected: { refused: [/VOLUME \/v/, /ONBUILD/], ignored: [/STOPSIGNAL SIGKILL/, /HEALTHCHECK/] },
    },
  ];
for (const t of configs) {
  test(`imageVerdict: ${t.case}`, () => {
    const v = imageVerdict(t.input);
    assert.equal(v.refused.length, t.expected.refused.length, JSON.stringify(v));
    assert.equal(v.ignored.length, t.expected.ignored.length, JSON.stringify(v));
    t.expected.refused.forEach((re, i) => assert.match(v.refused[i]!, re));
    t.expected.ignored.forEach((re, i) => assert.match(v.ignored[i]!, re));
  });
}

const steps: { case: string; input: string; expected: string[] }[] = [
  { case: "none", input: "Step 1/1 : FROM x\n", expected: [] },
  {
    case: "each step's image once",
    input:
      " ---> ce8cb1304dfd\nStep 2/3 : RUN a\n ---> Running in 0123456789ab\n ---> 4ef0aa527298\n ---> 4ef0aa527298\n",
    expected: ["ce8cb1304dfd", "4ef0aa527298"],
  },
  { case: "not inside a line", input: "echo  ---> 4ef0aa527298\n", expected: [] },
];
for (const t of steps) {
  test(`stepImageIds: ${t.case}`, () => assert.deepEqual(stepImageIds(t.input), t.expected));
}
