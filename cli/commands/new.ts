/** `sre-chaos new <login> [--challenge <id>] [--force]`: create contributors/<login>/ from the template. */
import { parseArgs, UsageError, type Io } from "../io.ts";
import { createEntry, NewEntryError } from "../../harness/entry/new-entry.ts";
import { repoRoot } from "../../harness/entry/paths.ts";
import { CHALLENGE_IDS, type ChallengeId } from "../../record/run-record.ts";
import { printReport } from "./validate.ts";

export async function command(args: string[], io: Io, root: string = repoRoot()): Promise<number> {
  const { positional, options } = parseArgs(args, { challenge: "string", force: "boolean" });
  const [login, extra] = positional;
  if (!login || extra) throw new UsageError("usage: sre-chaos new <login> [--challenge <id>] [--force]");
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
    });
  } catch (e) {
    if (e instanceof NewEntryError) {
      io.err(`sre-chaos new: ${e.message}`);
      return 1;
    }
    throw e;
  }
  io.out(`created ${result.folder}/ from templates/nginx`);
  const code = printReport(io, result.folder, result.report);
  if (code !== 0) return code;
  io.out("");
  io.out("next steps:");
  io.out(`  edit ${result.folder}/ (see its README.md and docs/ENTRY.md)`);
  io.out(`  npx sre-chaos validate ${login}`);
  io.out(`  npx sre-chaos run ${login}`);
  return 0;
}
