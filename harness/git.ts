/**
 * The one module that runs git: the harness's provenance (which commit scored a run), the action's
 * trusted commit and the results branch all call it. git runs through execFile (no shell), so no
 * path or message is ever parsed by a shell, and it never prompts for credentials.
 */
import { execFile } from "node:child_process";

/** Runs git with arguments in `cwd`; resolves with stdout, rejects with stderr (and stdout) on failure. */
export function git(cwd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      args,
      { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: "0", ...env }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          // push --porcelain reports "[rejected]" on stdout, so keep both streams.
          const detail = [String(stderr).trim(), String(stdout).trim()].filter(Boolean).join("\n");
          reject(new Error(`git ${args[0] ?? ""} failed: ${detail || err.message}`));
        } else {
          resolve(String(stdout));
        }
      },
    );
  });
}

/** The full sha of the commit checked out in `dir`; throws when there is none. */
export async function headCommit(dir: string): Promise<string> {
  const sha = (await git(dir, ["rev-parse", "HEAD"])).trim();
  if (!/^[0-9a-f]{40}$/.test(sha))
    throw new Error(`git rev-parse HEAD in ${dir} gave ${JSON.stringify(sha)}`);
  return sha;
}
