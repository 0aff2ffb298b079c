/**
 * A tiny static server for a built site (`sre-chaos site --serve`, the end-to-end test). Binds to
 * 127.0.0.1 only; serves files under the base path from `root`, never outside it (the resolved path
 * must stay inside root; `..`, encoded or not, cannot climb out). Directories serve their index.html.
 */
import { createServer, type Server } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

/** Maps a request path to a file under root, or null when it is outside the base path or root. */
export function resolveRequest(root: string, basePath: string, urlPath: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(urlPath.split("?")[0]!.split("#")[0]!);
  } catch {
    return null;
  }
  if (path.includes("\0") || !path.startsWith(basePath)) return null;
  const rootAbs = resolve(root);
  const file = resolve(rootAbs, "." + sep + path.slice(basePath.length));
  if (file !== rootAbs && !file.startsWith(rootAbs + sep)) return null;
  return file;
}

export interface StaticServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Serves `root` at `http://127.0.0.1:<port><basePath>`; port 0 picks a free one. */
export async function serveStatic(root: string, basePath = "/", port = 0): Promise<StaticServer> {
  const server = createServer((req, res) => {
    void (async () => {
      const send = (code: number, body: string) => {
        res.writeHead(code, { "content-type": "text/plain; charset=utf-8" }).end(body);
      };
      if (req.method !== "GET" && req.method !== "HEAD") return send(405, "method not allowed\n");
      const url = req.url ?? "/";
      if (url === "/" && basePath !== "/") {
        res.writeHead(302, { location: basePath }).end();
        return;
      }
      let file = resolveRequest(root, basePath, url);
      if (!file) return send(404, "not found\n");
      try {
        let st = await stat(file);
        if (st.isDirectory()) {
          if (!url.split("?")[0]!.endsWith("/")) {
            res.writeHead(301, { location: url.split("?")[0] + "/" }).end();
            return;
          }
          file = join(file, "index.html");
          st = await stat(file);
        }
        if (!st.isFile()) return send(404, "not found\n");
        const body = await readFile(file);
        res.writeHead(200, {
          "content-type": TYPES[extname(file)] ?? "application/octet-stream",
          "content-length": body.length,
          "x-content-type-options": "nosniff",
        });
        res.end(req.method === "HEAD" ? undefined : body);
      } catch {
        send(404, "not found\n");
      }
    })();
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => ok());
  });
  const addr = server.address();
  const actual = typeof addr === "object" && addr ? addr.port : port;
  return {
    server,
    url: `http://127.0.0.1:${actual}${basePath}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
