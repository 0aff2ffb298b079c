import { test } from "node:test";
import assert from "node:assert/strict";
import { checkDockerfile } from "../../../harness/entry/dockerfile-rules.ts";

const BASE = "FROM nginx:1.27-alpine\nCOPY default.conf /etc/nginx/conf.d/default.conf\n";

/** `expected`: the lines of the refused instructions, in order. */
const cases: { case: string; input: string; expected: number[] }[] = [
  { case: "the template's Dockerfile", input: BASE + "COPY html /usr/share/nginx/html\n", expected: [] },
  { case: "RUN --network=host", input: BASE + "RUN --network=host wget x\n", expected: [3] },
  { case: "RUN --network=none is fine", input: BASE + "RUN --network=none true\n", expected: [] },
  {
    case: "RUN --mount=type=secret",
    input: BASE + "RUN --mount=type=secret,id=tok cat /run/secrets/tok\n",
    expected: [3],
  },
  { case: "RUN --mount=id=k,type=ssh", input: BASE + "RUN --mount=id=k,type=ssh true\n", expected: [3] },
  {
    case: "RUN --mount=type=cache is fine",
    input: BASE + "RUN --mount=type=cache,target=/c true\n",
    expected: [],
  },
  { case: "RUN --security=insecure", input: BASE + "RUN --security=insecure true\n", expected: [3] },
  { case: "lower-case instruction", input: BASE + "run --network=host true\n", expected: [3] },
  {
    case: "flag on a continuation line",
    input: BASE + "RUN \\\n  --network=host \\\n  true\n",
    expected: [3],
  },
  { case: "ADD from https", input: BASE + "ADD https://example.invalid/a.tgz /a\n", expected: [3] },
  { case: "ADD from a git ref", input: BASE + "ADD git@github.com:o/r.git /r\n", expected: [3] },
  { case: "ADD repo.git#ref", input: BASE + "ADD --keep-git-dir=true r.git#main /r\n", expected: [3] },
  { case: "ADD JSON form from a URL", input: BASE + 'ADD ["http://x/y", "/y"]\n', expected: [3] },
  { case: "ADD of a local file is fine", input: BASE + "ADD site.tar /srv/\n", expected: [] },
  { case: "# syntax= directive", input: "# syntax=docker/dockerfile:1\n" + BASE, expected: [1] },
  { case: "#  Syntax = spaced", input: "#  Syntax = evil/frontend\n" + BASE, expected: [1] },
  { case: "an ordinary comment", input: "# built by me\n" + BASE, expected: [] },
  { case: "ONBUILD carries the rule", input: BASE + "ONBUILD RUN --network=host true\n", expected: [3] },
  {
    case: "heredoc body is not read as instructions",
    input: BASE + "RUN <<EOF\nADD https://x/y /y\nRUN --network=host\nEOF\nRUN true\n",
    expected: [],
  },
  {
    case: "escape directive changes the continuation",
    input: "# escape=`\n" + BASE + "RUN echo `\n  --network=host\nRUN --security=insecure x\n",
    expected: [6],
  },
  {
    case: "comment inside a continuation",
    input: BASE + "RUN true \\\n# note\n  && true\nADD http://x /x\n",
    expected: [6],
  },
];

for (const t of cases) {
  test(`checkDockerfile: ${t.case}`, () => {
    const problems = checkDockerfile(t.input);
    assert.deepEqual(
      problems.map((p) => p.line),
      t.expected,
      JSON.stringify(problems),
    );
    for (const p of problems) assert.ok(p.message.includes("not allowed"), p.message);
  });
}
