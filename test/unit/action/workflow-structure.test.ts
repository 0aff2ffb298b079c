/**
 * The workflows' trust and queueing design, read from the YAML itself: PR code is only ever
 * checked out by evaluate's pull_request run (and only as data, after the scope check), no
 * dispatch path exists for it, no results writer sits in a concurrency group where GitHub
 * could cancel it while pending, and command.yml's `if:` accepts exactly what the parser does.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { parse } from "yaml";
import { isChallengeCommand } from "../../../action/src/modes/command.ts";
import { PLAN_ARTIFACT, SHARD_ARTIFACT_PREFIX } from "../../../action/src/rescore-publish.ts";
import { MAX_GROUPS } from "../../../action/src/rescore-plan.ts";

interface Step {
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string | boolean>;
}
interface Job {
  if?: string;
  uses?: string;
  needs?: string | string[];
  with?: Record<string, string>;
  outputs?: Record<string, string>;
  strategy?: { "fail-fast"?: boolean; "max-parallel"?: string; matrix?: string };
  "timeout-minutes"?: number | string;
  steps?: Step[];
  concurrency?: { group?: string; "cancel-in-progress"?: boolean };
}
interface Workflow {
  on: Record<string, unknown>;
  concurrency?: { group?: string; "cancel-in-progress"?: boolean };
  jobs: Record<string, Job>;
}

const dir = new URL("../../../.github/workflows/", import.meta.url);
const names = readdirSync(dir).filter((f) => f.endsWith(".yml"));
const wf = (name: string) => parse(readFileSync(new URL(name, dir), "utf8")) as Workflow;
const isCheckout = (s: Step) => s.uses?.startsWith("actions/checkout@") ?? false;
// Anything that names the PR's commit or a caller-supplied ref.
const PR_REF = /pull_request\.head|head_sha|head\.sha|inputs\.|github\.event\.issue|refs\/pull/;

describe("workflow structure", () => {
  it("evaluate runs only on pull_request: no dispatch, no other trigger", () => {
    assert.deepEqual(Object.keys(wf("evaluate.yml").on), ["pull_request"]);
  });

  it("command has no workflow_dispatch and starts no run of its own", () => {
    const c = wf("command.yml");
    assert.deepEqual(Object.keys(c.on), ["issue_comment"]);
    const text = readFileSync(new URL("command.yml", dir), "utf8");
    assert.doesNotMatch(text, /workflow_dispatch|dispatches/);
  });

  for (const name of names.filter((n) => n !== "evaluate.yml")) {
    it(`${name}: no checkout of a PR ref`, () => {
      for (const [id, job] of Object.entries(wf(name).jobs)) {
        for (const s of (job.steps ?? []).filter(isCheckout)) {
          assert.doesNotMatch(String(s.with?.ref ?? ""), PR_REF, `${name} job ${id}`);
          assert.equal(s.with?.repository, undefined, `${name} job ${id} checks out another repository`);
        }
      }
    });
  }

  it("evaluate: the default branch is checked out and installed, scope is checked, then the PR head only as data", () => {
    const steps = wf("evaluate.yml").jobs.evaluate?.steps ?? [];
    const checkouts = steps.filter(isCheckout);
    assert.equal(checkouts.length, 2);
    assert.equal(checkouts[0]?.with?.ref, "${{ github.event.repository.default_branch }}");
    assert.equal(checkouts[1]?.with?.ref, "${{ github.event.pull_request.head.sha }}");
    const headPath = String(checkouts[1]?.with?.path ?? "");
    assert.match(headPath, /^\.sre-chaos\//, "the head goes to a separate path, not over the base");
    const iHead = steps.indexOf(checkouts[1]!);
    const iScope = steps.findIndex((s) => s.with?.mode === "scope");
    const iInstall = steps.findIndex((s) => /npm ci/.test(s.run ?? ""));
    assert.ok(iInstall >= 0 && iInstall < iHead, "npm ci runs on the base tree, before the head is fetched");
    assert.ok(iScope >= 0 && iScope < iHead, "the scope check comes before any PR file is fetched");
    for (const s of steps.slice(iHead + 1)) {
      assert.doesNotMatch(s.run ?? "", /\b(npm|npx|node|make|bash|sh)\b|\.\//, `runs something: ${s.run}`);
      if (s.uses) assert.ok(s.uses === "./action" || /^actions\/upload-artifact@/.test(s.uses), s.uses);
    }
    // The copy step brings in contributors/<login> only and removes the rest of the head tree.
    const copy = steps[iHead + 1]?.run ?? "";
    assert.match(copy, /cp -a "\.sre-chaos\/pr-head\/contributors\/\$\{ENTRY\}" "contributors\/\$\{ENTRY\}"/);
    assert.match(copy, /rm -rf \.sre-chaos\/pr-head/);
  });

  it("evaluate is grouped per PR and a new run cancels the stale one", () => {
    const c = wf("evaluate.yml").concurrency;
    assert.equal(c?.group, "evaluate-${{ github.event.pull_request.number }}");
    assert.equal(c?.["cancel-in-progress"], true);
  });

  const writers = [
    { file: "publish.yml", job: "publish" },
    { file: "command.yml", job: "challenge" },
    { file: "rescore.yml", job: "publish" },
  ];
  for (const w of writers) {
    it(`${w.file} ${w.job} writes the results branch in no concurrency group (a pending run is never cancelled)`, () => {
      const x = wf(w.file);
      assert.ok(x.jobs[w.job], "job exists");
      assert.equal(x.jobs[w.job]?.concurrency, undefined);
      if (w.file !== "rescore.yml") assert.equal(x.concurrency, undefined);
    });
  }

  it("no concurrency group is shared between workflows, except the pages deploy both publishers call", () => {
    const owner = new Map<string, string>();
    for (const name of names) {
      const x = wf(name);
      const groups = [x.concurrency?.group, ...Object.values(x.jobs).map((j) => j.concurrency?.group)];
      for (const g of groups.filter((v): v is string => !!v)) {
        assert.ok(!owner.has(g) || owner.get(g) === name, `${g} in ${owner.get(g)} and ${name}`);
        owner.set(g, name);
      }
    }
    assert.equal(owner.get("sre-chaos-pages"), "pages.yml");
  });

  describe("rescore: shards in up to four matrices, one publisher", () => {
    const r = wf("rescore.yml");
    const evaluates = Object.keys(r.jobs).filter((j) => j.startsWith("evaluate-"));
    it(`one evaluate job per matrix the plan can fill (${MAX_GROUPS}), each fed by the plan`, () => {
      assert.deepEqual(
        evaluates,
        Array.from({ length: MAX_GROUPS }, (_, i) => `evaluate-${i + 1}`),
      );
      const plan = r.jobs.plan?.steps?.find((s) => s.with?.mode === "rescore-matrix");
      assert.deepEqual(
        [plan?.with?.shards, plan?.with?.["max-parallel"], plan?.with?.["entry-minutes"]],
        [
          "${{ vars.SRE_CHAOS_RESCORE_SHARDS }}",
          "${{ vars.SRE_CHAOS_RESCORE_PARALLEL }}",
          "${{ vars.SRE_CHAOS_RESCORE_ENTRY_MINUTES }}",
        ],
      );
      for (const [i, id] of evaluates.entries()) {
        const j = r.jobs[id]!;
        assert.equal(r.jobs.plan?.outputs?.[`matrix-${i + 1}`], `\${{ steps.plan.outputs.matrix-${i + 1} }}`);
        assert.equal(j.uses, "./.github/workflows/rescore-shard.yml", id);
        assert.equal(j.strategy?.matrix, `\${{ fromJSON(needs.plan.outputs.matrix-${i + 1}) }}`, id);
        assert.equal(j.strategy?.["max-parallel"], "${{ fromJSON(needs.plan.outputs.max-parallel) }}", id);
        assert.equal(j.strategy?.["fail-fast"], false, id);
        assert.equal(j.with?.shard, "${{ matrix.shard }}", id);
        assert.equal(j.with?.shards, "${{ fromJSON(needs.plan.outputs.shards) }}", id);
        assert.match(
          j.if ?? "",
          new RegExp(`fromJSON\\(needs\\.plan\\.outputs\\.matrix-${i + 1}\\)\\.include\\[0\\] != null`),
        );
        // One matrix after the other (max-parallel holds for the whole rescore), and a failed
        // shard of an earlier one does not skip the later ones.
        if (i > 0) {
          assert.deepEqual(j.needs, ["plan", `evaluate-${i}`], id);
          assert.match(j.if ?? "", /^\$\{\{ !cancelled\(\) && needs\.plan\.result == 'success' && /, id);
        }
      }
    });

    it("the publisher waits for every matrix, runs after failed shards, and downloads every shard unmerged", () => {
      const p = r.jobs.publish!;
      assert.deepEqual(p.needs, ["plan", ...evaluates]);
      assert.match(p.if ?? "", /^\$\{\{ !cancelled\(\) && needs\.plan\.result == 'success'/);
      const dl = p.steps?.find((s) => s.uses?.startsWith("actions/download-artifact@"));
      assert.equal(dl?.with?.pattern, `${SHARD_ARTIFACT_PREFIX}*`);
      // Merged, the folders of every shard would mix: the publisher could not tell who wrote what.
      assert.equal(dl?.with?.["merge-multiple"], undefined);
      // The plan's artifact matches too: with two matches or more, each unpacks into its folder.
      const planUp = r.jobs.plan?.steps?.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
      assert.equal(planUp?.with?.name, PLAN_ARTIFACT);
      assert.ok(PLAN_ARTIFACT.startsWith(SHARD_ARTIFACT_PREFIX));
      const planStep = r.jobs.plan?.steps?.find((s) => s.with?.mode === "rescore-matrix");
      assert.equal(planUp?.with?.path, planStep?.with?.["artifact-dir"]);
      const pub = p.steps?.find((s) => s.with?.mode === "publish");
      assert.equal(pub?.with?.shards, "${{ needs.plan.outputs.shards }}");
      assert.equal(pub?.with?.["artifact-dir"], dl?.with?.path);
    });

    it("a shard job uploads one artifact named for its shard, also after a failed entry", () => {
      const job = wf("rescore-shard.yml").jobs.evaluate!;
      assert.equal(job["timeout-minutes"], "${{ inputs.timeout-minutes }}");
      const steps = job.steps ?? [];
      const shard = steps.find((s) => s.with?.mode === "rescore-shard");
      assert.deepEqual(
        [shard?.with?.shard, shard?.with?.shards],
        ["${{ inputs.shard }}", "${{ inputs.shards }}"],
      );
      const up = steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
      assert.equal(up?.with?.name, `${SHARD_ARTIFACT_PREFIX}\${{ inputs.shard }}`);
      assert.equal(up?.with?.path, shard?.with?.["artifact-dir"]);
      assert.equal(up?.if, "${{ !cancelled() }}");
      // A re-run of a failed shard uploads the same name again.
      assert.equal(up?.with?.overwrite, true);
    });
  });

  // command.yml's if: is `body == 'X' || startsWith(body, 'Y')`; GitHub compares strings ignoring case.
  const cond = wf("command.yml").jobs.challenge?.if ?? "";
  const equals = [...cond.matchAll(/github\.event\.comment\.body == '([^']*)'/g)].map((m) => m[1]!);
  const prefixes = [...cond.matchAll(/startsWith\(github\.event\.comment\.body, '([^']*)'\)/g)].map(
    (m) => m[1]!,
  );
  const workflowIf = (body: string) =>
    equals.some((e) => body.toLowerCase() === e.toLowerCase()) ||
    prefixes.some((p) => body.toLowerCase().startsWith(p.toLowerCase()));
  const bodies = [
    "/challenge robust-service",
    "/Challenge robust-service",
    "/CHALLENGE longest-upkeep",
    "/challenge",
    "/Challenge",
    "/challenges robust-service",
    "/challengerobust-service",
    "/challenge\trobust-service",
    "/challenge\nrobust-service",
    " /challenge robust-service",
    "thanks\n/challenge robust-service",
    "looks good",
  ];
  it("command.yml's if: has the two expected tests", () => {
    assert.deepEqual([equals, prefixes], [["/challenge"], ["/challenge "]]);
    assert.match(cond, /^github\.event\.issue\.pull_request && \(/);
  });
  for (const body of bodies) {
    it(`command.yml's if: and the parser agree on ${JSON.stringify(body)}`, () => {
      assert.equal(workflowIf(body), isChallengeCommand(body));
    });
  }
});
