/**
 * Runs a table of black-box cases: each row starts its own fake API and results remote, seeds them,
 * starts the bundled action once (or several times, `runs`) and checks the exit status, the error,
 * the exact API calls (method and path), the outputs, the job summary and the results branch. Every
 * row also checks what no run may ever do: leave the token on disk or dispatch a workflow.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { FakeState } from "./fake-api.ts";
import { REPOSITORY } from "./payloads.ts";
import { Runner, type Launch, type Outcome } from "./runner.ts";

export interface Row {
  name: string;
  state?: Partial<FakeState>;
  /** Files on the results branch before the action runs. */
  seed?: Record<string, string>;
  /** Runs before the launch the row checks (earlier launches; their API calls are not part of `calls`). */
  before?: (r: Runner) => Promise<unknown>;
  launch: (r: Runner) => Launch;
  status: 0 | 1;
  /** The `::error::` message of a failed run. */
  error?: RegExp;
  /** Every API call of the checked launch, in order: `METHOD path` (path relative to the repository). */
  calls: (string | RegExp)[];
  outputs?: Record<string, string>;
  summary?: RegExp;
  /** Commits the checked launch adds to the results branch, and the files the branch then holds. */
  results?: { commits: number; files?: string[] };
  check?: (r: Runner, o: Outcome) => void | Promise<void>;
}

/** Every file under `dir`, with its text. */
function* walk(dir: string): Generator<[string, Buffer]> {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (st?.isDirectory()) yield* walk(p);
    else if (st?.isFile()) yield [p, readFileSync(p)];
  }
}

/** The invariants of every run: no token on disk (the results clone's .git/config first), no dispatch. */
export function assertNoLeaks(r: Runner): void {
  for (const [p, bytes] of walk(r.runnerTemp)) {
    assert.ok(!bytes.includes(r.token), `the token is written in ${path.relative(r.runnerTemp, p)}`);
  }
  assert.deepEqual(
    r.fake.lines().filter((l) => /dispatches/.test(l)),
    [],
    "no workflow is dispatched",
  );
}

/** Launches one after another (for `before`). */
export async function runAll(r: Runner, launches: Launch[]): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const l of launches) out.push(await r.run(l));
  return out;
}

export function runTable(title: string, rows: Row[]): void {
  describe(title, { concurrency: 4 }, () => {
    for (const row of rows) {
      it(row.name, async () => {
        const r = await new Runner(REPOSITORY).start(row.state ?? {});
        try {
          if (row.seed) r.seed(row.seed);
          await row.before?.(r);
          const commitsBefore = r.commits();
          const callsBefore = r.fake.calls.length;
          const out = await r.run(row.launch(r));
          const detail = `stdout:\n${out.stdout}\nstderr:\n${out.stderr}`;
          assert.equal(out.status, row.status, detail);
          if (row.error) assert.match(out.errors.join("\n"), row.error, detail);
          if (row.status === 0) assert.deepEqual(out.errors, [], detail);
          const calls = r.fake.calls.slice(callsBefore).map((c) => `${c.method} ${c.path}`);
          const want = row.calls.map((c, i) =>
            typeof c === "string" || !c.test(calls[i] ?? "") ? c : calls[i],
          );
          assert.deepEqual(calls, want, detail);
          for (const [k, v] of Object.entries(row.outputs ?? {}))
            assert.equal(out.outputs[k], v, `output ${k}`);
          if (row.summary) assert.match(out.summary, row.summary);
          if (row.results) {
            assert.equal(r.commits() - commitsBefore, row.results.commits, "commits added to results");
            if (row.results.files) assert.deepEqual(r.files(), [...row.results.files].sort());
          }
          await row.check?.(r, out);
          assertNoLeaks(r);
        } finally {
          await r.close();
        }
      });
    }
  });
}

/** A number as it appears in the action's text, escaped for a RegExp. */
export const esc = (n: number | string) => String(n).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
