/**
 * The leaderboard in a real browser: Debian's Chromium driven by playwright-core. Builds the fixture
 * site under a base path, serves it with the site's own server on 127.0.0.1, then crawls every page:
 * no console errors, no CSP violations, no failed request, every internal link resolves, the hostile
 * description is text and no dialog ever opens. Screenshots go to test-artifacts/ (git-ignored).
 * Fails (never skips) when Chromium is missing: tools/install-test-deps.sh installs it.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { buildSite } from "../../site/build.ts";
import { serveStatic, type StaticServer } from "../../site/serve.ts";
import { HOSTILE } from "../fixtures/results/generate.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const FIXTURES = join(ROOT, "test/fixtures/results");
const ARTIFACTS = join(ROOT, "test-artifacts");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const BASE = "/sre-chaos/";
const HOSTILE_RUN = "run/20261103T090000Z-00015445.html";

let out: string;
let server: StaticServer;
let browser: Browser;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}: run tools/install-test-deps.sh`);
  out = mkdtempSync(join(tmpdir(), "site-e2e-"));
  const r = await buildSite({ resultsDir: FIXTURES, outDir: out, basePath: BASE });
  assert.equal(r.skipped.length, 1, "the invalid fixture record is skipped");
  server = await serveStatic(out, BASE, 0);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

/** Every page the build wrote, as URL paths under the base: a folder's index.html by the folder's. */
function builtPages(dir: string, prefix = ""): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return builtPages(p, `${prefix}${n}/`);
    if (n === "index.html") return [`${BASE}${prefix}`];
    return n.endsWith(".html") ? [`${BASE}${prefix}${n}`] : [];
  });
}

/** A URL path that is a page (crawled), not a stylesheet or other file (only fetched). */
const isPage = (path: string) => path.endsWith("/") || path.endsWith(".html");

test("every page loads cleanly, every internal link resolves, nothing runs", async () => {
  const origin = new URL(server.url).origin;
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems: string[] = [];
  const dialogs: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning")
      problems.push(`${page.url()}: console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`${page.url()}: page error: ${e.message}`));
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on("requestfailed", (r) => problems.push(`${r.url()}: request failed: ${r.failure()?.errorText}`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`${r.url()}: HTTP ${r.status()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
    );
  });

  const seen = new Set<string>();
  const queue = [new URL(server.url).pathname];
  while (queue.length) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const res = await page.goto(origin + path, { waitUntil: "load" });
    assert.equal(res?.status(), 200, `${path} → ${res?.status()}`);
    assert.equal(await page.locator("script").count(), 0, `${path} has no script element`);
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
    assert.match(csp ?? "", /default-src 'none'/, `${path} carries the CSP`);
    const hrefs = await page
      .locator("a[href], link[href]")
      .evaluateAll((els) => els.map((e) => (e as HTMLAnchorElement).href));
    for (const href of hrefs) {
      const u = new URL(href);
      if (u.protocol === "data:") continue;
      assert.equal(u.origin, origin, `${path}: link leaves the site: ${href}`);
      assert.ok(u.pathname.startsWith(BASE), `${path}: link outside the base path: ${href}`);
      if (isPage(u.pathname)) {
        if (!seen.has(u.pathname)) queue.push(u.pathname);
      } else {
        const r = await context.request.get(origin + u.pathname);
        assert.equal(r.status(), 200, `${path}: ${href} → ${r.status()}`);
      }
    }
  }
  assert.deepEqual([...seen].sort(), builtPages(out).sort(), "the crawl reached every page, and only those");
  assert.deepEqual(problems, []);

  // The hostile description is shown verbatim, as text, and never became markup.
  await page.goto(`${server.url}${HOSTILE_RUN}`);
  assert.equal((await page.locator(".description").textContent())?.trim(), HOSTILE);
  assert.equal(await page.locator("main img").count(), 0);
  assert.deepEqual(dialogs, [], "no dialog ever opened");

  mkdirSync(ARTIFACTS, { recursive: true });
  await page.setViewportSize({ width: 1200, height: 900 });
  await page.goto(`${server.url}board/robust-service/`);
  await page.screenshot({ path: join(ARTIFACTS, "site-board.png"), fullPage: true });
  await page.goto(`${server.url}${HOSTILE_RUN}`);
  await page.screenshot({ path: join(ARTIFACTS, "site-run.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto(`${server.url}board/robust-service/`);
  await page.screenshot({ path: join(ARTIFACTS, "site-board-phone-dark.png"), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});
