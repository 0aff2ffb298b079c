/** A real local bare repository behind the real results-branch module, for the mode tests. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createResultsStore, type ResultsStore } from "../../../action/src/results.ts";

export interface TestResults {
  store: ResultsStore;
  bare: string;
  /** The file on the branch tip, or null. */
  show(file: string): string | null;
  files(): string[];
  cleanup(): void;
}

export function makeResultsRepo(): TestResults {
  const root = mkdtempSync(path.join(tmpdir(), "action-results-"));
  const bare = path.join(root, "remote.git");
  execFileSync("git", ["init", "--quiet", "--bare", bare]);
  let n = 0;
  const store: ResultsStore = {
    publish: (update, message) =>
      createResultsStore({
        repoDir: path.join(root, `clone-${n++}`),
        remote: bare,
        branch: "results",
        author: { name: "publisher", email: "publisher@example.invalid" },
        maxBackoffMs: 5,
      }).publish(update, message),
    readEntries: () =>
      createResultsStore({
        repoDir: root,
        remote: bare,
        branch: "results",
        author: { name: "x", email: "x@x" },
      }).readEntries(),
    runsBefore: (login, challenge, runId) =>
      createResultsStore({
        repoDir: root,
        remote: bare,
        branch: "results",
        author: { name: "x", email: "x@x" },
      }).runsBefore(login, challenge, runId),
  };
  const git = (...args: string[]) => execFileSync("git", args, { cwd: bare, encoding: "utf8" });
  return {
    store,
    bare,
    show(file) {
      try {
        return git("show", `results:${file}`);
      } catch {
        return null;
      }
    },
    files() {
      try {
        return git("ls-tree", "-r", "--name-only", "results").trim().split("\n").filter(Boolean).sort();
      } catch {
        return [];
      }
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
