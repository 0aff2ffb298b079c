/**
 * Why an entry never became healthy, from what Docker knows (harness side of record/failure.ts):
 * `docker inspect` (state, exit code, OOM kill, restart count, the healthcheck's own log) and the
 * end of the container's log. Pure apart from `collectFailure`.
 *
 * Log lines are the entry's hostile text, and may carry what the platform does not publish: the
 * quote tokens and key, the run id and project name, container ids, the addresses of the private
 * networks. Every line is cleaned of terminal escapes and control characters, redacted, and cut to
 * the caps of FAILURE_LIMITS before it reaches the record.
 */
import { FAILURE_LIMITS, type EntryFailure, type FailureKind } from "../record/failure.ts";
import type { Docker } from "./docker.ts";

/** Restarts while waiting for health that end the wait: the entry is in a crash loop. */
export const RESTART_LOOP_RESTARTS = 5;

/** The parts of one element of `docker inspect <container>` read here. */
export interface InspectJson {
  RestartCount?: number;
  State?: {
    Status?: string;
    Running?: boolean;
    Restarting?: boolean;
    OOMKilled?: boolean;
    ExitCode?: number;
    StartedAt?: string;
    Health?: { Status?: string; Log?: { ExitCode?: number; Output?: string }[] | null } | null;
  };
}

export interface FailureFacts {
  inspect: InspectJson;
  /** The container's log, oldest line first (stdout and stderr merged). */
  logs: string;
  /** RestartCount when the wait began (restarts before it, e.g. during calibration, do not count). */
  restartsBefore: number;
  waitedSeconds: number;
}

