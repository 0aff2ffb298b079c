/**
 * Renders page models to HTML with Handlebars. Templates live in `site/templates/*.hbs` with
 * partials in `site/templates/partials/`. Every contributor string goes through `{{ }}` (escaped); the
 * only triple-stash is for SVG that charts.ts built and escaped itself.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Handlebars from "handlebars";
import { repoRoot } from "../harness/entry/paths.ts";

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * The folder holding `templates/` and `site.css`: beside this module, or, when this code is bundled
 * (the action's `action/dist/index.js`), the repository's `site/` found from the bundle's location.
 */
export function siteDir(): string {
  return existsSync(join(HERE, "templates")) ? HERE : join(repoRoot(HERE), "site");
}

/** The page kinds with a template of the same name. */
export type PageKind = "index" | "board" | "contributor" | "run" | "scoring";

/** The Content-Security-Policy of every page: no script at all, styles only from the site's file. */
export const CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

/**
 * Compiler options: only our two helpers exist, so Handlebars can call them directly instead of
 * looking every mustache up as a possible helper first (a tenth of a big build's render time).
 */
const COMPILE = { strict: false, knownHelpers: { isKind: true, csp: true }, knownHelpersOnly: true } as const;

/** Compiles the templates once; returns a renderer for page models. */
export function createRenderer(): (page: { kind: PageKind }) => string {
  const TEMPLATES = join(siteDir(), "templates");
  const hb = Handlebars.create();
  hb.registerHelper(
    "isKind",
    (node: unknown, kind: string) => typeof node === "object" && node !== null && kind in node,
  );
  hb.registerHelper("csp", () => CSP);
  for (const name of readdirSync(join(TEMPLATES, "partials")).sort()) {
    if (name.endsWith(".hbs")) {
      hb.registerPartial(
        name.slice(0, -4),
        readFileSync(join(TEMPLATES, "partials", name), "utf8").trimEnd(),
      );
    }
  }
  const compiled = new Map<string, HandlebarsTemplateDelegate>();
  for (const kind of ["index", "board", "contributor", "run", "scoring"] as const) {
    compiled.set(kind, hb.compile(readFileSync(join(TEMPLATES, `${kind}.hbs`), "utf8"), COMPILE));
  }
  return (page) => compiled.get(page.kind)!(page);
}
