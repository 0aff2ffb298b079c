/**
 * The wait for health and the verification gate, for the entry and for the reference: bounded in
 * time and in restarts, and when it fails, the container's own account of why (record/failure.ts).
 */
import type { ChallengeDef } from "../scoring/index.ts";
import type { Docker } from "./docker.ts";
import type { GateResult } from "./loadgen-client.ts";
import type { EntryFailure } from "../record/failure.ts";
import { failureHeadline } from "../record/failure.ts";
import { collectFailure, RESTART_LOOP_RESTARTS } from "./entry-failure.ts";
import type { Stack } from "./stack.ts";

/** How long an entry may take to become healthy after start, whatever the scale. */
const HEALTH_TIMEOUT_MS = 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A gate's result; `failure` says why the container never became healthy (record/failure.ts). */
export type Gate = GateResult & { failure?: EntryFailure };

/** What the gate needs of a run: the stack, the Docker Engine, the run's quote key and quote age. */
export interface GateContext {
  stack: Stack;
  docker: Docker;
  quoteKey: string;
  def: Pick<ChallengeDef, "quoteMaxAgeSeconds">;
}

/**
 * Where a gate counts restarts from: `"start"`, every restart since the container started (its
 * first gate: it has never been healthy, and the stack's own start takes seconds in which Docker's
 * doubling back-off spends most of a crash loop's restarts); `"now"`, only those of this wait (the
 * gate again after calibration: the entry was healthy before it).
 */
export type RestartsFrom = "start" | "now";

/**
 * Waits until the entry answers /healthz through the load path, then runs the full gate. Gives up
 * when the container stops, restarts RESTART_LOOP_RESTARTS times, or is not healthy in time.
 */
export async function gateWhenHealthy(
  ctx: GateContext,
  target: string,
  container: string,
  service: "entry" | "reference",
  from: RestartsFrom = "start",
): Promise<Gate> {
  const { stack, docker, quoteKey } = ctx;
  const started = Date.now();
  const deadline = started + HEALTH_TIMEOUT_MS;
  const restartsBefore = from === "start" ? 0 : await restartCount(docker, container);
  const failed = async (name: string, lead: string, checks: GateResult["checks"] = []): Promise<Gate> => {
    const secrets = [quoteKey, stack.compose.project, stack.compose.project.replace(/^srechaos-/, "")];
    const waitedSeconds = (Date.now() - started) / 1000;
    const failure = await collectFailure(docker, container, { restartsBefore, waitedSeconds, secrets });
    const who = service === "reference" ? "the reference app: " : "";
    const detail = `${who}${lead}${failureHeadline(failure)}${lastLogLine(failure)}`.slice(0, 2000);
    return { passed: false, checks: [{ name, passed: false, detail }, ...checks], failure };
  };
  let last: GateResult;
  for (;;) {
    const state = await docker.inspect(container);
    if (!state.running && state.status !== "restarting") return failed("starts", "");
    if ((await restartCount(docker, container)) - restartsBefore >= RESTART_LOOP_RESTARTS)
      return failed("starts", "");
    last = await stack.loadgen.gate(target, quoteKey, ctx.def.quoteMaxAgeSeconds);
    const healthz = last.checks.find((c) => /healthz/.test(c.name));
    if (healthz?.passed && (state.health === null || state.health === "healthy")) return last;
    if (Date.now() > deadline) {
      const lead = `not healthy after ${HEALTH_TIMEOUT_MS / 1000} s (docker health: ${state.health ?? "no healthcheck"}). `;
      return failed("healthy in time", lead, last.checks);
    }
    await sleep(1000);
  }
}

/** Docker's RestartCount of a container (0 when it cannot be read). */
async function restartCount(docker: Docker, container: string): Promise<number> {
  const j = (await docker.inspectJson(container).catch(() => ({}))) as { RestartCount?: number };
  return j.RestartCount ?? 0;
}

/** The entry's own last log line, for the one-line check detail. */
function lastLogLine(f: EntryFailure): string {
  const line = f.logTail.at(-1);
  return line ? ` Its last log line: ${line}` : "";
}
