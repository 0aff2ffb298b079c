/**
 * Inline SVG charts made at build time (docs/SITE.md): pure functions, numbers in, markup out. Every text
 * that reaches the SVG goes through `esc`, because fault names and labels come from records. No `style`
 * attributes (the CSP allows only the site's stylesheet): colours are classes styled in site.css.
 */

/** Escapes text for HTML and SVG, both in element content and in attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** One line on a chart; `null` values are gaps (Prometheus had no data). */
export interface Line {
  name: string;
  values: readonly (number | null)[];
}

/** A shaded time span (a chaos fault), in seconds from t=0. */
export interface Span {
  label: string;
  start: number;
  end: number;
}

/** A named boundary (a load phase), in seconds from t=0. */
export interface Marker {
  label: string;
  at: number;
}

export interface ChartInput {
  title: string;
  /** Unit shown on the y axis, e.g. "req/s" or "ms". */
  unit: string;
  stepSeconds: number;
  lines: readonly Line[];
  spans?: readonly Span[];
  markers?: readonly Marker[];
  /** Fixed y-axis maximum (e.g. 100 for a percentage); otherwise from the data. */
  yMax?: number;
}

const W = 720;
const H = 220;
const M = { left: 56, right: 12, top: 28, bottom: 34 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

/** Rounds to a short decimal string so the markup stays small and stable. */
function n(x: number): string {
  return String(Math.round(x * 10) / 10);
}

/** "Nice" tick values from 0 to at least `max` (1, 2, 2.5 or 5 times a power of ten). */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const raw = max / count;
  const e = Math.floor(Math.log10(raw));
  const pow = 10 ** e;
  const m = [1, 2, 2.5, 5, 10].find((k) => k * pow >= raw) ?? 10;
  const step = m * pow;
  // Tick i is i·m·10^e, computed from integers so 0.1-steps come out as 0.3, not 0.30000000000000004.
  const tick = e >= 0 ? (i: number) => i * m * pow : (i: number) => (i * m * 10) / 10 ** (1 - e);
  const ticks: number[] = [];
  for (let i = 0; i * step < max + step * 0.999; i++) ticks.push(tick(i));
  return ticks;
}

/** Formats a tick or a value compactly (1200 → "1.2k"). */
export function fmt(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (a >= 1e3) return `${Number((v / 1e3).toPrecision(3))}k`;
  if (a === 0) return "0";
  return String(Number(v.toPrecision(3)));
}

/** Splits a column into runs of consecutive non-null points, so gaps stay gaps. */
export function segments(values: readonly (number | null)[]): { i: number; v: number }[][] {
  const out: { i: number; v: number }[][] = [];
  let cur: { i: number; v: number }[] = [];
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      if (cur.length) out.push(cur);
      cur = [];
    } else cur.push({ i, v });
  });
  if (cur.length) out.push(cur);
  return out;
}

/**
 * Thins a segment to about `max` points by keeping each bucket's minimum and maximum (in order), so
 * spikes and drops survive: a one-second outage in an hour-long run must still show.
 */
export function decimate(seg: { i: number; v: number }[], max: number): { i: number; v: number }[] {
  if (seg.length <= max) return seg;
  const size = Math.ceil(seg.length / Math.max(1, Math.floor(max / 2)));
  const out: { i: number; v: number }[] = [];
  for (let b = 0; b < seg.length; b += size) {
    let lo = seg[b]!;
    let hi = seg[b]!;
    for (let j = b + 1; j < Math.min(seg.length, b + size); j++) {
      const p = seg[j]!;
      if (p.v < lo.v) lo = p;
      if (p.v > hi.v) hi = p;
    }
    if (lo === hi) out.push(lo);
    else out.push(...(lo.i < hi.i ? [lo, hi] : [hi, lo]));
  }
  return out;
}

/** Small integers as strings, looked up instead of converted: a run page writes thousands. */
const INTS = Array.from({ length: 2 * W + 1 }, (_, i) => String(i - W));
const int = (v: number): string => INTS[v + W] ?? String(v);

/**
 * A polyline in whole pixels, written compactly: an absolute start, then relative steps with the
 * command letter given once ("M56 120l5-3 5 2 10 0"), a step to the same pixel dropped and a
 * horizontal run merged into one step. It draws the same line in about half the bytes of
 * "M56 120L61 117L66 119…", and a flat line (availability, dropped) costs a few bytes instead of
 * one step per point.
 */
