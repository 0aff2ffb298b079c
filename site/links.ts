/**
 * Links between pages. A page's path is either a directory (`board/x/`, `` for the root), served as
 * its `index.html`, or a file (`run/<id>.html`): the few overview pages get directory URLs, the
 * thousands of per-login pages are plain files, because a folder per page made creating folders most
 * of a big build's time (docs/SITE.md). With a base path (a Pages project site, e.g. `/repo/`) links
 * are absolute under it; without one they are relative to the page, so the site also works from any
 * sub-path it is copied to.
 */

/** Normalises a base path to `/x/y/` form, or `null` for none. Throws on anything that is not a plain path. */
export function normalizeBasePath(raw: string | undefined | null): string | null {
  if (raw === undefined || raw === null || raw === "") return null;
  if (!/^\/?[A-Za-z0-9._~\-/]*$/.test(raw) || raw.split("/").some((s) => s === "." || s === "..")) {
    throw new Error(`base path "${raw}" must be a plain URL path like /repo/`);
  }
  const trimmed = raw.replace(/^\/+|\/+$/g, "");
  return trimmed ? `/${trimmed}/` : "/";
}

/** Builds hrefs from one page (`board/x/`, `run/<id>.html`, or `` for the root) to another. */
export class Linker {
  constructor(private readonly basePath: string | null) {}

  /** The href from page `from` to page (or file) `to`. */
  href(from: string, to: string): string {
    if (this.basePath) return this.basePath + to;
    const depth = from.split("/").length - 1;
    const up = "../".repeat(depth);
    return up + to || "./";
  }
}

/** Page paths, in one place so the view-model, the build and the PR comment's link agree. */
export const paths = {
  index: "",
  scoring: "scoring/",
  board: (challenge: string, page = 1) =>
    page <= 1 ? `board/${challenge}/` : `board/${challenge}/page/${page}/`,
  contributor: (login: string) => `c/${login}.html`,
  run: (runId: string) => `run/${runId}.html`,
  css: "site.css",
};

/** The file a page path is written to: a directory's `index.html`, or the file itself. */
export function pageFile(path: string): string {
  return path === "" || path.endsWith("/") ? `${path}index.html` : path;
}
