/**
 * How a rescore is cut into jobs. GitHub runs at most 256 jobs in one matrix and a hosted job for
 * at most 6 hours, so thousands of entries cannot each get a job of their own: the sorted entries
 * are cut into shards (contiguous slices), each shard one job that evaluates its slice in turn, and
 * the shards are spread over up to {@link MAX_GROUPS} matrices that rescore.yml runs one after the
 * other. The plan is a pure function of the entry count and the organizer's settings, so the plan
 * job, every shard job and the publisher compute the same slices from the same checkout.
 */
import { ConfigError, type InputReader } from "./config.ts";

/** GitHub's limit on jobs in one matrix. */
export const MAX_MATRIX = 256;
/** Matrices (jobs `evaluate-1` … `evaluate-4`) in rescore.yml. */
export const MAX_GROUPS = 4;
export const MAX_SHARDS = MAX_MATRIX * MAX_GROUPS;
/** A GitHub-hosted job is cancelled after 6 hours. */
export const JOB_LIMIT_MINUTES = 360;
/** Checkout, Node, npm ci and the harness images of a shard job, before its first entry. */
export const SETUP_MINUTES = 15;

/** The organizer's choices (repository variables passed as inputs); null shards = automatic. */
export interface RescoreSettings {
  readonly shards: number | null;
  readonly parallel: number;
  readonly entryMinutes: number;
}

export const RESCORE_DEFAULTS = { parallel: 4, entryMinutes: 30 } as const;

/** A rescore cut into jobs. */
export interface ShardPlan {
  readonly entries: number;
  /** Jobs; never more than the entries (0 when there are none). */
  readonly shards: number;
  /** Entries in the largest shard. */
  readonly perShard: number;
  /** Jobs of one matrix at a time; the matrices run one after the other, so also the total. */
  readonly parallel: number;
  /** timeout-minutes of a shard job: setup plus its largest slice at the per-entry budget. */
  readonly timeoutMinutes: number;
  /** Shard numbers of each matrix, at most {@link MAX_MATRIX} each. */
  readonly groups: readonly (readonly number[])[];
}

const WHOLE = /^[1-9]\d{0,5}$/;

function whole(input: string, variable: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!WHOLE.test(raw) || n < min || n > max)
    throw new ConfigError(
      input,
      raw,
      `(repository variable ${variable}) is not a whole number from ${min} to ${max}`,
    );
  return n;
}

/**
 * Reads the plan inputs of `rescore-matrix`: `shards` (empty = automatic), `max-parallel` and
 * `entry-minutes` (empty = the defaults). Errors name the input, its variable and the bad value.
 */
export function readRescoreSettings(read: InputReader): RescoreSettings {
  const get = (n: string) => read(n).trim();
  const shards = get("shards");
  const parallel = get("max-parallel");
  const minutes = get("entry-minutes");
  return {
    shards: shards === "" ? null : whole("shards", "SRE_CHAOS_RESCORE_SHARDS", shards, 1, MAX_SHARDS),
    parallel:
      parallel === ""
        ? RESCORE_DEFAULTS.parallel
        : whole("max-parallel", "SRE_CHAOS_RESCORE_PARALLEL", parallel, 1, MAX_MATRIX),
    entryMinutes:
      minutes === ""
        ? RESCORE_DEFAULTS.entryMinutes
        : whole(
            "entry-minutes",
            "SRE_CHAOS_RESCORE_ENTRY_MINUTES",
            minutes,
            1,
            JOB_LIMIT_MINUTES - SETUP_MINUTES,
          ),
  };
}

/** Reads `shard` and `shards` of a shard job or the publisher (values the plan job wrote). */
export function readShardInputs(read: InputReader, needIndex: boolean): { shard: number; shards: number } {
  const shardsRaw = read("shards").trim();
  const shards = whole("shards", "the plan job's `shards` output", shardsRaw, 1, MAX_SHARDS);
  if (!needIndex) return { shard: 0, shards };
  const raw = read("shard").trim();
  const shard = raw === "0" ? 0 : whole("shard", "the matrix's `shard`", raw, 1, shards - 1);
  return { shard, shards };
}

