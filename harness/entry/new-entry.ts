/**
 * `sre-chaos new <login>`: a fresh entry folder from the template, with an entry.yml for the login,
 * validated before the contributor sees it.
 */
import { cp, lstat, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CHALLENGE_IDS, LOGIN_PATTERN, type ChallengeId } from "../../record/run-record.ts";
import { entryDir, templateDir, TEMPLATES, type TemplateName } from "./paths.ts";
import { inspectEntry, type EntryReport } from "./validate.ts";

export interface NewEntryOptions {
  root: string;
  login: string;
  /** Default: the template's challenge (robust-service). */
  challenge?: ChallengeId;
  /** Replace an existing folder of the same name. */
  force?: boolean;
  /** Which template to copy (default nginx). */
  template?: TemplateName;
}

export interface NewEntryResult {
  /** `contributors/<login>`, relative to the root. */
  folder: string;
  /** What validation says about the new folder (no violations unless the template is broken). */
  report: EntryReport;
}

/** A refusal the contributor can act on (bad login, folder exists). */
export class NewEntryError extends Error {
  override name = "NewEntryError";
}

const WHAT: Record<TemplateName, string> = {
  nginx: "nginx",
  node: "Node",
  go: "Go",
  python: "Python",
};

/** The entry.yml of a new entry: the template's text with the challenge and description set. */
export function entryYmlFor(
  templateText: string,
  login: string,
  challenge: ChallengeId,
  template: TemplateName = "nginx",
): string {
  const description = `${login}'s entry: ${WHAT[template]} from the template, with a cached quote.`;
  return templateText
    .replace(/^challenge:.*$/m, `challenge: ${challenge}`)
    .replace(/^description:.*$/m, `description: ${JSON.stringify(description)}`);
}

/** Creates `contributors/<login>/` from the template; throws NewEntryError on a refusal. */
export async function createEntry(opts: NewEntryOptions): Promise<NewEntryResult> {
  const { root, login } = opts;
  if (!LOGIN_PATTERN.test(login)) {
    throw new NewEntryError(
      `${JSON.stringify(login)} is not a valid GitHub login (1–39 letters, digits or single inner hyphens) [login-format]`,
    );
  }
  if (opts.challenge && !CHALLENGE_IDS.includes(opts.challenge)) {
    throw new NewEntryError(`unknown challenge "${opts.challenge}"; valid ids: ${CHALLENGE_IDS.join(", ")}`);
  }
  const templateName = opts.template ?? "nginx";
  if (!TEMPLATES.includes(templateName)) {
    throw new NewEntryError(`unknown template "${String(templateName)}"; valid: ${TEMPLATES.join(", ")}`);
  }
  const folder = `contributors/${login}`;
  const dir = entryDir(root, login);
  const existing = await readdir(join(root, "contributors")).catch(() => [] as string[]);
  const sameButCase = existing.find((n) => n !== login && n.toLowerCase() === login.toLowerCase());
  if (sameButCase) {
    throw new NewEntryError(
      `contributors/${sameButCase}/ already exists with different capitals; use that login`,
    );
  }
  const exists = await lstat(dir).then(
    () => true,
    () => false,
  );
  if (exists && !opts.force) {
    throw new NewEntryError(`${folder}/ already exists (use --force to replace it with the template)`);
  }
  if (exists) await rm(dir, { recursive: true, force: true });

  const template = templateDir(root, templateName);
  await cp(template, dir, { recursive: true, errorOnExist: true, force: false, verbatimSymlinks: true });
  const challenge = opts.challenge ?? "robust-service";
  const yml = await readFile(join(template, "entry.yml"), "utf8");
  await writeFile(join(dir, "entry.yml"), entryYmlFor(yml, login, challenge, templateName));
  return { folder, report: await inspectEntry(root, login) };
}