// eslint-disable-next-line no-control-regex -- terminal escapes are what is removed
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]?/g;
// eslint-disable-next-line no-control-regex -- control and bidi characters are what is removed
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/** Long hex runs (quote tokens and keys, container ids) and long base64url-like runs (tokens). */
const HEX = /\b[0-9a-f]{32,}\b/gi;
const TOKEN = /[A-Za-z0-9+_-]{32,}={0,2}/g;
/** A token mixes digits with both cases; a long word, a path segment or a row of dashes does not. */
const tokenLike = (s: string) => /\d/.test(s) && /[a-z]/.test(s) && /[A-Z]/.test(s);
const IPV4 = /\b(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\b/g;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Loopback and wildcard addresses say what the app bound (useful); any other is the platform's network. */
function redactAddress(ip: string, a: string): string {
  return a === "127" || ip === "0.0.0.0" ? ip : "[address]";
}

/** A line as the record may keep it: no escapes or control characters, nothing platform-secret, capped. */
export function cleanLine(raw: string, secrets: readonly string[]): string {
  // A log line can be 16 KiB (one json-file chunk); a kept line is 300 characters.
  let s = raw
    .slice(0, 8 * 1024)
    .replace(ANSI, "")
    .replace(/\t/g, "  ")
    .replace(CONTROL, "");
  for (const secret of secrets) {
    if (secret.length >= 6) s = s.replace(new RegExp(escapeRegExp(secret), "gi"), "[redacted]");
  }
  s = s
    .replace(HEX, "[redacted]")
    .replace(TOKEN, (t) => (tokenLike(t) ? "[redacted]" : t))
    .replace(IPV4, (ip: string, a: string) => redactAddress(ip, a));
  s = s.trimEnd();
  const max = FAILURE_LIMITS.lineChars;
  return s.length > max ? s.slice(0, max - 1) + "…" : s;
}

/** The last non-empty lines of `text`, cleaned, within `maxLines` and `maxBytes` together. */
export function tailLines(
  text: string,
  secrets: readonly string[],
  maxLines: number,
  maxBytes: number,
): string[] {
  const lines = text
    .split(/\r?\n|\r/)
    .map((l) => cleanLine(l, secrets))
    .filter((l) => l.trim() !== "");
  const out: string[] = [];
  let bytes = 0;
  for (let i = lines.length - 1; i >= 0 && out.length < maxLines; i--) {
    bytes += Buffer.byteLength(lines[i]!, "utf8") + 1;
    if (bytes > maxBytes) break;
    out.unshift(lines[i]!);
  }
  return out;
}

function kindOf(state: NonNullable<InspectJson["State"]>, restarts: number): FailureKind {
  if (state.OOMKilled) return "oom-killed";
  if (state.Restarting || restarts >= RESTART_LOOP_RESTARTS) return "restart-loop";
  if (!state.Running) return "exited";
  return "unhealthy";
}

/** The failure record of an entry that did not become healthy, from Docker's facts. */
export function diagnoseFailure(facts: FailureFacts, secrets: readonly string[]): EntryFailure {
  const state = facts.inspect.State ?? {};
  const restarts = Math.max(0, (facts.inspect.RestartCount ?? 0) - facts.restartsBefore);
  const kind = kindOf(state, restarts);
  // A running container's ExitCode is its previous run's (0 when there was none): not news.
  const exited = kind !== "unhealthy" || restarts > 0;
  const health = state.Health?.Status ?? null;
  const healthLog = (state.Health?.Log ?? []).slice(-FAILURE_LIMITS.healthEntries).map((h) => ({
    exitCode: Number.isInteger(h.ExitCode) ? h.ExitCode! : -1,
    output: tailLines(h.Output ?? "", secrets, FAILURE_LIMITS.healthLines, FAILURE_LIMITS.healthBytes),
  }));
  return {
    kind,
    state: /^[a-z]{1,20}$/.test(state.Status ?? "") ? state.Status! : "unknown",
    health: health !== null && /^[a-z]{1,20}$/.test(health) ? health : null,
    exitCode:
      exited && Number.isInteger(state.ExitCode) ? Math.max(-1, Math.min(255, state.ExitCode!)) : null,
    restarts,
    oomKilled: state.OOMKilled === true,
    waitedSeconds: Math.round(facts.waitedSeconds),
    logTail: tailLines(facts.logs, secrets, FAILURE_LIMITS.logLines, FAILURE_LIMITS.logBytes),
    healthLog,
  };
}

/**
 * `docker logs --timestamps` prints stdout and stderr apart; each line starts with an RFC 3339
 * time of the same width, so sorting by it restores their order. The times are dropped.
 */
export function mergeByTimestamp(stdout: string, stderr: string): string {
  const lines = [...stdout.split("\n"), ...stderr.split("\n")].filter((l) => l !== "");
  const at = (l: string) => l.slice(0, Math.max(0, l.indexOf(" ")));
  return lines
    .map((l, i) => ({ l, i, t: at(l) }))
    .sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : a.i - b.i))
    .map(({ l }) => (/^\d{4}-\d\d-\d\dT\S+ /.test(l) ? l.slice(l.indexOf(" ") + 1) : l))
    .join("\n");
}

/** Lines of the container's log read for a failure (more than kept: blank lines are dropped). */
const LOG_READ_LINES = 60;

/**
 * Reads Docker's facts about the entry's container and diagnoses them. `secrets` are the run's
 * own values (quote key, run id, project name) that no log line may carry into the record.
 */
export async function collectFailure(
  docker: Docker,
  container: string,
  o: { restartsBefore: number; waitedSeconds: number; secrets: readonly string[] },
): Promise<EntryFailure> {
  const [inspect, logs] = await Promise.all([
    docker.inspectJson(container).catch(() => ({})),
    docker
      .logs(container, LOG_READ_LINES)
      .then((l) => mergeByTimestamp(l.stdout, l.stderr))
      .catch((e: unknown) => `(the log could not be read: ${e instanceof Error ? e.message : String(e)})`),
  ]);
  const secrets = [...o.secrets, container, container.slice(0, 12)];
  return diagnoseFailure({ inspect: inspect as InspectJson, logs, ...o }, secrets);
}
