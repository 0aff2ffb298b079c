/**
 * What the generated service overrides of the image's own config: a base image may carry a stop
 * signal and a healthcheck (the Dockerfile may not set them); the service decides both.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { entryComposeFile, type EntryHealthcheck } from "../../../harness/compose-entry.ts";

const cases: {
  case: string;
  input: EntryHealthcheck | null;
  expected: { stop_signal: string; healthcheck: unknown };
}[] = [
  {
    case: "no healthcheck in entry.yml: the image's is disabled",
    input: null,
    expected: { stop_signal: "SIGTERM", healthcheck: { disable: true } },
  },
  {
    case: "entry.yml's healthcheck is the only one",
    input: { test: "true", retries: 2 },
    expected: { stop_signal: "SIGTERM", healthcheck: { test: ["CMD-SHELL", "true"], retries: 2 } },
  },
];

for (const t of cases) {
  test(`generated service: ${t.case}`, () => {
    const doc = parse(
      entryComposeFile([
        { name: "entry", image: "e:1", port: 8080, restart: "no", cpuset: null, healthcheck: t.input },
      ]),
    );
    const e = doc.services.entry;
    assert.deepEqual({ stop_signal: e.stop_signal, healthcheck: e.healthcheck }, t.expected);
  });
}
