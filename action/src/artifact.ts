/**
 * The evaluate artifact as publish receives it: untrusted files written by a job that ran PR code.
 * Everything is capped and validated here, where it enters (STYLE 5).
 */
import { lstat, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { LOGIN_PATTERN, parseRunRecord, type RunRecord } from "../../record/run-record.ts";

export const ARTIFACT_LIMITS = { maxFileBytes: 2 * 1024 * 1024, maxFiles: 10 } as const;
/** The only names an artifact may hold. */
export const ARTIFACT_FILES = ["meta.json", "run.json", "report.md", "validation.json"] as const;

/** What evaluate knew about the run; cross-checked only, never trusted for routing. */
export const metaSchema = z.strictObject({
  schemaVersion: z.literal(1),
  pullRequest: z.number().int().positive().nullable(),
  headSha: z
    .string()
    .regex(/^[0-9a-f]{40}$/)
    .nullable(),
  login: z.string().regex(LOGIN_PATTERN),
  outcome: z.enum(["run", "invalid"]),
});
export type ArtifactMeta = z.infer<typeof metaSchema>;

export const violationsSchema = z
  .array(
    z.strictObject({ file: z.string().max(300), rule: z.string().max(60), message: z.string().max(2000) }),
  )
  .max(100);
export type ArtifactViolation = z.infer<typeof violationsSchema>[number];

export type Artifact =
  | { meta: ArtifactMeta; outcome: "run"; record: RunRecord }
  | { meta: ArtifactMeta; outcome: "invalid"; violations: ArtifactViolation[] };

/** A refused artifact; `forged` when it contradicts what the API says. */
export class ArtifactError extends Error {
  constructor(message: string) {
    super(`artifact refused: ${message}`);
    this.name = "ArtifactError";
  }
}

function parseJson<T>(text: string, name: string, schema: z.ZodType<T>): T {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ArtifactError(`${name} is not JSON (${(e as Error).message})`);
  }
  const r = schema.safeParse(data);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new ArtifactError(`${name}: ${i?.path.join(".") || "(root)"}: ${i?.message ?? "invalid"}`);
  }
  return r.data;
}

/** Reads an artifact directory: only expected plain files, each ≤ 2 MiB, at most 10; validates each. */
export async function readArtifact(dir: string): Promise<Artifact> {
  const names = await readdir(dir).catch(() => {
    throw new ArtifactError(`${dir} cannot be read`);
  });
  if (names.length > ARTIFACT_LIMITS.maxFiles)
    throw new ArtifactError(`${names.length} files (max ${ARTIFACT_LIMITS.maxFiles})`);
  const texts = new Map<string, string>();
  for (const name of names.sort()) {
    if (!(ARTIFACT_FILES as readonly string[]).includes(name)) {
      throw new ArtifactError(
        `unexpected file ${JSON.stringify(name)} (allowed: ${ARTIFACT_FILES.join(", ")})`,
      );
    }
    const st = await lstat(path.join(dir, name));
    if (!st.isFile()) throw new ArtifactError(`${name} is not a regular file`);
    if (st.size > ARTIFACT_LIMITS.maxFileBytes) {
      throw new ArtifactError(`${name} is ${st.size} bytes (max ${ARTIFACT_LIMITS.maxFileBytes})`);
    }
    texts.set(name, await readFile(path.join(dir, name), "utf8"));
  }
  const metaText = texts.get("meta.json");
  if (metaText === undefined) throw new ArtifactError("meta.json is missing");
  const meta = parseJson(metaText, "meta.json", metaSchema);
  if (meta.outcome === "invalid") {
    const v = texts.get("validation.json");
    if (v === undefined) throw new ArtifactError("validation.json is missing");
    return { meta, outcome: "invalid", violations: parseJson(v, "validation.json", violationsSchema) };
  }
  const run = texts.get("run.json");
  if (run === undefined) throw new ArtifactError("run.json is missing");
  let record: RunRecord;
  try {
    record = parseRunRecord(run, "run.json");
  } catch (e) {
    throw new ArtifactError((e as Error).message);
  }
  if (record.login !== meta.login)
    throw new ArtifactError(`run.json login ${record.login} differs from meta.json ${meta.login}`);
  return { meta, outcome: "run", record };
}
