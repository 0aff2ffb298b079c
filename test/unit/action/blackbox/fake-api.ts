/**
 * A recording fake of the GitHub REST API on a real HTTP server (127.0.0.1, a random port), written
 * from GitHub's REST documentation rather than from the action's wrapper: the bundled action talks
 * to it through Octokit exactly as it talks to api.github.com. It serves one table row's state,
 * paginates list endpoints with `Link` headers, and records every request (method, path relative to
 * the repository, body). The same server answers git's smart HTTP for the results remote
 * (git-http.ts), so the results branch is pushed the way a runner pushes it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ROUTES } from "./fake-routes.ts";
import { serveGit, type GitRequest } from "./git-http.ts";

export interface FakePull {
  number: number;
  state: "open" | "closed";
  author: string;
  headSha: string;
  /** `owner/name` of the head repository. */
  headRepo: string;
  headRef: string;
  /** GitHub has not associated the head commit with the PR yet (commits/{sha}/pulls omits it). */
  unassociated?: boolean;
}

export interface FakeComment {
  id: number;
  body: string;
  user: string;
  type?: "User" | "Bot";
}

export interface FakeRun {
  id: number;
  event: string;
  headSha: string;
  status: string;
  createdAt: string;
}

/** One table row's view of the repository on GitHub. */
export interface FakeState {
  pulls: FakePull[];
  /** Changed files per PR: a path, or `old -> new` for a rename. */
  files: Record<number, string[]>;
  /** The recursive tree per commit: `path` (a file) or `path mode`. */
  trees: Record<string, string[]>;
  permissions: Record<string, string>;
  comments: Record<number, FakeComment[]>;
  /** Runs per workflow file. */
  runs: Record<string, FakeRun[]>;
  /** `<ref>:<path>` → file text (the contents API). */
  contents: Record<string, string>;
  /** `METHOD relative/path` → the error GitHub answers instead. */
  fail: Record<string, { status: number; message: string }>;
}

/** One request as the fake saw it; `path` is relative to /repos/<owner>/<repo>/ when it is under it. */
export interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

export interface FakeApi {
  url: string;
  state: FakeState;
  calls: Recorded[];
  git: GitRequest[];
  /** `METHOD path` of every API call, in order. */
  lines(): string[];
  close(): Promise<void>;
}

const PAGE = 30;

function emptyState(): FakeState {
  return { pulls: [], files: {}, trees: {}, permissions: {}, comments: {}, runs: {}, contents: {}, fail: {} };
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Starts the fake for `owner/repo`; `git.root` holds `<owner>/<repo>.git`, the results remote, pushed with `git.token`. */
export async function startFakeApi(
  repository: string,
  git: { root: string; token: string },
  state: Partial<FakeState> = {},
): Promise<FakeApi> {
  const prefix = `/repos/${repository}`;
  const api: FakeApi = {
    url: "",
    state: { ...emptyState(), ...structuredClone(state) },
    calls: [],
    git: [],
    lines: () => api.calls.map((c) => `${c.method} ${c.path}`),
    close: () => new Promise((r) => server.close(() => r())),
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", api.url);
    const raw = await readBody(req);
    if (/^\/[^/]+\/[^/]+\.git\//.test(url.pathname))
      return serveGit(req, res, url, raw, git.root, git.token, api.git);
    const rel =
      url.pathname === prefix
        ? ""
        : url.pathname.startsWith(`${prefix}/`)
          ? url.pathname.slice(prefix.length + 1)
          : url.pathname;
    const call: Recorded = {
      method: req.method ?? "GET",
      path: decodeURIComponent(rel),
      query: Object.fromEntries(url.searchParams),
      body: raw.length ? JSON.parse(raw.toString("utf8")) : null,
    };
    api.calls.push(call);
    const failure = api.state.fail[`${call.method} ${call.path}`];
    if (failure)
      return send(res, failure.status, {
        message: failure.message,
        documentation_url: "https://docs.github.com/rest",
      });
    const route = ROUTES.find(([method, re]) => method === call.method && re.test(call.path));
    if (!route || !url.pathname.startsWith(prefix)) return send(res, 404, { message: "Not Found" });
    const answer = route[2](route[1].exec(call.path)!, call, api.state, api);
    if (!answer.list || !Array.isArray(answer.body)) return send(res, answer.status, answer.body);
    const per = Number(call.query.per_page ?? PAGE);
    const page = Number(call.query.page ?? 1);
    const rows = answer.body.slice((page - 1) * per, page * per);
    const headers: Record<string, string> = {};
    if (page * per < answer.body.length) {
      const next = new URL(url);
      next.searchParams.set("page", String(page + 1));
      headers.link = `<${next.href}>; rel="next"`;
    }
    send(res, answer.status, rows, headers);
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, { message: String(err) }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return api;
}
