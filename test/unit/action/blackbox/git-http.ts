/**
 * git's smart HTTP for the fake's server: each request goes to `git http-backend` (the CGI program
 * git ships), so the action's fetches and pushes of the results branch reach a real bare
 * repository over HTTP, with the credentials a runner would send. A request without the expected
 * basic credentials is answered 401, as GitHub does.
 */
import { spawn } from "node:child_process";
import type { IncomingMessage, ServerResponse } from "node:http";

export interface GitRequest {
  method: string;
  path: string;
  /** The user name and password of the basic credentials, or null when none were sent. */
  credentials: string | null;
}

function credentialsOf(req: IncomingMessage): string | null {
  const h = req.headers.authorization ?? "";
  const m = /^basic (.+)$/i.exec(h);
  return m ? Buffer.from(m[1]!, "base64").toString("utf8") : null;
}

export function serveGit(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: Buffer,
  gitRoot: string,
  token: string,
  log: GitRequest[],
): void {
  const credentials = credentialsOf(req);
  log.push({ method: req.method ?? "GET", path: url.pathname, credentials });
  if (credentials !== `x-access-token:${token}`) {
    res.writeHead(401, { "www-authenticate": 'Basic realm="GitHub"' });
    res.end("Invalid username or token.\n");
    return;
  }
  const child = spawn("git", ["http-backend"], {
    env: {
      PATH: process.env.PATH ?? "",
      GIT_PROJECT_ROOT: gitRoot,
      GIT_HTTP_EXPORT_ALL: "1",
      REMOTE_USER: "x-access-token",
      REMOTE_ADDR: "127.0.0.1",
      REQUEST_METHOD: req.method ?? "GET",
      PATH_INFO: url.pathname,
      QUERY_STRING: url.search.replace(/^\?/, ""),
      CONTENT_TYPE: req.headers["content-type"] ?? "",
      CONTENT_LENGTH: String(body.length),
      HTTP_CONTENT_ENCODING: String(req.headers["content-encoding"] ?? ""),
      HTTP_GIT_PROTOCOL: String(req.headers["git-protocol"] ?? ""),
    },
  });
  const out: Buffer[] = [];
  child.stdout.on("data", (c: Buffer) => out.push(c));
  child.stderr.resume();
  // http-backend may answer before it reads the whole request (a refusal): not our error.
  child.stdin.on("error", () => undefined);
  child.stdin.end(body);
  child.on("close", () => {
    const all = Buffer.concat(out);
    const split = all.indexOf("\r\n\r\n");
    const head = all.subarray(0, split).toString("latin1").split("\r\n");
    const headers: Record<string, string> = {};
    let status = 200;
    for (const line of head) {
      const i = line.indexOf(":");
      const [k, v] = [line.slice(0, i).trim(), line.slice(i + 1).trim()];
      if (k.toLowerCase() === "status") status = Number(v.split(" ")[0]);
      else if (k) headers[k] = v;
    }
    res.writeHead(status, headers);
    res.end(all.subarray(split + 4));
  });
}
