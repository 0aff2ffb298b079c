import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { entryFolderOf, folderFromFiles } from "../../../action/src/pr-scope.ts";

describe("PR scope rules", () => {
  const folders = [
    { input: "contributors/alice/Dockerfile", expected: "alice" },
    { input: "contributors/alice/html/index.html", expected: "alice" },
    { input: "contributors/alice", expected: null },
    { input: "contributors/README.md", expected: null },
    { input: "contributors/../scoring/x.ts", expected: null },
    { input: "contributors/alice/../bob/x", expected: null },
    { input: "contributors/./alice/x", expected: null },
    { input: "contributors//alice/x", expected: null },
    { input: "contributors/alice\\..\\x", expected: null },
    { input: "contributors/-alice/x", expected: null },
    { input: "Contributors/alice/x", expected: null },
    { input: "scoring/challenges/robust-service.yml", expected: null },
    { input: ".github/workflows/publish.yml", expected: null },
  ];
  for (const t of folders) {
    it(`entryFolderOf(${JSON.stringify(t.input)}) = ${String(t.expected)}`, () => {
      assert.equal(entryFolderOf(t.input), t.expected);
    });
  }

  const files = [
    {
      case: "own folder, other case than the login",
      author: "Alice",
      files: ["contributors/alice/x"],
      expected: "alice",
    },
    {
      case: "two spellings of one folder",
      author: "alice",
      files: ["contributors/alice/x", "contributors/Alice/y"],
      expected: /two folders/,
    },
    {
      case: "a deletion elsewhere",
      author: "alice",
      files: ["contributors/alice/x", "contributors/bob/x"],
      expected: /someone else's/,
    },
    {
      case: "the contributors README",
      author: "alice",
      files: ["contributors/README.md"],
      expected: /outside/,
    },
  ];
  for (const t of files) {
    it(`folderFromFiles: ${t.case}`, () => {
      const list = t.files.map((filename) => ({ filename, status: "modified" }));
      if (typeof t.expected === "string") assert.equal(folderFromFiles(list, t.author), t.expected);
      else assert.throws(() => folderFromFiles(list, t.author), t.expected);
    });
  }
});
