/**
 * Which entry a PR may publish for: through the API, every changed path (and every rename's old
 * path) must sit inside `contributors/<author>/`, and nothing there may be a symlink or submodule.
 */
import { LOGIN_PATTERN } from "../../record/run-record.ts";
import type { GitHubApi, PullRequestFile } from "./github.ts";

export class ScopeError extends Error {
  constructor(message: string) {
    super(`pull request refused: ${message}`);
    this.name = "ScopeError";
  }
}

/** The login folder a path is in, or null when the path is outside `contributors/<x>/` or odd. */
export function entryFolderOf(p: string): string | null {
  const seg = p.split("/");
  if (p.includes("\\") || seg.some((s) => s === "" || s === "." || s === "..")) return null;
  if (seg.length < 3 || seg[0] !== "contributors") return null;
  const login = seg[1] ?? "";
  return LOGIN_PATTERN.test(login) ? login : null;
}

/**
 * The one entry folder a PR's changed files (and renames' old paths) sit in, which must be the
 * author's (case-insensitive, as GitHub logins are). Throws ScopeError naming the first offending path.
 */
export function folderFromFiles(files: readonly PullRequestFile[], authorLogin: string): string {
  if (files.length === 0) throw new ScopeError("it changes no files");
  if (files.length >= 3000)
    throw new ScopeError("it changes 3000 files or more (the API's limit); cannot check it");
  let folder: string | null = null;
  for (const f of files) {
    for (const p of [f.filename, f.previousFilename].filter((x): x is string => x !== undefined)) {
      const login = entryFolderOf(p);
      if (!login) throw new ScopeError(`${p} is outside contributors/<login>/`);
      if (login.toLowerCase() !== authorLogin.toLowerCase()) {
        throw new ScopeError(`${p} is in someone else's folder (the author is ${authorLogin})`);
      }
      if (folder !== null && folder !== login)
        throw new ScopeError(`it touches two folders (${folder}, ${login})`);
      folder = login;
    }
  }
  if (!folder) throw new ScopeError("no entry folder");
  return folder;
}

/**
 * Every changed path (and rename's old path) that is not inside `contributors/<author>/`, in the
 * order the API listed them, so a refusal can name them all rather than the first.
 */
export function outOfScopeFiles(files: readonly PullRequestFile[], authorLogin: string): string[] {
  const out: string[] = [];
  for (const f of files) {
    for (const p of [f.filename, f.previousFilename].filter((x): x is string => x !== undefined)) {
      if (entryFolderOf(p)?.toLowerCase() !== authorLogin.toLowerCase() && !out.includes(p)) out.push(p);
    }
  }
  return out;
}

/**
 * Checks the PR's files (paginated, through the API) and its head tree (no symlink or submodule in
 * the entry); returns the entry folder name (the login as spelled on disk). Throws ScopeError.
 */
export async function checkPrScope(
  api: GitHubApi,
  pr: { number: number; authorLogin: string; headSha: string },
): Promise<string> {
  const folder = folderFromFiles(await api.listPullRequestFiles(pr.number), pr.authorLogin);
  const tree = await api.getTree(pr.headSha);
  if (tree.truncated) throw new ScopeError("the head tree is too large to check");
  const prefix = `contributors/${folder}/`;
  for (const t of tree.entries) {
    if (!t.path.startsWith(prefix) && t.path !== prefix.slice(0, -1)) continue;
    if (t.mode === "120000") throw new ScopeError(`${t.path} is a symlink`);
    if (t.mode === "160000" || t.type === "commit") throw new ScopeError(`${t.path} is a submodule`);
  }
  return folder;
}
