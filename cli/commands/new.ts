/** `sre-chaos new <login> [--template <name>] [--challenge <id>] [--force]`: create contributors/<login>/ from a template. */
import { parseArgs, UsageError, type Io } from "../io.ts";
import { createEntry, NewEntryError } from "../../harness/entry/new-entry.ts";
import { repoRoot, TEMPLATES, type TemplateName } from "../../harness/entry/paths.ts";
import { CHALLENGE_IDS, type ChallengeId } from "../../record/run-record.ts";
import { printReport } from "./validate.ts";

export async function command(args: string[], io: Io, root: string = repoRoot()): Promise<number> {
  const { positional, options } = parseArgs(args, {
    challenge: "string",
    force: "boolean",
    template: "string",
  });
  const [login, extra] = positional;
  if (!login || extra)
    throw new UsageError(
      `usage: sre-chaos new <login> [--template ${TEMPLATES.join("|")}] [--challenge <id>] [--force]`,
    );
  const template = (options.template as string | undefined) ?? "nginx";
  if (!(TEMPLATES as readonly string[]).includes(template)) {
    throw new UsageError(`unknown template "${template}"; valid: ${TEMPLATES.join(", ")}`);
  }
  const challenge = options.challenge as string | undefined;
  if (challenge !== undefined && !(CHALLENGE_IDS as readonly string[]).includes(challenge)) {
    throw new UsageError(`unknown challenge "${challenge}"; valid ids: ${CHALLENGE_IDS.join(", ")}`);
  }
  let result;
  try {
    result = await createEntry({
      root,
      login,
      challenge: challenge as ChallengeId | undefined,
      force: options.force === true,
      template: template as TemplateName,
    });
  } catch (e) {
    if (e instanceof NewEntryError) {
      io.err(`sre-chaos new: ${e.message}`);
      return 1;
    }
    throw e;
  }
  io.out(`created ${result.folder}/ from templates/${template}`);
  const code = printReport(io, result.folder, result.report);
  if (code !== 0) return code;
  io.out("");
  io.out("next steps:");
  io.out(`  edit ${result.folder}/ (see its README.md and docs/ENTRY.md)`);
  io.out(`  npx sre-chaos validate ${login}`);
  io.out(`  npx sre-chaos run ${login}`);
  return 0;
}
