/**
 * publish mode refuses hostile input and writes nothing: forged artifacts, symlinks, PRs that touch
 * anything outside the author's folder (renames, `..`, pagination), symlinks and submodules in
 * the entry.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { symlinkSync } from "node:fs";
import path from "node:path";
import { runPublish } from "../../../action/src/modes/publish.ts";
import type { PullRequestFile } from "../../../action/src/github.ts";
import {
  baseRecord,
  fake,
  LOGIN,
  meta,
  okFiles,
  publishSetup,
  record,
  SHA,
  wrEvent,
} from "./publish-fixture.ts";

describe("publish mode refuses", () => {
  const s = publishSetup();

  const big = "x".repeat(2 * 1024 * 1024 + 1);
  const forged = [
    {
      case: "schema-invalid run.json",
      files: { "meta.json": meta(), "run.json": { ...record(), score: -1 } },
      err: /score/,
    },
    {
      case: "oversize report",
      files: { "meta.json": meta(), "run.json": record(), "report.md": big },
      err: /bytes \(max/,
    },
    {
      case: "unexpected file",
      files: { "meta.json": meta(), "run.json": record(), "evil.sh": "x" },
      err: /unexpected file "evil.sh"/,
    },
    {
      case: "meta PR number mismatch",
      files: { "meta.json": meta({ pullRequest: 8 }), "run.json": record() },
      err: /forged: meta.json names PR 8/,
    },
    {
      case: "meta head SHA mismatch",
      files: { "meta.json": meta({ headSha: "b".repeat(40) }), "run.json": record() },
      err: /forged/,
    },
    {
      case: "login not the PR author",
      files: { "meta.json": meta({ login: "alice" }), "run.json": record({ login: "alice" }) },
      err: /forged: meta.json login alice/,
    },
    {
      case: "run.json login differs from meta",
      files: { "meta.json": meta(), "run.json": record({ login: "alice" }) },
      err: /differs/,
    },
    {
      case: "provenance names another PR",
      files: {
        "meta.json": meta(),
        "run.json": record({ provenance: { ...baseRecord.provenance, headSha: SHA, pullRequest: 99 } }),
      },
      err: /provenance.pullRequest 99/,
    },
    {
      case: "login with path tricks",
      files: { "meta.json": meta({ login: "../scoring" }), "run.json": record() },
      err: /meta.json: login/,
    },
    { case: "missing meta", files: { "run.json": record() }, err: /meta.json is missing/ },
    {
      case: "a reference recorded in another run (test-only), not measured in this one",
      files: {
        "meta.json": meta(),
        "run.json": record({
          provenance: { ...record().provenance, referenceRecordedFrom: "20260101T000000Z-00000000" },
        }),
      },
      err: /the reference was not measured in this run \(provenance.referenceRecordedFrom/,
    },
  ];
  for (const c of forged) {
    it(`refuses a forged artifact (${c.case}): nothing written, no comment`, async () => {
      const before = s.results.files().join() + s.results.show(`entries/${LOGIN}.json`);
      s.write(c.files);
      const api = fake();
      await assert.rejects(runPublish(wrEvent, s.deps(api)), c.err);
      assert.equal(s.results.files().join() + s.results.show(`entries/${LOGIN}.json`), before);
      assert.deepEqual(api.callsOf("createComment"), []);
      assert.deepEqual(api.callsOf("updateComment"), []);
    });
  }

  it("refuses a symlink in the artifact", async () => {
    s.write({ "meta.json": meta() });
    symlinkSync("/etc/passwd", path.join(s.dir, "run.json"));
    await assert.rejects(runPublish(wrEvent, s.deps(fake())), /run.json is not a regular file/);
  });

  const many = Array.from({ length: 250 }, (_, i) => ({
    filename: `contributors/${LOGIN}/html/p${i}.html`,
    status: "added",
  }));
  const scope = [
    {
      case: "a PR that edits scoring/",
      files: [...okFiles, { filename: "scoring/challenges/robust-service.yml", status: "modified" }],
      err: /scoring\/challenges\/robust-service.yml is outside/,
    },
    {
      case: "someone else's folder",
      files: [...okFiles, { filename: "contributors/alice/entry.yml", status: "modified" }],
      err: /someone else's folder/,
    },
    {
      case: "a rename out of the folder",
      files: [
        {
          filename: `contributors/${LOGIN}/x.yml`,
          previousFilename: "scoring/challenges/x.yml",
          status: "renamed",
        },
      ],
      err: /scoring\/challenges\/x.yml is outside/,
    },
    {
      case: "a rename into another folder",
      files: [
        { filename: "contributors/alice/x", previousFilename: `contributors/${LOGIN}/x`, status: "renamed" },
      ],
      err: /someone else's/,
    },
    {
      case: "a path with ..",
      files: [{ filename: `contributors/${LOGIN}/../../scoring/x.ts`, status: "added" }],
      err: /outside/,
    },
    {
      case: "paginated files, the 251st outside",
      files: [...many, { filename: ".github/workflows/publish.yml", status: "modified" }],
      err: /.github\/workflows\/publish.yml is outside/,
    },
    { case: "no files", files: [], err: /no files/ },
  ];
  for (const c of scope) {
    it(`refuses ${c.case}: explains on the PR, writes nothing, never reads the artifact`, async () => {
      const before = s.results.files().join();
      s.write({ "meta.json": meta(), "run.json": record() });
      const api = fake(c.files as PullRequestFile[]);
      await assert.rejects(runPublish(wrEvent, s.deps(api)), c.err);
      assert.equal(s.results.files().join(), before);
      const bodies = [...api.callsOf("createComment"), ...api.callsOf("updateComment")].map((a) =>
        String(a[1]),
      );
      assert.equal(bodies.length, 1);
      assert.match(bodies[0] ?? "", /not scored/);
    });
  }

  const trees = [
    {
      case: "a symlink",
      entry: { path: `contributors/${LOGIN}/html`, mode: "120000", type: "blob" },
      err: /symlink/,
    },
    {
      case: "a submodule",
      entry: { path: `contributors/${LOGIN}/vendor`, mode: "160000", type: "commit" },
      err: /submodule/,
    },
  ];
  for (const c of trees) {
    it(`refuses an entry holding ${c.case}`, async () => {
      s.write({ "meta.json": meta(), "run.json": record() });
      await assert.rejects(runPublish(wrEvent, s.deps(fake(okFiles, [c.entry]))), c.err);
    });
  }

  it("a paginated files list (>100 files) all inside the folder is accepted", async () => {
    s.write({ "meta.json": meta(), "run.json": record() });
    const api = fake(many);
    const out = await runPublish(wrEvent, s.deps(api));
    assert.equal(out.login, LOGIN);
  });
});
