/**
 * The REST routes of the fake (fake-api.ts), as GitHub's REST documentation describes them: each
 * answers from the row's state, in GitHub's JSON shapes; list routes are paginated by the server.
 */
import type { FakeApi, FakePull, FakeState, Recorded } from "./fake-api.ts";

function restPull(p: FakePull, base: string) {
  return {
    number: p.number,
    state: p.state,
    html_url: `${base}/${p.headRepo}/pull/${p.number}`,
    user: { login: p.author, type: "User" },
    head: { sha: p.headSha, ref: p.headRef, repo: { full_name: p.headRepo } },
    base: { ref: "main" },
  };
}

function restFile(f: string) {
  const [from, to] = f.split(" -> ");
  return to ? { filename: to, previous_filename: from, status: "renamed" } : { filename: f, status: "added" };
}

export type Answer = { status: number; body: unknown; list?: boolean };
type Route = (m: RegExpExecArray, req: Recorded, s: FakeState, api: FakeApi) => Answer;
const ok = (body: unknown, list = false): Answer => ({ status: 200, body, list });
const notFound: Answer = { status: 404, body: { message: "Not Found" } };
/** GitHub's answer to a comment body above its limit. */
const tooLong = (body: string): Answer | null =>
  body.length > 65_536
    ? { status: 422, body: { message: "Validation Failed: body is too long (maximum is 65536 characters)" } }
    : null;

let nextId = 5_000_000;

/** Routes relative to /repos/<owner>/<repo>/ (empty string = the repository itself). */
export const ROUTES: [string, RegExp, Route][] = [
  ["GET", /^$/, () => ok({ default_branch: "main", full_name: "" })],
  [
    "GET",
    /^commits\/([0-9a-f]{40})\/pulls$/,
    (m, _r, s, a) =>
      ok(
        s.pulls.filter((p) => p.headSha === m[1] && !p.unassociated).map((p) => restPull(p, a.url)),
        true,
      ),
  ],
  [
    "GET",
    /^pulls$/,
    (_m, r, s, a) =>
      ok(
        s.pulls
          .filter((p) => (r.query.state ?? "open") === "all" || p.state === (r.query.state ?? "open"))
          .map((p) => restPull(p, a.url)),
        true,
      ),
  ],
  [
    "GET",
    /^pulls\/(\d+)$/,
    (m, _r, s, a) => {
      const p = s.pulls.find((x) => x.number === Number(m[1]));
      return p ? ok(restPull(p, a.url)) : notFound;
    },
  ],
  ["GET", /^pulls\/(\d+)\/files$/, (m, _r, s) => ok((s.files[Number(m[1])] ?? []).map(restFile), true)],
  [
    "GET",
    /^git\/trees\/([0-9a-f]{40})$/,
    (m, _r, s) =>
      ok({
        sha: m[1],
        truncated: false,
        tree: (s.trees[m[1]!] ?? []).map((t) => {
          const [p, mode = "100644"] = t.split(" ");
          return { path: p, mode, type: mode === "160000" ? "commit" : mode === "040000" ? "tree" : "blob" };
        }),
      }),
  ],
  [
    "GET",
    /^collaborators\/([^/]+)\/permission$/,
    (m, _r, s) => {
      const role = s.permissions[m[1]!] ?? "none";
      const legacy = role === "maintain" ? "write" : role === "triage" ? "read" : role;
      return ok({ permission: legacy, role_name: role, user: { login: m[1] } });
    },
  ],
  [
    "GET",
    /^issues\/(\d+)\/comments$/,
    (m, _r, s) =>
      ok(
        (s.comments[Number(m[1])] ?? []).map((c) => ({
          id: c.id,
          body: c.body,
          user: { login: c.user, type: c.type ?? (c.user.endsWith("[bot]") ? "Bot" : "User") },
        })),
        true,
      ),
  ],
  [
    "POST",
    /^issues\/(\d+)\/comments$/,
    (m, r, s) => {
      const body = String((r.body as { body?: string }).body);
      const refused = tooLong(body);
      if (refused) return refused;
      const c = { id: nextId++, body, user: "github-actions[bot]", type: "Bot" as const };
      (s.comments[Number(m[1])] ??= []).push(c);
      return { status: 201, body: { id: c.id, body: c.body, user: { login: c.user, type: c.type } } };
    },
  ],
  [
    "PATCH",
    /^issues\/comments\/(\d+)$/,
    (m, r, s) => {
      const c = Object.values(s.comments)
        .flat()
        .find((x) => x.id === Number(m[1]));
      if (!c) return notFound;
      const body = String((r.body as { body?: string }).body);
      const refused = tooLong(body);
      if (refused) return refused;
      c.body = body;
      return ok({ id: c.id, body: c.body });
    },
  ],
  [
    "POST",
    /^issues\/comments\/(\d+)\/reactions$/,
    (m, r) => ({
      status: 201,
      body: { id: nextId++, content: (r.body as { content?: string }).content, comment: m[1] },
    }),
  ],
  [
    "GET",
    /^actions\/workflows\/([^/]+)\/runs$/,
    (m, r, s) => {
      const runs = (s.runs[m[1]!] ?? []).filter(
        (w) =>
          (!r.query.event || w.event === r.query.event) &&
          (!r.query.head_sha || w.headSha === r.query.head_sha),
      );
      return ok({
        total_count: runs.length,
        workflow_runs: runs.map((w) => ({
          id: w.id,
          event: w.event,
          head_sha: w.headSha,
          status: w.status,
          created_at: w.createdAt,
        })),
      });
    },
  ],
  ["POST", /^actions\/runs\/(\d+)\/rerun$/, () => ({ status: 201, body: {} })],
  [
    "GET",
    /^contents\/(.+)$/,
    (m, r, s) => {
      const text = s.contents[`${r.query.ref ?? "main"}:${m[1]}`];
      if (text === undefined) return notFound;
      return ok({
        type: "file",
        encoding: "base64",
        size: text.length,
        content: Buffer.from(text).toString("base64"),
      });
    },
  ],
];
