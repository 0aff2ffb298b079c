import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveRequest, serveStatic } from "../../../site/serve.ts";

test("resolveRequest stays inside the root and the base path", () => {
  const cases: { base: string; url: string; expected: string | null }[] = [
    { base: "/", url: "/", expected: "/srv" },
    { base: "/", url: "/board/x/", expected: "/srv/board/x" },
    { base: "/", url: "/site.css?v=1", expected: "/srv/site.css" },
    { base: "/repo/", url: "/repo/c/alice/", expected: "/srv/c/alice" },
    { base: "/repo/", url: "/other/", expected: null },
    { base: "/", url: "/../etc/passwd", expected: null },
    { base: "/", url: "/%2e%2e/%2e%2e/etc/passwd", expected: null },
    { base: "/repo/", url: "/repo/..%2f..%2fetc/passwd", expected: null },
    { base: "/repo/", url: "/repo/a/../site.css", expected: "/srv/site.css" },
    { base: "/", url: "/a%00b", expected: null },
    { base: "/", url: "/%E0%A4%A", expected: null },
  ];
  for (const c of cases)
    assert.equal(resolveRequest("/srv", c.base, c.url), c.expected, `${c.base} ${c.url}`);
});

/** A raw GET (no URL normalisation by the client, so `..` reaches the server as sent). */
function get(port: number, path: string): Promise<{ status: number; body: string; location?: string }> {
  return new Promise((ok, fail) => {
    const req = request({ host: "127.0.0.1", port, path, method: "GET" }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => ok({ status: res.statusCode ?? 0, body, location: res.headers.location }));
    });
    req.on("error", fail);
    req.end();
  });
}

test("the server serves pages under the base path and nothing else", async () => {
  const root = mkdtempSync(join(tmpdir(), "site-serve-"));
  const outside = mkdtempSync(join(tmpdir(), "site-secret-"));
  writeFileSync(join(outside, "secret.txt"), "secret");
  mkdirSync(join(root, "board/x"), { recursive: true });
  writeFileSync(join(root, "index.html"), "<p>home</p>");
  writeFileSync(join(root, "board/x/index.html"), "<p>board</p>");
  writeFileSync(join(root, "site.css"), "body{}");
  const srv = await serveStatic(root, "/repo/", 0);
  try {
    const port = Number(new URL(srv.url).port);
    assert.match(srv.url, /^http:\/\/127\.0\.0\.1:\d+\/repo\/$/);
    assert.equal((await get(port, "/repo/")).body, "<p>home</p>");
    assert.equal((await get(port, "/repo/board/x/")).body, "<p>board</p>");
    assert.deepEqual(await get(port, "/repo/board/x"), { status: 301, body: "", location: "/repo/board/x/" });
    assert.equal((await get(port, "/")).location, "/repo/");
    assert.equal((await get(port, "/repo/nope/")).status, 404);
    const rel = `../${outside.split("/").pop()}/secret.txt`;
    for (const p of [
      `/repo/${rel}`,
      `/repo/${encodeURIComponent(rel)}`,
      `/repo/..%2f..%2f..%2fetc%2fpasswd`,
    ]) {
      const r = await get(port, p);
      assert.equal(r.status, 404, p);
      assert.doesNotMatch(r.body, /secret|root:/, p);
    }
  } finally {
    await srv.close();
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  }
});