export function compactPath(px: readonly number[], py: readonly number[]): string {
  let cx = px[0]!;
  let cy = py[0]!;
  let d = `M${int(cx)} ${int(cy)}`;
  let sep = "l";
  for (let j = 1; j < px.length; j++) {
    const yj = py[j]!;
    // An inner point of a horizontal run: the step to the run's last point covers it.
    if (yj === cy && j + 1 < px.length && py[j + 1] === cy) continue;
    const dx = px[j]! - cx;
    const dy = yj - cy;
    if (dx === 0 && dy === 0) continue;
    d += `${dx < 0 && sep === " " ? "" : sep}${int(dx)}${dy < 0 ? "" : " "}${int(dy)}`;
    sep = " ";
    cx += dx;
    cy = yj;
  }
  return d;
}

/** Points per line above which a chart thins its lines (pixels are the limit anyway). */
export const MAX_POINTS_PER_LINE = 600;

/** Plot coordinates: x from seconds, y from a value, both clamped to the plot. */
interface Scale {
  x(t: number): number;
  y(v: number): number;
}

/**
 * Markup that many charts share, made once: a big build draws six charts per run page with the
 * same spans, markers and x axis, and most y axes repeat too. Bounded, so memory stays flat.
 */
const shared = new Map<string, string>();
function once(key: string, make: () => string): string {
  let s = shared.get(key);
  if (s === undefined) {
    if (shared.size >= 4096) shared.clear();
    shared.set(key, (s = make()));
  }
  return s;
}
/** The spans and markers of the last chart (a run page passes the same arrays to each of its charts). */
let lastDecor: { spans: readonly Span[]; markers: readonly Marker[]; duration: number; text: string } | null =
  null;

function decor(spans: readonly Span[], markers: readonly Marker[], duration: number, sc: Scale): string {
  if (lastDecor?.spans === spans && lastDecor.markers === markers && lastDecor.duration === duration) {
    return lastDecor.text;
  }
  const parts: string[] = [];
  for (const s of spans) {
    const x0 = sc.x(s.start);
    const w = Math.max(sc.x(s.end) - x0, 1);
    parts.push(
      `<g class="ch-fault"><title>${esc(s.label)}: ${n(s.start)}–${n(s.end)} s</title>`,
      `<rect x="${n(x0)}" y="${M.top}" width="${n(w)}" height="${PH}"/>`,
      `<text x="${n(x0 + 2)}" y="${M.top + 10}">${esc(s.label)}</text></g>`,
    );
  }
  for (const m of markers) {
    const xm = n(sc.x(m.at));
    parts.push(
      `<g class="ch-phase"><title>phase ${esc(m.label)} from ${n(m.at)} s</title>`,
      `<line x1="${xm}" y1="${M.top}" x2="${xm}" y2="${M.top + PH}"/></g>`,
    );
  }
  lastDecor = { spans, markers, duration, text: parts.join("") };
  return lastDecor.text;
}

/** The axes, their ticks and grid: they depend on the duration and the y ticks only. */
function axes(yTicks: readonly number[], duration: number, sc: Scale): string {
  const yTop = yTicks[yTicks.length - 1]!;
  return once(`${duration} ${yTop} ${yTicks.length}`, () => {
    const parts = [`<g class="ch-axis">`];
    for (const t of yTicks) {
      const yy = n(sc.y(t));
      parts.push(
        `<line class="ch-grid" x1="${M.left}" y1="${yy}" x2="${M.left + PW}" y2="${yy}"/>`,
        `<text x="${M.left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle">${fmt(t)}</text>`,
      );
    }
    for (const t of niceTicks(duration, 6)) {
      if (t > duration) break;
      const xx = n(sc.x(t));
      parts.push(
        `<line x1="${xx}" y1="${M.top + PH}" x2="${xx}" y2="${M.top + PH + 4}"/>`,
        `<text x="${xx}" y="${M.top + PH + 16}" text-anchor="middle">${fmt(t)}</text>`,
      );
    }
    parts.push(
      `<line x1="${M.left}" y1="${M.top + PH}" x2="${M.left + PW}" y2="${M.top + PH}"/>`,
      `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + PH}"/>`,
      `<text x="${M.left + PW}" y="${H - 2}" text-anchor="end">seconds</text></g>`,
    );
    return parts.join("");
  });
}

const isPoint = (v: number | null | undefined): v is number => v !== null && Number.isFinite(v);

/**
 * One line's paths (a dot for a lone point), a path per run of points between gaps, in whole
 * pixels; `xs` is the x pixel of each index. No object per point: this was most of a build's
 * chart time. A run longer than MAX_POINTS_PER_LINE is thinned (decimate).
 */
