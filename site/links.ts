/**
 * Links between pages. Every page lives at `<dir>/index.html`; links point at directories (`board/x/`).
 * With a base path (a Pages project site, e.g. `/repo/`) links are absolute under it; without one they
 * are relative to the page, so the site also works from any sub-path it is copied to.
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

/** Builds hrefs from one page (a directory like `board/x/`, or `` for the root) to another. */
export class Linker {
  constructor(private readonly basePath: string | null) {}

  /** The href from page directory `from` to page directory (or file) `to`. */
  href(from: string, to: string): string {
    if (this.basePath) return this.basePath + to;
    const depth = from.split("/").filter(Boolean).length;
    const up = "../".repeat(depth);
    return up + to || "./";
  }
}

/** Page directories, in one place so the view-model and the build agree. */
export const paths = {
  index: "",
  scoring: "scoring/",
  board: (challenge: string, page = 1) =>
    page <= 1 ? `board/${challenge}/` : `board/${challenge}/page/${page}/`,
  contributor: (login: string) => `c/${login}/`,
  run: (runId: string) => `run/${runId}/`,
  css: "site.css",
};
