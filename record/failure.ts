/**
 * Why an entry never became healthy, as the run record keeps it: the container's state, exit
 * code, restarts, the end of its own log and its healthcheck's own output. The harness fills it
 * (harness/entry-failure.ts: redacted, capped, cleaned of control characters); the report, the PR
 * comment and the run page all render it from here, so all three say the same.
 *
 * Log text is the entry's: hostile. The schema refuses control characters (a forged record cannot
 * smuggle terminal escapes), and every renderer escapes the rest for its own format.
 */
import { z } from "zod";

export const FAILURE_KINDS = ["exited", "oom-killed", "restart-loop", "unhealthy"] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** Caps on what a failure keeps; the harness cuts to these, the schema refuses anything larger. */
export const FAILURE_LIMITS = {
  /** Last lines of the entry's log, and their bytes together. */
  logLines: 20,
  logBytes: 4096,
  /** One line of log or healthcheck output, in characters. */
  lineChars: 300,
  /** Docker keeps the last 5 healthcheck results; the last 3 are shown. */
  healthEntries: 3,
  healthLines: 8,
  healthBytes: 1024,
} as const;

/** No C0/C1 control characters (tab included: the harness turns tabs into spaces), no bidi overrides. */
// eslint-disable-next-line no-control-regex -- the very characters refused
const CLEAN = /^[^\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]*$/;
const line = z.string().max(FAILURE_LIMITS.lineChars).regex(CLEAN, { message: "holds control characters" });

export const failureSchema = z.strictObject({
  kind: z.enum(FAILURE_KINDS),
  /** Docker's container status when the gate gave up: running, restarting, exited, dead… */
  state: z.string().regex(/^[a-z]{1,20}$/),
  /** Docker's health status (starting, healthy, unhealthy), or null without a healthcheck. */
  health: z
    .string()
    .regex(/^[a-z]{1,20}$/)
    .nullable(),
  /** The exit code of the container's last run (null while it never exited). */
  exitCode: z.number().int().min(-1).max(255).nullable(),
  /** Restarts by the restart policy while the platform waited for health. */
  restarts: z.number().int().nonnegative().max(1_000_000),
  oomKilled: z.boolean(),
  /** Seconds the platform waited. */
  waitedSeconds: z.number().nonnegative().max(3600),
  /** The last lines of the entry's own log (stdout and stderr, in time order). */
  logTail: z.array(line).max(FAILURE_LIMITS.logLines),
  /** The healthcheck's last results: its exit code and its own output. */
  healthLog: z
    .array(
      z.strictObject({ exitCode: z.number().int(), output: z.array(line).max(FAILURE_LIMITS.healthLines) }),
    )
    .max(FAILURE_LIMITS.healthEntries),
});
export type EntryFailure = z.infer<typeof failureSchema>;

/** One sentence on what happened to the container, for every renderer. */
export function failureHeadline(f: EntryFailure): string {
  const code = f.exitCode === null ? "" : ` with code ${f.exitCode}`;
  switch (f.kind) {
    case "oom-killed":
      return `The container was killed for running out of memory${code} (its memory limit, no swap).`;
    case "exited":
      return `The container exited${code} before it became healthy.`;
    case "restart-loop":
      return `The container keeps crashing: it restarted ${f.restarts} times without becoming healthy${f.exitCode === null ? "" : ` (last exit code ${f.exitCode})`}.`;
    case "unhealthy":
      return f.health === null
        ? `The container ran for ${f.waitedSeconds} s but /healthz never answered 200.`
        : `The container ran for ${f.waitedSeconds} s but never became healthy (its healthcheck: ${f.health}).`;
  }
}

/** The container facts as label/value pairs, in the order every renderer shows them. */
export function failureFacts(f: EntryFailure): [string, string][] {
  return [
    ["state", f.state],
    ["health", f.health ?? "no healthcheck"],
    ["exit code", f.exitCode === null ? "–" : String(f.exitCode)],
    ["restarts", String(f.restarts)],
    ["OOM-killed", f.oomKilled ? "yes" : "no"],
  ];
}

/**
 * Lines as a fenced Markdown code block that no line can end early: the fence is longer than any
 * run of backticks in them. Inside it nothing is Markdown or HTML; `@` gets a zero-width space so
 * no renderer turns a log line into a mention.
 */
export function markdownCodeBlock(lines: readonly string[]): string[] {
  const longest = Math.max(
    0,
    ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((r) => r.length))),
  );
  const fence = "`".repeat(Math.max(3, longest + 1));
  return [`${fence}text`, ...lines.map((l) => l.replace(/@/g, "@\u200b")), fence];
}

/** What the healthcheck's last runs printed, one heading line per run. */
export function healthLogLines(f: EntryFailure): string[] {
  return f.healthLog.flatMap((h, i) => [
    `# check ${i + 1} of the last ${f.healthLog.length}: exit code ${h.exitCode}`,
    ...(h.output.length ? h.output : ["(no output)"]),
  ]);
}
