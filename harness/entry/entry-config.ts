/**
 * `entry.yml` (docs/ENTRY.md): the challenge an entry plays and a small allowlist of operational choices
 * (port, restart policy, healthcheck). Everything else is refused, so no key can reach the generated
 * compose service that the platform did not mean to allow (`privileged`, `volumes`, `cap_add`…).
 * YAML features that hide what a file says (anchors, aliases, tags, several documents) are refused
 * too: what a reviewer reads is what the platform runs.
 */
import { readFile, lstat } from "node:fs/promises";
import { join } from "node:path";
import { LineCounter, parseAllDocuments, visit, isAlias, isMap, type Document } from "yaml";
import { z } from "zod";
import { CHALLENGE_IDS } from "../../record/run-record.ts";

/** Caps on entry.yml; documented in docs/ENTRY.md. */
export const ENTRY_YML_LIMITS = {
  maxBytes: 16 * 1024,
  maxDescription: 280,
  maxHealthcheckCommand: 1000,
} as const;

export const RESTART_POLICIES = ["no", "always", "on-failure", "unless-stopped"] as const;
export type RestartPolicy = (typeof RESTART_POLICIES)[number];

/** Allowed durations per healthcheck field, in milliseconds (inclusive). */
export const HEALTHCHECK_BOUNDS = {
  interval: { min: 1_000, max: 60_000 },
  timeout: { min: 100, max: 30_000 },
  start_period: { min: 0, max: 120_000 },
  retries: { min: 1, max: 10 },
} as const;

/**
 * The healthcheck as written in entry.yml; durations are kept as compose strings ("2s", "500ms").
 * `test`: a string is the shell form (compose `CMD-SHELL`); an array starts with "CMD" or "CMD-SHELL".
 */
export type EntryHealthcheck = z.infer<typeof healthcheckSchema>;

/** A parsed, valid entry.yml with defaults applied. */
export type EntryConfig = z.infer<typeof entryYmlSchema>;

/** The entry.yml rules that parsing can break. */
export type EntryYmlRule = "entry-yml-syntax" | "entry-yml-unknown-key" | "entry-yml-value";

export interface EntryYmlProblem {
  rule: EntryYmlRule;
  message: string;
  /** 1-based line in entry.yml, when the parser knows it. */
  line?: number;
}

export type EntryConfigResult =
  { ok: true; config: EntryConfig } | { ok: false; problems: EntryYmlProblem[] };

const DURATION = /^(?:\d{1,6}(?:ms|s|m|h))+$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a compose duration ("1m30s", "500ms"), or null when it is not one. */
export function durationMs(text: string): number | null {
  if (!DURATION.test(text)) return null;
  let total = 0;
  for (const m of text.matchAll(/(\d+)(ms|s|m|h)/g)) total += Number(m[1]) * UNIT_MS[m[2]!]!;
  return total;
}

const fmt = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);

function duration(field: keyof Omit<typeof HEALTHCHECK_BOUNDS, "retries">) {
  const { min, max } = HEALTHCHECK_BOUNDS[field];
  return z.string({ error: `healthcheck.${field} must be a duration like "2s" or "500ms"` }).refine(
    (s) => {
      const ms = durationMs(s);
      return ms !== null && ms >= min && ms <= max;
    },
    {
      error: `healthcheck.${field} must be a duration like "2s" or "500ms" between ${fmt(min)} and ${fmt(max)}`,
    },
  );
}

const RETRIES_ERROR = `healthcheck.retries must be an integer from ${HEALTHCHECK_BOUNDS.retries.min} to ${HEALTHCHECK_BOUNDS.retries.max}`;
const commandPart = z.string().min(1).max(ENTRY_YML_LIMITS.maxHealthcheckCommand);
const healthcheckSchema = z.strictObject({
  test: z.union(
    [
      commandPart,
      z
        .array(commandPart)
        .min(2, { error: "healthcheck.test as a list needs the form and a command, e.g. [CMD, wget, …]" })
        .max(32)
        .refine((a) => a[0] === "CMD" || a[0] === "CMD-SHELL", {
          error: 'healthcheck.test as a list must start with "CMD" or "CMD-SHELL"',
        }),
    ],
    {
      error: 'healthcheck.test must be a shell command string or a list starting with "CMD" or "CMD-SHELL"',
    },
  ),
  interval: duration("interval").optional(),
  timeout: duration("timeout").optional(),
  start_period: duration("start_period").optional(),
  retries: z
    .number({ error: RETRIES_ERROR })
    .int({ error: RETRIES_ERROR })
    .min(HEALTHCHECK_BOUNDS.retries.min, { error: RETRIES_ERROR })
    .max(HEALTHCHECK_BOUNDS.retries.max, { error: RETRIES_ERROR })
    .optional(),
});

