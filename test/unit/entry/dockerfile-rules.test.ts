import { test } from "node:test";
import assert from "node:assert/strict";
import { checkDockerfile } from "../../../harness/entry/dockerfile-rules.ts";

const BASE = "FROM nginx:1.27-alpine\nCOPY default.conf /etc/nginx/conf.d/default.conf\n";

/**
 * `expected`: one `"<line> <word>"` per refused instruction, in order: the problem's line, and a word
 * its message must hold (what was refused).
 */
const cases: { case: string; input: string; expected: string[] }[] = [
  { case: "the template's Dockerfile", input: BASE + "COPY html /usr/share/nginx/html\n", expected: [] },
  { case: "RUN --network=host", input: BASE + "RUN --network=host wget x\n", expected: ["3 --network"] },
  { case: "RUN --network=none is fine", input: BASE + "RUN --network=none true\n", expected: [] },
  {
    case: "RUN --mount=type=secret",
    input: BASE + "RUN --mount=type=secret,id=tok cat /run/secrets/tok\n",
    expected: ["3 secret"],
  },
  {
    case: "RUN --mount=id=k,type=ssh",
    input: BASE + "RUN --mount=id=k,type=ssh true\n",
    expected: ["3 ssh"],
  },
  {
    case: "RUN --mount=type=cache is fine",
    input: BASE + "RUN --mount=type=cache,target=/c true\n",
    expected: [],
  },
  {
    case: "RUN --security=insecure",
    input: BASE + "RUN --security=insecure true\n",
    expected: ["3 insecure"],
  },
  { case: "lower-case instruction", input: BASE + "run --network=host true\n", expected: ["3 --network"] },
  {
    case: "flag on a continuation line",
    input: BASE + "RUN \\\n  --network=host \\\n  true\n",
    expected: ["3 --network"],
  },
  {
    case: "a flag split across a continuation (Docker joins the lines with nothing between)",
    input: BASE + "RUN --net\\\nwork=host true\n",
    expected: ["3 --network"],
  },
  { case: "ADD from https", input: BASE + "ADD https://example.invalid/a.tgz /a\n", expected: ["3 URL"] },
  { case: "ADD from a git ref", input: BASE + "ADD git@github.com:o/r.git /r\n", expected: ["3 git"] },
  { case: "ADD repo.git#ref", input: BASE + "ADD --keep-git-dir=true r.git#main /r\n", expected: ["3 git"] },
  { case: "ADD JSON form from a URL", input: BASE + 'ADD ["http://x/y", "/y"]\n', expected: ["3 URL"] },
  {
    case: "ADD of a local file (the engine would unpack an archive)",
    input: BASE + "ADD site.tar /srv/\n",
    expected: ["3 COPY"],
  },
  {
    case: "ADD of a local file with no archive name",
    input: BASE + "ADD --chown=1:1 site /srv/\n",
    expected: ["3 local"],
  },
  { case: "COPY of a local file is fine", input: BASE + "COPY site.tar /srv/\n", expected: [] },
  { case: "# syntax= directive", input: "# syntax=docker/dockerfile:1\n" + BASE, expected: ["1 syntax"] },
  { case: "#  Syntax = spaced", input: "#  Syntax = evil/frontend\n" + BASE, expected: ["1 syntax"] },
  { case: "an ordinary comment", input: "# built by me\n" + BASE, expected: [] },
  {
    case: "HEALTHCHECK (only entry.yml's counts)",
    input: BASE + "HEALTHCHECK --interval=5s CMD wget -q -O- http://127.0.0.1:8080/healthz\n",
    expected: ["3 HEALTHCHECK"],
  },
  {
    case: "HEALTHCHECK NONE is refused too",
    input: BASE + "healthcheck NONE\n",
    expected: ["3 HEALTHCHECK"],
  },
  { case: "VOLUME", input: BASE + "VOLUME /data\n", expected: ["3 VOLUME"] },
  { case: "VOLUME, JSON form", input: BASE + 'VOLUME ["/a", "/b"]\n', expected: ["3 VOLUME"] },
  { case: "STOPSIGNAL", input: BASE + "STOPSIGNAL SIGKILL\n", expected: ["3 STOPSIGNAL"] },
  { case: "ONBUILD", input: BASE + "ONBUILD RUN true\n", expected: ["3 ONBUILD"] },
  {
    case: "ONBUILD and what it carries",
    input: BASE + "ONBUILD RUN --network=host true\n",
    expected: ["3 ONBUILD", "3 --network"],
  },
  {
    case: "ONBUILD carrying a refused instruction",
    input: BASE + "ONBUILD VOLUME /x\n",
    expected: ["3 ONBUILD", "3 VOLUME"],
  },
  {
    case: "an instruction name split across a continuation",
    input: BASE + "VOL\\\nUME /data\n",
    expected: ["3 VOLUME"],
  },
  {
    case: "a refused instruction after a continued RUN",
    input: BASE + "RUN true \\\n  && true\nSTOPSIGNAL SIGQUIT\n",
    expected: ["5 STOPSIGNAL"],
  },
  {
    case: "heredoc body lines count (the classic builder reads them as instructions)",
    input: BASE + "RUN <<EOF\nADD https://x/y /y\nRUN --network=host\nEOF\nRUN true\n",
    expected: ["4 URL", "5 --network"],
  },
  {
    case: "a VOLUME hidden in a heredoc whose delimiter is an instruction",
    input: BASE + "RUN cat <<CMD\nVOLUME /data\nCMD\n",
    expected: ["4 VOLUME"],
  },
  {
    case: "a refused instruction after a heredoc (BuildKit's reading)",
    input: BASE + "RUN <<EOF\necho \\\nEOF\nHEALTHCHECK NONE\n",
    expected: ["6 HEALTHCHECK"],
  },
  {
    case: "escape directive changes the continuation",
    input: "# escape=`\n" + BASE + "RUN echo `\n  --network=host\nRUN --security=insecure x\n",
    expected: ["6 insecure"],
  },
  {
    case: "comment inside a continuation",
    input: BASE + "RUN true \\\n# note\n  && true\nADD http://x /x\n",
    expected: ["6 URL"],
  },
  { case: "CRLF line ends", input: BASE.replace(/\n/g, "\r\n") + "VOLUME /d\r\n", expected: ["3 VOLUME"] },
];

for (const t of cases) {
  test(`checkDockerfile: ${t.case}`, () => {
    const problems = checkDockerfile(t.input);
    const shown = JSON.stringify(problems);
    assert.deepEqual(
      problems.map((p) => p.line),
      t.expected.map((e) => Number(e.split(" ")[0])),
      shown,
    );
    t.expected.forEach((e, i) => {
      const word = e.slice(e.indexOf(" ") + 1);
      assert.ok(problems[i]!.message.includes(word), `${shown} should mention ${word}`);
      assert.ok(problems[i]!.message.includes("not allowed"), problems[i]!.message);
    });
  });
}
