/**
 * The schema of a challenge definition (`scoring/challenges/<id>.yml`, docs/CHALLENGES.md). Strict: an
 * unknown key, an unknown chaos action or a malformed rate is refused at load time, with a
 * message naming the file and the field, so a typo never silently changes a competition.
 */
import { z } from "zod";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { CHALLENGE_IDS } from "../record/run-record.ts";

/** Chaos actions the harness implements (harness/chaos.ts ACTIONS uses the same names). */
export const CHAOS_ACTIONS = [
  "pause",
  "kill",
  "restart",
  "cpu-starve",
  "memory-squeeze",
  "latency",
  "timeout",
  "outage",
  "upstream-slow",
  "upstream-flaky",
  "upstream-down",
] as const;
export type ChaosAction = (typeof CHAOS_ACTIONS)[number];

/** Instantaneous actions: they take no duration. */
export const INSTANT_ACTIONS: readonly ChaosAction[] = ["kill", "restart"];

export const EXECUTORS = ["constant-arrival-rate", "ramping-arrival-rate"] as const;
export type Executor = (typeof EXECUTORS)[number];

/**
 * A rate: a number of requests per second, or `"<k>x"`: k times the reference capacity
 * measured by the calibration, so a challenge stresses a slow and a fast machine alike.
 */
export const rateSchema = z.union([
  z.number().positive().finite(),
  z
    .string()
    .regex(/^\d+(\.\d+)?x$/, 'a rate is a number (req/s) or "<k>x" (k × reference capacity), e.g. "3x"'),
]);
export type Rate = z.infer<typeof rateSchema>;

const seconds = z.number().positive().finite();
/** A phase's name (as the load generator and the run record carry it). */
const phaseName = z.string().regex(/^[a-z][a-z0-9-]{0,40}$/);

export const phaseDefSchema = z.strictObject({
  name: phaseName,
  duration: seconds,
  executor: z.enum(EXECUTORS),
  rate: rateSchema,
  /** Only for ramping-arrival-rate: the rate at the start of the phase (default: the previous phase's rate). */
  startRate: rateSchema.optional(),
});
export type PhaseDef = z.infer<typeof phaseDefSchema>;

/** A geometric step search: rates startRate × factor^i, i = 0..count-1 (absolute req/s, same for entry and reference). */
export const stepsDefSchema = z.strictObject({
  startRate: z.number().positive().finite(),
  factor: z.number().gt(1).max(4),
  count: z.number().int().min(2).max(30),
  duration: seconds,
  /** Shortest a step may become under --scale (a p99 needs a few seconds of traffic). */
  minDuration: seconds.default(3),
  executor: z.enum(EXECUTORS).default("constant-arrival-rate"),
  /**
   * Most trials of one step (odd: the majority decides). A step that misses the SLO, or meets it
   * with a p99 of at least `retryAbove` × the SLO's bound, is tried again; 1 = one trial decides.
   */
  trials: z
    .number()
    .int()
    .min(1)
    .max(5)
    .refine((n) => n % 2 === 1, "must be odd (the majority of the trials decides)")
    .default(3),
  retryAbove: z.number().gt(0).max(1).default(0.8),
  /**
   * After its climb, an app tries the half step (the geometric mean) between its last step held
   * and the next one, which failed: the capacity lands on a grid twice as fine.
   */
  halfStep: z.boolean().default(true),
});
export type StepsDef = z.infer<typeof stepsDefSchema>;

const paramValue = z.union([z.number().finite(), z.string().max(200), z.boolean()]);

export const chaosEventSchema = z
  .strictObject({
    /** Seconds from the start of the entry's load. */
    at: z.number().nonnegative().finite(),
    /** Seconds the fault lasts; 0 or absent for instantaneous actions (kill, restart). */
    duration: z.number().nonnegative().finite().default(0),
    action: z.enum(CHAOS_ACTIONS),
    target: z.enum(["entry", "upstream"]).default("entry"),
    params: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,40}$/), paramValue).default({}),
  })
  .refine((e) => INSTANT_ACTIONS.includes(e.action) || e.duration > 0, {
    message: "this action needs a duration > 0",
    path: ["duration"],
  });
export type ChaosEvent = z.infer<typeof chaosEventSchema>;

export const sloSchema = z.strictObject({
  p99Ms: z.number().positive().finite(),
  /** Share of completed requests that were not `ok`. */
  maxErrorRate: z.number().min(0).max(1),
  /** Share of iterations the load generator had to drop (in-flight bound reached). */
  maxDroppedRate: z.number().min(0).max(1),
});
export type Slo = z.infer<typeof sloSchema>;

export const calibrationDefSchema = z.strictObject({
  /** `entry-steps`: the reference runs the entry's own steps (robust-service); `steps`: the steps below. */
  mode: z.enum(["entry-steps", "steps"]),
  steps: stepsDefSchema.optional(),
});

const weights = z.record(z.string().regex(/^[a-z][a-zA-Z]{0,40}$/), z.number().nonnegative().finite());

