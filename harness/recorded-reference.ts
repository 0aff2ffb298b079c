/**
 * The recorded reference, a test-only shortcut: a run takes the reference's calibration figures
 * from an earlier run's record instead of measuring url-anvil again. Test files that compare
 * entries with one another use it so that every entry of a challenge is normalized by the same
 * reference (its run-to-run noise no longer decides their order) and so that only the first run
 * of each challenge spends time on the reference. A record made this way names the run its
 * reference came from (`provenance.referenceRecordedFrom`) and is never published: publish and
 * rescore refuse it (action/src/recompute.ts).
 */
import { readFileSync } from "node:fs";
import { expandMeasurements } from "../record/measurements-record.ts";
import { parseRunRecord, type ChallengeId } from "../record/run-record.ts";
import type { Measurements } from "../scoring/measurements.ts";

export interface RecordedReference {
  /** The run whose reference measurements these are. */
  runId: string;
  reference: Measurements;
}

/**
 * The reference measurements of the record at `file`, which must be a valid run of `challenge` at
 * `scale` that measured its reference itself. Throws an error naming the file and what is wrong.
 */
export function readRecordedReference(
  file: string,
  challenge: ChallengeId,
  scale: number,
): RecordedReference {
  const where = `recorded reference ${file}`;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new Error(`${where}: cannot be read (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  const record = parseRunRecord(text, where);
  if (record.challenge !== challenge)
    throw new Error(`${where}: it is a ${record.challenge} run; this run is ${challenge}`);
  if (record.provenance.scale !== scale)
    throw new Error(`${where}: it ran at scale ${record.provenance.scale}; this run is at scale ${scale}`);
  if (record.provenance.referenceRecordedFrom)
    throw new Error(`${where}: its own reference was recorded; use a run that measured it`);
  if (record.integrity && !record.integrity.valid)
    throw new Error(`${where}: the run is invalid (${record.integrity.problems.join("; ")})`);
  const reference = record.measurements ? expandMeasurements(record.measurements).reference : null;
  if (!reference || reference.phases.length === 0)
    throw new Error(`${where}: the record holds no reference measurements (measurements.reference)`);
  return { runId: record.runId, reference };
}
