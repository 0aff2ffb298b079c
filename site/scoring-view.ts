/**
 * The scoring page's model (pure), made from the challenge definitions so it never drifts from them.
 * The definitions' shape belongs to scoring/, so this renders them generically: title and summary
 * first, then every other top-level key as a section — lists of objects become tables, objects become
 * definition lists, scalars become text.
 */
import type { PageBase, SiteContext } from "./view-model.ts";
import { paths } from "./links.ts";

/** A challenge definition as the site sees it: id, title, summary, and the rest as plain data. */
export interface ChallengeInfo {
  id: string;
  title: string;
  summary: string;
  /** Every other top-level key of the definition, in file order. */
  data: Record<string, unknown>;
}

export type Node =
  | { text: string }
  | { list: Node[] }
  | { dl: { key: string; value: Node }[] }
  | { table: { headers: string[]; rows: Node[][] } };

export interface ScoringPage extends PageBase {
  kind: "scoring";
  challenges: {
    id: string;
    title: string;
    summary: string;
    boardHref: string;
    sections: { heading: string; body: Node }[];
  }[];
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** "chaosTimeline" → "chaos timeline", "memoryMiB" → "memory MiB", "p99Ms" → "p99 ms". */
export function humanize(key: string): string {
  return key
    .split(/(?=[A-Z][a-z])|[_-]+/)
    .filter(Boolean)
    .map((t) => (/^[A-Z][a-z]*$/.test(t) ? t.toLowerCase() : t))
    .join(" ");
}

/** A flat object as one line of text, for a table cell ("latency ms 800, jitter ms 200"). */
function inline(v: unknown): string {
  if (isPlainObject(v)) {
    const parts = Object.entries(v).map(([k, x]) => `${humanize(k)} ${inline(x)}`);
    return parts.length ? parts.join(", ") : "—";
  }
  if (Array.isArray(v)) return v.map(inline).join(", ");
  return v === null || v === undefined ? "—" : String(v);
}

const isFlat = (o: Record<string, unknown>) =>
  Object.values(o).every((x) => !isPlainObject(x) || Object.values(x).every((y) => !isPlainObject(y)));

/** Turns any YAML value into a render tree; depth-limited so a pathological file stays bounded. */
export function toNode(v: unknown, depth = 0): Node {
  if (depth > 6) return { text: "…" };
  if (v === null || v === undefined) return { text: "—" };
  if (Array.isArray(v)) {
    // A list of records (phases, the chaos timeline) reads best as a table, one row per item.
    if (v.length && v.every(isPlainObject) && v.every(isFlat)) {
      const headers = [...new Set(v.flatMap((o) => Object.keys(o)))];
      return {
        table: {
          headers: headers.map(humanize),
          rows: v.map((o) => headers.map((h): Node => ({ text: inline(o[h]) }))),
        },
      };
    }
    if (v.every((x) => !isPlainObject(x) && !Array.isArray(x)))
      return { text: v.map((x) => String(x)).join(", ") };
    return { list: v.map((x) => toNode(x, depth + 1)) };
  }
  if (isPlainObject(v)) {
    return {
      dl: Object.entries(v).map(([key, value]) => ({ key: humanize(key), value: toNode(value, depth + 1) })),
    };
  }
  return { text: String(v) };
}

/** Builds the scoring page from the loaded challenge definitions. */
export function scoringPage(challenges: readonly ChallengeInfo[], ctx: SiteContext): ScoringPage {
  const dir = paths.scoring;
  return {
    ...ctx.base(dir, "How scoring works"),
    kind: "scoring",
    challenges: challenges.map((c) => ({
      id: c.id,
      title: c.title,
      summary: c.summary,
      boardHref: ctx.link.href(dir, paths.board(c.id)),
      sections: Object.entries(c.data).map(([k, v]) => ({ heading: humanize(k), body: toNode(v) })),
    })),
  };
}