export const challengeDefSchema = z
  .strictObject({
    id: z.enum(CHALLENGE_IDS),
    title: z.string().min(1).max(120),
    /** Plain-language rules for the site's scoring page. */
    summary: z.string().min(1).max(2000),
    slo: sloSchema,
    /** Relative weights of the request kinds. */
    mix: z.strictObject({
      echo: z.number().nonnegative(),
      page: z.number().nonnegative(),
      quote: z.number().nonnegative(),
    }),
    /** Per-request deadline: a request not answered by then is a timeout. */
    deadlineMs: z.number().int().min(100).max(30_000),
    /**
     * The oldest quote (seconds since upstream issued it) that still counts as correct: the load
     * generator checks every quote against it, the gate too. A cached copy up to this age is fine.
     */
    quoteMaxAgeSeconds: z.number().int().min(1).max(3600),
    maxInFlight: z.number().int().min(1).max(20_000),
    /** The harness stops a load early after this many consecutive steps out of SLO. */
    stopAfterFailedSteps: z.number().int().min(1).max(10).optional(),
    calibration: calibrationDefSchema,
    /** Either explicit phases or a geometric step search. */
    phases: z.array(phaseDefSchema).min(1).max(30).optional(),
    steps: stepsDefSchema.optional(),
    chaos: z.array(chaosEventSchema).max(64).default([]),
    /** Which phase plays which part in the score (graceful-degradation: overload, recovery). */
    roles: z.record(z.string().regex(/^[a-z][a-zA-Z]{0,40}$/), phaseName).default({}),
    /** Seconds of consecutive in-SLO traffic that count as "recovered" (graceful-degradation). */
    recoveryWindowSeconds: z.number().int().min(1).max(60).optional(),
    /** Points per component at the reference level; keys depend on the challenge. */
    weights,
  })
  .superRefine((d, ctx) => {
    if (!d.phases === !d.steps)
      ctx.addIssue({ code: "custom", message: "declare exactly one of phases and steps", path: ["phases"] });
    if (d.mix.echo + d.mix.page + d.mix.quote <= 0)
      ctx.addIssue({ code: "custom", message: "the mix needs a positive weight", path: ["mix"] });
    if (d.calibration.mode === "steps" && !d.calibration.steps)
      ctx.addIssue({
        code: "custom",
        message: "mode steps needs calibration.steps",
        path: ["calibration", "steps"],
      });
    if (d.calibration.mode === "entry-steps" && !d.steps)
      ctx.addIssue({
        code: "custom",
        message: "mode entry-steps needs the challenge's own steps",
        path: ["calibration", "mode"],
      });
    const names = new Set<string>();
    for (const [i, p] of (d.phases ?? []).entries()) {
      if (names.has(p.name))
        ctx.addIssue({
          code: "custom",
          message: `duplicate phase name ${p.name}`,
          path: ["phases", i, "name"],
        });
      names.add(p.name);
    }
    const phaseNames = new Set((d.phases ?? []).map((p) => p.name));
    const roles = REQUIRED_ROLES[d.id];
    for (const r of roles)
      if (!(r in d.roles)) ctx.addIssue({ code: "custom", message: `missing role ${r}`, path: ["roles", r] });
    for (const [r, name] of Object.entries(d.roles)) {
      if (!roles.includes(r))
        ctx.addIssue({
          code: "custom",
          message: `unknown role ${r} (expected ${roles.join(", ") || "none"})`,
          path: ["roles", r],
        });
      else if (!phaseNames.has(name))
        ctx.addIssue({ code: "custom", message: `no phase is named ${name}`, path: ["roles", r] });
    }
    const required = REQUIRED_WEIGHTS[d.id];
    for (const k of required)
      if (!(k in d.weights))
        ctx.addIssue({ code: "custom", message: `missing weight ${k}`, path: ["weights", k] });
    for (const k of Object.keys(d.weights))
      if (!required.includes(k))
        ctx.addIssue({
          code: "custom",
          message: `unknown weight ${k} (expected ${required.join(", ")})`,
          path: ["weights", k],
        });
  });
export type ChallengeDef = z.infer<typeof challengeDefSchema>;

/** The weight keys each challenge's scoring function reads. */
export const REQUIRED_WEIGHTS: Record<ChallengeDef["id"], string[]> = {
  "robust-service": ["capacity", "latency", "efficiency", "errors"],
  "graceful-degradation": ["answeredInTime", "goodput", "quoteAvailability", "recovery", "restarts"],
  "longest-upkeep": ["streak"],
};

/** The phase roles each challenge's scoring function reads (`roles` in the file). */
export const REQUIRED_ROLES: Record<ChallengeDef["id"], string[]> = {
  "robust-service": [],
  "graceful-degradation": ["overload", "recovery"],
  "longest-upkeep": [],
};

/** A challenge file that does not match the schema; the message names the file and each field. */
export class ChallengeError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: invalid challenge definition\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ChallengeError";
  }
}

/** Parses and validates one challenge file's text; `source` names it in errors. Pure. */
export function parseChallenge(text: string, source: string): ChallengeDef {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? ` (line ${e.linePos[0].line})` : "";
    throw new ChallengeError(source, [`malformed YAML${where}: ${(e as Error).message.split("\n")[0]}`]);
  }
  const r = challengeDefSchema.safeParse(data);
  if (!r.success)
    throw new ChallengeError(
      source,
      r.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(top level)"}: ${i.message}`),
    );
  return r.data;
}