/** Any TCP port: the app binds it inside its own sandbox, where NET_BIND_SERVICE allows ports below 1024. */
const PORT_ERROR = "port must be an integer from 1 to 65535";

const entryYmlSchema = z.strictObject({
  challenge: z.enum(CHALLENGE_IDS, {
    error: (iss) =>
      iss.input === undefined
        ? `challenge is required; one of: ${CHALLENGE_IDS.join(", ")}`
        : `unknown challenge ${JSON.stringify(iss.input)}; valid ids: ${CHALLENGE_IDS.join(", ")}`,
  }),
  port: z
    .number({ error: PORT_ERROR })
    .int({ error: PORT_ERROR })
    .min(1, { error: PORT_ERROR })
    .max(65535, { error: PORT_ERROR })
    .default(8080),
  description: z
    .string({ error: "description must be text" })
    .max(ENTRY_YML_LIMITS.maxDescription, {
      error: `description must be at most ${ENTRY_YML_LIMITS.maxDescription} characters`,
    })
    .nullable()
    .default(null),
  restart: z
    .enum(RESTART_POLICIES, { error: `restart must be one of: ${RESTART_POLICIES.join(", ")}` })
    .default("no"),
  healthcheck: healthcheckSchema.nullable().default(null),
});

/** The keys entry.yml may hold, for messages and docs. */
export const ALLOWED_KEYS = Object.keys(entryYmlSchema.shape) as readonly string[];
export const ALLOWED_HEALTHCHECK_KEYS = Object.keys(healthcheckSchema.shape) as readonly string[];

/** The line of the node at `path`, or of the key itself when `key` is given. */
function lineOf(doc: Document, lc: LineCounter, path: PropertyKey[], key?: string): number | undefined {
  const node = doc.getIn(path as unknown[], true) as { range?: [number, number, number] } | undefined;
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
    const k = pair?.key as { range?: [number, number, number] } | undefined;
    if (k?.range) return lc.linePos(k.range[0]).line;
  }
  return node?.range ? lc.linePos(node.range[0]).line : undefined;
}

const syntax = (message: string, line?: number): EntryYmlProblem => ({
  rule: "entry-yml-syntax",
  message,
  ...(line === undefined ? {} : { line }),
});

/** The one YAML document of the text, or the problems that keep it from being one. */
function singleDocument(
  text: string,
  lc: LineCounter,
): { doc: Document.Parsed; problems?: never } | { doc?: never; problems: EntryYmlProblem[] } {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > ENTRY_YML_LIMITS.maxBytes) {
    const cap = `${ENTRY_YML_LIMITS.maxBytes} bytes (16 KiB)`;
    return { problems: [syntax(`entry.yml is ${bytes} bytes, above the cap of ${cap}`)] };
  }
  const docs = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  // parseAllDocuments returns an EmptyStream (an array-like) for an empty file.
  const list = Array.from(docs as Iterable<Document.Parsed>);
  if (list.length > 1) {
    const second = list[1]!.range?.[0];
    const message = `entry.yml holds ${list.length} YAML documents; only one is allowed (remove "---")`;
    return { problems: [syntax(message, second !== undefined ? lc.linePos(second).line : undefined)] };
  }
  const doc = list[0];
  if (!doc || doc.contents === null) {
    const message = `entry.yml is empty; it needs at least "challenge: <id>"`;
    return { problems: [{ rule: "entry-yml-value", message }] };
  }
  return { doc };
}

/** Anchors, aliases and explicit tags make a file mean something other than it reads. */
function hiddenMeaning(doc: Document.Parsed, lc: LineCounter): EntryYmlProblem[] {
  const problems: EntryYmlProblem[] = [];
  visit(doc, {
    Node(_key, node) {
      const line = node.range ? lc.linePos(node.range[0]).line : undefined;
      if (isAlias(node)) problems.push(syntax(`YAML aliases (*${node.source}) are not allowed`, line));
      else if (node.anchor) problems.push(syntax(`YAML anchors (&${node.anchor}) are not allowed`, line));
      if (!isAlias(node) && node.tag) problems.push(syntax(`YAML tags (${node.tag}) are not allowed`, line));
    },
  });
  return problems;
}