const ceilDiv = (a: number, b: number) => Math.ceil(a / b);

/**
 * Cuts `entries` into shards. Automatic: one entry per job up to 256 entries (each on a fresh
 * runner), then 256 jobs, more when a job would not finish its slice within the 6-hour limit.
 * Throws, saying what to change, when no plan fits.
 */
export function planShards(entries: number, s: RescoreSettings): ShardPlan {
  const fits = Math.floor((JOB_LIMIT_MINUTES - SETUP_MINUTES) / s.entryMinutes);
  if (entries === 0)
    return { entries, shards: 0, perShard: 0, parallel: s.parallel, timeoutMinutes: 0, groups: [] };
  const wanted = s.shards ?? Math.max(Math.min(entries, MAX_MATRIX), ceilDiv(entries, fits));
  const shards = Math.min(entries, wanted);
  if (shards > MAX_SHARDS)
    throw new Error(
      `${entries} entries need ${shards} jobs of at most ${fits} entries (${s.entryMinutes} min each within a job's ${JOB_LIMIT_MINUTES} min), more than the ${MAX_SHARDS} of ${MAX_GROUPS} matrices: lower SRE_CHAOS_RESCORE_ENTRY_MINUTES (or SRE_CHAOS_SCALE) or rescore in parts`,
    );
  const perShard = ceilDiv(entries, shards);
  if (perShard > fits)
    throw new Error(
      `${entries} entries in ${shards} shards is ${perShard} per job, ${perShard} × ${s.entryMinutes} min + ${SETUP_MINUTES} min setup is over a job's ${JOB_LIMIT_MINUTES} min: set SRE_CHAOS_RESCORE_SHARDS to at least ${ceilDiv(entries, fits)} (or leave it unset)`,
    );
  const groups: number[][] = [];
  for (let g = 0; g * MAX_MATRIX < shards; g++)
    groups.push(
      Array.from({ length: Math.min(MAX_MATRIX, shards - g * MAX_MATRIX) }, (_, i) => g * MAX_MATRIX + i),
    );
  return {
    entries,
    shards,
    perShard,
    parallel: s.parallel,
    timeoutMinutes: SETUP_MINUTES + perShard * s.entryMinutes,
    groups,
  };
}

/** The bounds of shard `i` of `shards` over `n` sorted entries: balanced, contiguous, never empty. */
export function shardBounds(n: number, shards: number, i: number): [number, number] {
  return [Math.floor((i * n) / shards), Math.floor(((i + 1) * n) / shards)];
}

/** The entries shard `i` evaluates. */
export function shardSlice<T>(sorted: readonly T[], shards: number, i: number): T[] {
  const [a, b] = shardBounds(sorted.length, shards, i);
  return sorted.slice(a, b);
}

/** Which shard evaluates each entry: the publisher's binding of an artifact to its job. */
export function shardOwners(sorted: readonly string[], shards: number): Map<string, number> {
  const owners = new Map<string, number>();
  for (let i = 0; i < shards; i++) for (const login of shardSlice(sorted, shards, i)) owners.set(login, i);
  return owners;
}

/** The plan job's outputs: `matrix-1` … `matrix-4` (empty `include` for an unused one) and figures. */
export function planOutputs(plan: ShardPlan): Record<string, string> {
  const out: Record<string, string> = {
    shards: String(plan.shards),
    "max-parallel": String(plan.parallel),
    "timeout-minutes": String(plan.timeoutMinutes),
  };
  for (let g = 0; g < MAX_GROUPS; g++)
    out[`matrix-${g + 1}`] = JSON.stringify({ include: (plan.groups[g] ?? []).map((shard) => ({ shard })) });
  return out;
}
