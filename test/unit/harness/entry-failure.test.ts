import { test } from "node:test";
import assert from "node:assert/strict";
import {
  cleanLine,
  diagnoseFailure,
  mergeByTimestamp,
  tailLines,
  type InspectJson,
} from "../../../harness/entry-failure.ts";
import { failureSection } from "../../../harness/report.ts";
import { failureComment } from "../../../action/src/comment.ts";
import { failureSchema, FAILURE_LIMITS, type EntryFailure } from "../../../record/failure.ts";

const SECRETS = [
  "9f86d081884c7d659a2feaa0c55ad015",
  "srechaos-20261201t120000z-1a2b3c4d",
  "20261201t120000z-1a2b3c4d",
];

/** The fields of `docker inspect` a failure reads, shaped as the engine prints them. */
function inspect(state: Partial<NonNullable<InspectJson["State"]>>, restartCount = 0): InspectJson {
  return {
    RestartCount: restartCount,
    State: {
      Status: "running",
      Running: true,
      Restarting: false,
      OOMKilled: false,
      ExitCode: 0,
      StartedAt: "2026-12-01T12:00:01.123456789Z",
      ...state,
    },
  };
}

const EMERG =
  '2026/12/01 12:00:01 [emerg] 1#1: unknown directive "listne" in /etc/nginx/conf.d/default.conf:2';

/** One case per kind: Docker's facts in; the failure record and a fragment every rendering shows. */
const cases: {
  case: string;
  inspect: InspectJson;
  logs: string;
  restartsBefore?: number;
  expected: Partial<EntryFailure>;
  says: RegExp;
}[] = [
  {
    case: "exits at start (restart: no)",
    inspect: inspect({ Status: "exited", Running: false, ExitCode: 3 }),
    logs: "starting\nError: Cannot find module '/app/server.js'\n",
    expected: { kind: "exited", state: "exited", exitCode: 3, restarts: 0, oomKilled: false, health: null },
    says: /exited with code 3/,
  },
  {
    case: "restart loop: a bad nginx directive, restart: always",
    inspect: inspect({ Status: "restarting", Running: true, Restarting: true, ExitCode: 1 }, 7),
    logs: `${EMERG}\n${EMERG}\n`,
    restartsBefore: 1,
    expected: {
      kind: "restart-loop",
      state: "restarting",
      exitCode: 1,
      restarts: 6,
      logTail: [EMERG, EMERG],
    },
    says: /restarted 6 times without becoming healthy \(last exit code 1\)/,
  },
  {
    case: "restart loop seen between two restarts (running again)",
    inspect: inspect({ Status: "running", Running: true, ExitCode: 1 }, 5),
    logs: EMERG,
    expected: { kind: "restart-loop", state: "running", exitCode: 1, restarts: 5 },
    says: /keeps crashing/,
  },
  {
    case: "unhealthy: the healthcheck fails while the app runs",
    inspect: inspect({
      Health: {
        Status: "unhealthy",
        Log: [1, 2, 3, 4, 5].map((i) => ({
          ExitCode: 1,
          Output: `Connecting to 127.0.0.1:9999 (127.0.0.1:9999)\nwget: can't connect to remote host (127.0.0.1): Connection refused ${i}\n`,
        })),
      },
    }),
    logs: "listening on 8080\n",
    expected: { kind: "unhealthy", state: "running", health: "unhealthy", exitCode: null, restarts: 0 },
    says: /never became healthy \(its healthcheck: unhealthy\)/,
  },
  {
    case: "OOM-killed (exit 137)",
    inspect: inspect({ Status: "exited", Running: false, OOMKilled: true, ExitCode: 137 }),
    logs: "allocating 64 MiB\nallocating 64 MiB\n",
    expected: { kind: "oom-killed", state: "exited", exitCode: 137, oomKilled: true },
    says: /killed for running out of memory with code 137/,
  },
  {
    case: "OOM-killed in a restart loop: the memory is the cause",
    inspect: inspect(
      { Status: "restarting", Running: true, Restarting: true, OOMKilled: true, ExitCode: 137 },
      9,
    ),
    logs: "allocating\n",
    expected: { kind: "oom-killed", state: "restarting", restarts: 9, oomKilled: true },
    says: /out of memory/,
  },
];

for (const c of cases) {
  test(`failure from docker inspect + logs: ${c.case}`, () => {
    const f = diagnoseFailure(
      { inspect: c.inspect, logs: c.logs, restartsBefore: c.restartsBefore ?? 0, waitedSeconds: 60.2 },
      SECRETS,
    );
    for (const [k, v] of Object.entries(c.expected)) assert.deepEqual(f[k as keyof EntryFailure], v, k);
    assert.equal(failureSchema.safeParse(f).success, true, "the record's schema takes it");
    const report = failureSection(f).join("\n");
    const comment = failureComment(f).join("\n");
    assert.match(report, c.says);
    assert.match(comment, c.says);
    // The entry's own last log line is in both, verbatim (it needs no escaping).
    const last = c.logs.trim().split("\n").at(-1)!;
    assert.ok(report.includes(last), report);
    assert.ok(comment.includes(last), comment);
  });
}

