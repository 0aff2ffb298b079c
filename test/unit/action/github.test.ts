import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createGitHubApi, isRetryable, withRetry } from "../../../action/src/github.ts";

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

/** A local stand-in for the REST API: routes by path, counts requests. */
describe("GitHub API wrapper against a local HTTP server", () => {
  let server: Server;
  let base = "";
  const routes = new Map<string, Handler>();
  const hits = new Map<string, number>();
  before(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", base);
      hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
      const h = routes.get(`${req.method} ${url.pathname}`);
      if (!h) {
        res
          .writeHead(404, { "content-type": "application/json" })
          .end(JSON.stringify({ message: "Not Found" }));
        return;
      }
      h(req, res, url);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
    res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
  const api = () => createGitHubApi("t", "o", "r", { baseUrl: base, retry: { baseMs: 1 } });

  it("lists every file of a PR across pages (250 files, 3 pages), renames with their old path", async () => {
    routes.set("GET /repos/o/r/pulls/7/files", (_req, res, url) => {
      const page = Number(url.searchParams.get("page") ?? "1");
      const per = Number(url.searchParams.get("per_page"));
      const all = Array.from({ length: 250 }, (_, i) =>
        i === 249
          ? { filename: "contributors/a/new", previous_filename: "scoring/old", status: "renamed" }
          : { filename: `contributors/a/f${i}`, status: "added" },
      );
      const next =
        page * per < all.length
          ? `<${base}/repos/o/r/pulls/7/files?per_page=${per}&page=${page + 1}>; rel="next"`
          : "";
      json(res, 200, all.slice((page - 1) * per, page * per), next ? { link: next } : {});
    });
    const files = await api().listPullRequestFiles(7);
    assert.equal(files.length, 250);
    assert.equal(hits.get("/repos/o/r/pulls/7/files"), 3);
    assert.deepEqual(files[249], {
      filename: "contributors/a/new",
      status: "renamed",
      previousFilename: "scoring/old",
    });
  });

  it("retries a 502 and a secondary rate limit, then succeeds", async () => {
    let n = 0;
    routes.set("GET /repos/o/r/pulls/8", (_req, res) => {
      n++;
      if (n === 1) return json(res, 502, { message: "Bad Gateway" });
      if (n === 2) return json(res, 403, { message: "You have exceeded a secondary rate limit" });
      json(res, 200, {
        number: 8,
        state: "open",
        user: { login: "al" },
        head: { sha: "f".repeat(40) },
        html_url: "u",
      });
    });
    const pr = await api().getPullRequest(8);
    assert.equal(n, 3);
    assert.deepEqual(pr, {
      number: 8,
      state: "open",
      authorLogin: "al",
      headSha: "f".repeat(40),
      htmlUrl: "u",
    });
  });

  it("gives up after 4 attempts of 500, and never retries a 404", async () => {
    let n = 0;
    routes.set("GET /repos/o/r/pulls/9", (_req, res) => {
      n++;
      json(res, 500, { message: "boom" });
    });
    await assert.rejects(api().getPullRequest(9), (e: { status?: number }) => e.status === 500);
    assert.equal(n, 4);
    hits.clear();
    await assert.rejects(api().getPullRequest(10), (e: { status?: number }) => e.status === 404);
    assert.equal(hits.get("/repos/o/r/pulls/10"), 1);
  });

  const endpointErrors = [
    {
      case: "a 500 after the retries",
      route: "GET /repos/o/r/pulls/11",
      status: 500,
      call: () => api().getPullRequest(11),
    },
    { case: "a 404", route: "GET /repos/o/r/pulls/12", status: 404, call: () => api().getPullRequest(12) },
    {
      case: "a refused re-run",
      route: "POST /repos/o/r/actions/runs/77/rerun",
      status: 403,
      call: () => api().rerunWorkflowRun(77),
    },
  ];
  for (const t of endpointErrors) {
    it(`an API error names the endpoint and keeps the status: ${t.case}`, async () => {
      routes.set(t.route, (_req, res) => json(res, t.status, { message: "nope" }));
      await assert.rejects(t.call(), (e: Error & { status?: number }) => {
        assert.match(e.message, new RegExp(`^GitHub API ${t.route} failed \\(${t.status}\\): nope`));
        assert.equal(e.status, t.status);
        return true;
      });
    });
  }

  it("lists a workflow's runs for one event and head, newest first, and re-runs one", async () => {
    let query = "";
    routes.set("GET /repos/o/r/actions/workflows/evaluate.yml/runs", (req, res) => {
      query = new URL(req.url ?? "", "http://x").search;
      json(res, 200, {
        total_count: 2,
        workflow_runs: [
          {
            id: 1,
            event: "pull_request",
            head_sha: "a".repeat(40),
            status: "completed",
            created_at: "2026-01-01T00:00:00Z",
          },
          {
            id: 2,
            event: "pull_request",
            head_sha: "a".repeat(40),
            status: "queued",
            created_at: "2026-01-02T00:00:00Z",
          },
        ],
      });
    });
    routes.set("POST /repos/o/r/actions/runs/2/rerun", (_req, res) => json(res, 201, {}));
    const runs = await api().listWorkflowRuns("evaluate.yml", {
      event: "pull_request",
      headSha: "a".repeat(40),
    });
    assert.match(query, /event=pull_request/);
    assert.match(query, new RegExp(`head_sha=${"a".repeat(40)}`));
    assert.deepEqual(
      runs.map((r) => [r.id, r.status]),
      [
        [2, "queued"],
        [1, "completed"],
      ],
    );
    await api().rerunWorkflowRun(2);
    assert.equal(hits.get("/repos/o/r/actions/runs/2/rerun"), 1);
  });

  it("reads role_name for the permission and maps a non-collaborator (404) to none", async () => {
    routes.set("GET /repos/o/r/collaborators/m/permission", (_req, res) =>
      json(res, 200, { permission: "write", role_name: "maintain", user: { login: "m" } }),
    );
    assert.equal(await api().getCollaboratorPermission("m"), "maintain");
    assert.equal(await api().getCollaboratorPermission("nobody"), "none");
  });

  it("finds a fork PR by its head among the open PRs when the commit has no association", async () => {
    const sha = "e".repeat(40);
    routes.set(`GET /repos/o/r/commits/${sha}/pulls`, (_req, res) => json(res, 200, []));
    routes.set("GET /repos/o/r/pulls", (_req, res) =>
      json(res, 200, [
        { number: 1, state: "open", user: { login: "x" }, head: { sha: "1".repeat(40) }, html_url: "" },
        { number: 2, state: "open", user: { login: "y" }, head: { sha }, html_url: "" },
      ]),
    );
    const prs = await api().findPullRequestsForSha(sha);
    assert.deepEqual(
      prs.map((p) => p.number),
      [2],
    );
  });

  it("reads a PR's head repository and branch (publish matches on both), and none of a deleted fork", async () => {
    const sha = "d".repeat(40);
    routes.set(`GET /repos/o/r/commits/${sha}/pulls`, (_req, res) =>
      json(res, 200, [
        {
          number: 3,
          state: "open",
          user: { login: "x" },
          head: { sha, ref: "feature", repo: { full_name: "x/fork" } },
          html_url: "",
        },
        {
          number: 4,
          state: "open",
          user: { login: "y" },
          head: { sha, ref: "gone", repo: null },
          html_url: "",
        },
      ]),
    );
    const prs = await api().findPullRequestsForSha(sha);
    assert.deepEqual(
      prs.map((p) => [p.number, p.headRepo, p.headRef]),
      [
        [3, "x/fork", "feature"],
        [4, undefined, "gone"],
      ],
    );
  });

  const retryTable = [
    { case: "500", err: { status: 500 }, expected: true },
    { case: "429", err: { status: 429 }, expected: true },
    { case: "403 secondary", err: { status: 403, message: "secondary rate limit" }, expected: true },
    { case: "403 forbidden", err: { status: 403, message: "Resource not accessible" }, expected: false },
    { case: "404", err: { status: 404 }, expected: false },
    { case: "no status", err: new Error("x"), expected: false },
  ];
  for (const t of retryTable) {
    it(`isRetryable: ${t.case}`, () => assert.equal(isRetryable(t.err), t.expected));
  }

  it("withRetry honours retry-after and caps the wait", async () => {
    const waits: number[] = [];
    let n = 0;
    const out = await withRetry(
      async () => {
        if (n++ < 2) throw { status: 429, response: { headers: { "retry-after": n === 1 ? "3" : "999" } } };
        return "ok";
      },
      { sleep: async (ms) => void waits.push(ms) },
    );
    assert.equal(out, "ok");
    assert.deepEqual(waits, [3000, 60000]);
  });
});