function linePaths(
  values: readonly (number | null)[],
  xs: readonly number[],
  y: Scale["y"],
  cls: string,
): string {
  let out = "";
  for (let i = 0; i < values.length;) {
    while (i < values.length && !isPoint(values[i])) i++;
    let j = i;
    while (j < values.length && isPoint(values[j])) j++;
    if (j === i) break;
    let px: number[];
    let py: number[];
    if (j - i > MAX_POINTS_PER_LINE) {
      const seg = decimate(
        Array.from({ length: j - i }, (_, k) => ({ i: i + k, v: values[i + k]! })),
        MAX_POINTS_PER_LINE,
      );
      px = seg.map((p) => xs[p.i]!);
      py = seg.map((p) => Math.round(y(p.v)));
    } else {
      px = xs.slice(i, j);
      py = new Array<number>(j - i);
      for (let k = i; k < j; k++) py[k - i] = Math.round(y(values[k]!));
    }
    out +=
      px.length === 1
        ? `<circle class="${cls}" cx="${px[0]}" cy="${py[0]}" r="1.5"/>`
        : `<path class="${cls}" d="${compactPath(px, py)}"/>`;
    i = j;
  }
  return out;
}

/** A time-series chart: axes with ticks, one path per line, fault spans shaded and labelled. */
export function lineChart(c: ChartInput): string {
  let len = 0;
  for (const l of c.lines) if (l.values.length > len) len = l.values.length;
  const spans = c.spans ?? [];
  const markers = c.markers ?? [];
  let duration = Math.max((len - 1) * c.stepSeconds, 1);
  for (const s of spans) if (s.end > duration) duration = s.end;
  for (const m of markers) if (m.at > duration) duration = m.at;
  let dataMax = 0;
  for (const l of c.lines) for (const v of l.values) if (v !== null && v > dataMax) dataMax = v;
  const yTicks = niceTicks(c.yMax ?? dataMax);
  const yTop = yTicks[yTicks.length - 1]!;
  const sc: Scale = {
    x: (t) => M.left + (Math.min(Math.max(t, 0), duration) / duration) * PW,
    y: (v) => M.top + PH - (Math.min(Math.max(v, 0), yTop) / yTop) * PH,
  };
  const hasData = c.lines.some((l) => l.values.some((v) => v !== null));

  const parts: string[] = [
    `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(c.title)}" xmlns="http://www.w3.org/2000/svg">`,
    `<title>${esc(c.title)} (${esc(c.unit)})</title>`,
    `<text class="ch-title" x="${M.left}" y="16">${esc(c.title)} (${esc(c.unit)})</text>`,
    decor(spans, markers, duration, sc),
    axes(yTicks, duration, sc),
  ];
  if (!hasData) {
    parts.push(
      `<text class="ch-empty" x="${M.left + PW / 2}" y="${M.top + PH / 2}" text-anchor="middle">no data</text>`,
    );
  }
  // Whole-pixel coordinates, x computed once per index.
  const xs: number[] = new Array<number>(len);
  for (let i = 0; i < len; i++) xs[i] = Math.round(sc.x(i * c.stepSeconds));
  c.lines.forEach((l, k) => {
    const cls = `ch-s${k % 4}`;
    parts.push(linePaths(l.values, xs, sc.y, cls));
    // Legend, right-aligned in the title row.
    const lx = W - M.right - (c.lines.length - k) * 70;
    parts.push(
      `<g class="ch-legend ${cls}"><line x1="${lx}" y1="12" x2="${lx + 14}" y2="12"/>`,
      `<text x="${lx + 18}" y="16">${esc(l.name)}</text></g>`,
    );
  });
  parts.push(`</svg>`);
  return parts.join("");
}

/** A small inline trend line of scores (oldest first); empty string when there are fewer than two. */
export function sparkline(values: readonly number[], label: string): string {
  if (values.length < 2) return "";
  const w = 80;
  const h = 20;
  const max = Math.max(...values);
  const min = Math.min(...values);
  const range = max - min || 1;
  const d = values
    .map(
      (v, i) =>
        `${i ? "L" : "M"}${n((i / (values.length - 1)) * w)} ${n(h - 2 - ((v - min) / range) * (h - 4))}`,
    )
    .join("");
  // Small on purpose (a board page has 200 of these): the ▲/▼ text beside it carries the meaning.
  return `<svg class="spark" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(label)}"><path d="${d}"/></svg>`;
}