test("the healthcheck's own output is kept: the last 3 runs, with their exit codes", () => {
  const f = diagnoseFailure(
    { inspect: cases[3]!.inspect, logs: "", restartsBefore: 0, waitedSeconds: 60 },
    SECRETS,
  );
  assert.equal(f.healthLog.length, FAILURE_LIMITS.healthEntries);
  assert.deepEqual(f.healthLog.at(-1), {
    exitCode: 1,
    output: [
      "Connecting to 127.0.0.1:9999 (127.0.0.1:9999)",
      "wget: can't connect to remote host (127.0.0.1): Connection refused 5",
    ],
  });
  const comment = failureComment(f).join("\n");
  assert.match(comment, /What its healthcheck printed/);
  assert.match(comment, /# check 3 of the last 3: exit code 1\nConnecting to 127\.0\.0\.1:9999/);
  assert.match(comment, /The entry logged nothing/);
});

/** Hostile or secret text in a log line, and what the record keeps of it. */
const lines: { case: string; raw: string; kept: string }[] = [
  { case: "terminal colours", raw: "\u001b[31merror\u001b[0m: bad", kept: "error: bad" },
  { case: "a title-setting OSC escape", raw: "a\u001b]0;pwned\u0007b", kept: "ab" },
  { case: "cursor movement and bell", raw: "x\u001b[2K\u001b[1Ay\u0007", kept: "xy" },
  { case: "C1 controls and bidi overrides", raw: "a\u009bb\u202ec\u2066d", kept: "abcd" },
  { case: "tabs become spaces", raw: "a\tb", kept: "a  b" },
  { case: "the quote key", raw: "key=9f86d081884c7d659a2feaa0c55ad015!", kept: "key=[redacted]!" },
  {
    case: "the run id, in any case",
    raw: "project SRECHAOS-20261201T120000Z-1A2B3C4D_entry_1",
    kept: "project [redacted]_entry_1",
  },
  { case: "a quote token (64 hex)", raw: `"token":"${"ab12".repeat(16)}"`, kept: '"token":"[redacted]"' },
  {
    case: "a base64 secret",
    raw: "Bearer eyJhbGciOiJIUzI1NiJ9eyJzdWIiOiIxMjM0NTY3ODkwIn0==",
    kept: "Bearer [redacted]",
  },
  {
    case: "a private address",
    raw: 'upstream: "http://172.26.0.3:8080/quote"',
    kept: 'upstream: "http://[address]:8080/quote"',
  },
  {
    case: "loopback and wildcard stay",
    raw: "bind() to 0.0.0.0:80 failed; 127.0.0.1:8081",
    kept: "bind() to 0.0.0.0:80 failed; 127.0.0.1:8081",
  },
  {
    case: "markup stays text (escaped by each renderer)",
    raw: "<script>@admin</script>",
    kept: "<script>@admin</script>",
  },
  {
    case: "a long path is no token",
    raw: "open() /var/cache/nginx/client_temp_directory_of_this_entry failed",
    kept: "open() /var/cache/nginx/client_temp_directory_of_this_entry failed",
  },
  { case: "a long line is cut", raw: "x".repeat(1000), kept: "x".repeat(FAILURE_LIMITS.lineChars - 1) + "…" },
];

for (const l of lines) {
  test(`a log line is cleaned: ${l.case}`, () => {
    assert.equal(cleanLine(l.raw, SECRETS), l.kept);
  });
}

test("the log tail keeps the last lines within both caps, blank lines dropped", () => {
  const many = Array.from({ length: 100 }, (_, i) => `line ${i}`).join("\n") + "\n\n";
  const tail = tailLines(many, [], FAILURE_LIMITS.logLines, FAILURE_LIMITS.logBytes);
  assert.equal(tail.length, FAILURE_LIMITS.logLines);
  assert.equal(tail.at(-1), "line 99");
  const wide = Array.from({ length: 40 }, () => "y".repeat(290)).join("\n");
  const byBytes = tailLines(wide, [], FAILURE_LIMITS.logLines, FAILURE_LIMITS.logBytes);
  assert.ok(byBytes.join("\n").length <= FAILURE_LIMITS.logBytes, String(byBytes.length));
  assert.equal(byBytes.length, Math.floor(FAILURE_LIMITS.logBytes / 291));
});

test("stdout and stderr are merged in time order, timestamps dropped", () => {
  const out = "2026-12-01T12:00:01.000000001Z starting\n2026-12-01T12:00:03.000000000Z ready\n";
  const err = "2026-12-01T12:00:02.500000000Z warn: slow\n";
  assert.equal(mergeByTimestamp(out, err), "starting\nwarn: slow\nready");
});

test("hostile log text cannot escape the code block, mention anyone or inject HTML", () => {
  const f = diagnoseFailure(
    {
      inspect: inspect({ Status: "exited", Running: false, ExitCode: 1 }),
      logs: "ok\n````\n</details><img src=x onerror=alert(1)> @octocat ```",
      restartsBefore: 0,
      waitedSeconds: 1,
    },
    [],
  );
  for (const text of [failureComment(f).join("\n"), failureSection(f).join("\n")]) {
    const open = /^(`{3,})text$/m.exec(text)!;
    assert.ok(open[1]!.length >= 5, "the fence outgrows the longest backtick run (4)");
    const body = text.slice(open.index + open[0].length, text.indexOf(`\n${open[1]}\n`, open.index));
    assert.match(body, /<\/details><img/, "the line is inside the block, where it is text");
    assert.doesNotMatch(text, /@octocat/, "no mention");
    assert.match(text, /@\u200boctocat/);
  }
});

test("the schema refuses a forged failure carrying terminal escapes or too many lines", () => {
  const good = diagnoseFailure({ inspect: inspect({}), logs: "a", restartsBefore: 0, waitedSeconds: 60 }, []);
  assert.equal(failureSchema.safeParse(good).success, true);
  assert.equal(failureSchema.safeParse({ ...good, logTail: ["\u001b[2Jboo"] }).success, false);
  assert.equal(failureSchema.safeParse({ ...good, logTail: Array(50).fill("x") }).success, false);
  assert.equal(failureSchema.safeParse({ ...good, state: "<b>" }).success, false);
});
