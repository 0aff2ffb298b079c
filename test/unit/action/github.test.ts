import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createGitHubApi } from "../../../action/src/github.ts";

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
  // backoffUnitMs 0: the plugins' waits are computed (and logged) but never slept.
  let logged: string[] = [];
  const api = () =>
    createGitHubApi("t", "o", "r", { baseUrl: base, backoffUnitMs: 0, log: (l) => logged.push(l) });

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

  it("retries a failed page on its own: the pages before it are not fetched again", async () => {
    const pages: number[] = [];
    let failures = 1;
    routes.set("GET /repos/o/r/issues/5/comments", (_req, res, url) => {
      const page = Number(url.searchParams.get("page") ?? "1");
      pages.push(page);
      if (page === 2 && failures-- > 0) return json(res, 502, { message: "Bad Gateway" });
      const next = `<${base}/repos/o/r/issues/5/comments?per_page=100&page=${page + 1}>; rel="next"`;
      json(res, 200, [{ id: page, body: `p${page}`, user: { login: "u" } }], page < 3 ? { link: next } : {});
    });
    const comments = await api().listIssueComments(5);
    assert.deepEqual(
      comments.map((c) => c.id),
      [1, 2, 3],
    );
    assert.deepEqual(pages, [1, 2, 2, 3]);
  });

  const limits = [
    {
      case: "a secondary rate limit (403) waits what retry-after says",
      status: 403,
      message: "You have exceeded a secondary rate limit",
      headers: { "retry-after": "3" } as Record<string, string>,
      expected: [
        "GitHub secondary rate limit on GET /repos/{owner}/{repo}/pulls/{pull_number}: retrying in 3 s (retry 1 of 2)",
      ],
    },
    {
      case: "a secondary rate limit without retry-after waits a minute",
      status: 429,
      message: "secondary rate limit",
      headers: {},
      expected: [
        "GitHub secondary rate limit on GET /repos/{owner}/{repo}/pulls/{pull_number}: retrying in 60 s (retry 1 of 2)",
      ],
    },
    {
      case: "an exhausted primary limit waits until the reset",
      status: 403,
      message: "API rate limit exceeded",
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "RESET" } as Record<string, string>,
      expected: [
        /^GitHub primary rate limit on GET \/repos\/\{owner\}\/\{repo\}\/pulls\/\{pull_number\}: retrying in (30|31) s \(retry 1 of 2\)$/,
      ],
    },
  ];
  for (const [i, t] of limits.entries()) {
    it(`rate limits: ${t.case}`, async () => {
      logged = [];
      let n = 0;
      const number = 20 + i;
      routes.set(`GET /repos/o/r/pulls/${number}`, (_req, res) => {
        if (n++ === 0) {
          const reset = String(Math.floor(Date.now() / 1000) + 30);
          const headers = Object.fromEntries(
            Object.entries(t.headers).map(([k, v]) => [k, v.replace("RESET", reset)]),
          );
          return json(res, t.status, { message: t.message }, headers);
        }
        json(res, 200, {
          number,
          state: "open",
          user: { login: "al" },
          head: { sha: "f".repeat(40) },
          html_url: "u",
        });
      });
      assert.equal((await api().getPullRequest(number)).number, number);
      assert.equal(n, 2);
      assert.equal(logged.length, 1);
      const want = t.expected[0]!;
      if (typeof want === "string") assert.equal(logged[0], want);
      else assert.match(logged[0]!, want);
    });
  }

  it("gives up on a secondary rate limit after two retries, or at once when the wait is over two minutes", async () => {
    logged = [];
    let n = 0;
    routes.set("GET /repos/o/r/pulls/30", (_req, res) => {
      n++;
      json(res, 403, { message: "secondary rate limit" }, { "retry-after": "1" });
    });
    await assert.rejects(api().getPullRequest(30), (e: { status?: number }) => e.status === 403);
    assert.equal(n, 3);
    assert.match(logged.at(-1)!, /giving up$/);
    n = 0;
    routes.set("GET /repos/o/r/pulls/31", (_req, res) => {
      n++;
      json(res, 403, { message: "secondary rate limit" }, { "retry-after": "600" });
    });
    await assert.rejects(api().getPullRequest(31), (e: { status?: number }) => e.status === 403);
    assert.equal(n, 1);
  });

  it("never retries a plain 403 (no rate limit) or a 422", async () => {
    for (const [status, number] of [
      [403, 40],
      [422, 41],
    ] as const) {
      let n = 0;
      routes.set(`GET /repos/o/r/pulls/${number}`, (_req, res) => {
        n++;
        json(res, status, { message: "Resource not accessible by integration" });
      });
      await assert.rejects(api().getPullRequest(number), (e: { status?: number }) => e.status === status);
      assert.equal(n, 1, `status ${status}`);
    }
  });
});
