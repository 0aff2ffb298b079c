/** Provenance of a run (docs/ARCHITECTURE.md): what ran, where, on what, measured rather than declared. */
import { cpus } from "node:os";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Provenance } from "../record/run-record.ts";
import type { CpuPlacement } from "./stack.ts";
import { headCommit } from "./git.ts";

export const LOADGEN_NAME = "sre-chaos loadgen";

export interface ProvenanceInput {
  root: string;
  scale: number;
  ci: Partial<
    Pick<Provenance, "repository" | "pullRequest" | "headSha" | "workflowRunId" | "workflowRunAttempt">
  >;
  entryImageDigest: string | null;
  prometheusVersion: string | null;
  placement: CpuPlacement;
  calibration: Record<string, number> | null;
  /** The run a recorded reference came from (tests only); absent when this run measured it. */
  referenceRecordedFrom?: string;
}

/** The platform's commit, when it runs from a git checkout. */
const gitCommit = (root: string): Promise<string | null> => headCommit(root).catch(() => null);

function loadgenVersion(root: string): string {
  try {
    const src = readFileSync(join(root, "loadgen", "main.go"), "utf8");
    return /const version = "([^"]+)"/.exec(src)?.[1] ?? "unknown";
  } catch {
    return "unknown";
  }
}

export async function collectProvenance(i: ProvenanceInput): Promise<Provenance> {
  const pkg = JSON.parse(readFileSync(join(i.root, "package.json"), "utf8")) as { version: string };
  const cpuList = cpus();
  return {
    repository: i.ci.repository ?? null,
    pullRequest: i.ci.pullRequest ?? null,
    headSha: i.ci.headSha ?? null,
    workflowRunId: i.ci.workflowRunId ?? null,
    workflowRunAttempt: i.ci.workflowRunAttempt ?? null,
    harnessVersion: pkg.version,
    harnessCommit: await gitCommit(i.root),
    entryImageDigest: i.entryImageDigest,
    loadGenerator: `${LOADGEN_NAME} ${loadgenVersion(i.root)}`,
    prometheusVersion: i.prometheusVersion,
    cpuModel: (cpuList[0]?.model ?? "unknown").trim().slice(0, 200),
    cpuCount: Math.max(1, cpuList.length),
    cpuPlacement: { entry: i.placement.entry, load: i.placement.load },
    calibration: i.calibration,
    ...(i.referenceRecordedFrom ? { referenceRecordedFrom: i.referenceRecordedFrom } : {}),
    scale: i.scale,
    local: !i.ci.workflowRunId,
  };
}