/** YAML errors, then hidden meaning, then warnings (after the tag check, so its clearer message wins). */
function yamlProblems(doc: Document.Parsed, lc: LineCounter): EntryYmlProblem[] {
  const yamlProblem = (e: { message: string; pos: [number, number] }) =>
    syntax(`invalid YAML: ${e.message.split("\n")[0]}`, lc.linePos(e.pos[0]).line);
  const errors = doc.errors.map(yamlProblem);
  if (errors.length) return errors;
  const hidden = hiddenMeaning(doc, lc);
  if (hidden.length) return hidden;
  const warnings = doc.warnings.map(yamlProblem);
  if (warnings.length) return warnings;
  if (!isMap(doc.contents)) {
    const line = doc.contents?.range ? lc.linePos(doc.contents.range[0]).line : undefined;
    return [syntax("entry.yml must be a mapping of keys to values (e.g. `challenge: robust-service`)", line)];
  }
  return [];
}

/** The schema's issues as problems, each with the line of the key or value it is about. */
function schemaProblems(
  doc: Document.Parsed,
  lc: LineCounter,
  issues: z.core.$ZodIssue[],
): EntryYmlProblem[] {
  const problems: EntryYmlProblem[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      const where = issue.path.length ? `healthcheck.` : "";
      const allowed = issue.path.length ? ALLOWED_HEALTHCHECK_KEYS : ALLOWED_KEYS;
      for (const key of issue.keys) {
        problems.push({
          rule: "entry-yml-unknown-key",
          message: `unknown key "${where}${key}"; allowed keys: ${allowed.join(", ")}`,
          line: lineOf(doc, lc, issue.path, key),
        });
      }
      continue;
    }
    const path = issue.path.join(".");
    const message = path && !issue.message.includes(path) ? `${path}: ${issue.message}` : issue.message;
    problems.push({ rule: "entry-yml-value", message, line: lineOf(doc, lc, issue.path) });
  }
  return problems;
}

/** Parses entry.yml text; never throws. */
export function parseEntryConfig(text: string): EntryConfigResult {
  const lc = new LineCounter();
  const single = singleDocument(text, lc);
  if (single.problems) return fail(single.problems);
  const { doc } = single;
  const problems = yamlProblems(doc, lc);
  if (problems.length) return fail(problems);
  // Map keys must be plain strings: a complex key would not name any allowed setting anyway.
  const r = entryYmlSchema.safeParse(doc.toJS({ maxAliasCount: 0 }) as unknown);
  if (r.success) return { ok: true, config: r.data };
  return fail(schemaProblems(doc, lc, r.error.issues));
}

function fail(problems: EntryYmlProblem[]): EntryConfigResult {
  return { ok: false, problems };
}

/** Thrown by readEntryConfig; `problems` carry the rule ids. */
export class EntryConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: EntryYmlProblem[],
  ) {
    super(
      `${file}: invalid entry.yml:\n` +
        problems.map((p) => `  - [${p.rule}]${p.line ? ` line ${p.line}:` : ""} ${p.message}`).join("\n"),
    );
    this.name = "EntryConfigError";
  }
}

/**
 * Reads and parses `<dir>/entry.yml`. Refuses a symlink or a file over the size cap before reading
 * it, so a hostile entry cannot make the platform read anything else or anything large.
 */
export async function readEntryConfig(dir: string): Promise<EntryConfig> {
  const file = join(dir, "entry.yml");
  const st = await lstat(file);
  if (!st.isFile())
    throw new EntryConfigError(file, [{ rule: "entry-yml-syntax", message: "not a regular file" }]);
  if (st.size > ENTRY_YML_LIMITS.maxBytes) {
    throw new EntryConfigError(file, [
      {
        rule: "entry-yml-syntax",
        message: `${st.size} bytes, above the cap of ${ENTRY_YML_LIMITS.maxBytes} bytes`,
      },
    ]);
  }
  const r = parseEntryConfig(await readFile(file, "utf8"));
  if (!r.ok) throw new EntryConfigError(file, r.problems);
  return r.config;
}
