// ChartSpec → one SVG (or a <figure> holding legends and the SVG), through Observable Plot
// in the chart DOM (dom.ts). Pure apart from that shim: the same spec and data give the same
// markup.
//
// Node lays out no text, so Plot's fixed default margins would clip long tick labels
// ("2026年10月", "$1.2M"). renderChart therefore renders in passes: it reads the tick labels
// Plot chose, measures them in the report font, then re-renders with margins that fit and
// with x ticks thinned or rotated when they would overlap (at most a few passes).
//
// Plot's warnings (e.g. inferred scale types) are values here: they are captured, returned,
// and the ⚠️ glyph Plot draws into the SVG is removed.

import * as Plot from "@observablehq/plot";
import type { Locale, Row, Value } from "../core/vocabulary.js";
import { formatValue, missing, parseIsoDate } from "../util/format.js";
import { compareNatural, isNumberedOrdinal } from "../util/order.js";
import { chartDocument } from "./dom.js";
import { measureText } from "./measure.js";
import type { ChartSpec, MarkSpec, MarkType, ScaleSpec } from "./spec.js";
import { dateTickFormat, numberTickFormat, periodTickFormat, sharedUnitFormat, specifierTickFormat, type TickFormatter } from "./ticks.js";
import { trustSerializedSvg, type TrustedSvg } from "./trusted.js";
import { waterfallAxis, waterfallBars, waterfallColors } from "./waterfall.js";
import { msg } from "../locales/index.js";

export interface ChartOptions {
  locale: Locale;
  currency: string;
  /** Width in CSS px; the page scales the SVG to its column. Default: spec.width, else 640. */
  width?: number;
  /** The report's CSS font-family stack (used in the SVG and to measure labels). */
  fontFamily: string;
  /** Font size in px. Default 11. */
  fontSize?: number;
  /** Default colour of single-series marks. Default a dark blue. */
  accent?: string;
  /** Colours of categorical series (the theme's palette); default Plot's tableau10. */
  palette?: string[];
}

export interface ChartResult {
  svg: TrustedSvg;
  warnings: string[];
  /** A note the reader must see under the chart (e.g. that a value axis does not start at zero). */
  note?: string;
}

type ChartData = Record<string, Row[]>;
type PlotRow = Record<string, Value | Date>;
type ScaleKey = "x" | "y" | "fx" | "fy" | "color";

const defaultWidth = 640;
const defaultFontSize = 11;
const defaultHeight = 300;
const defaultAccent = "#1f4e79";

/** The Plot mark constructors a spec may name (waterfall is expanded separately). */
const markFactories: Record<Exclude<MarkType, "waterfall">, (data: PlotRow[], options: Record<string, unknown>) => Plot.Markish> = {
  lineY: Plot.lineY as never,
  line: Plot.line as never,
  barY: Plot.barY as never,
  barX: Plot.barX as never,
  rectY: Plot.rectY as never,
  cell: Plot.cell as never,
  dot: Plot.dot as never,
  dotY: Plot.dotY as never,
  areaY: Plot.areaY as never,
  ruleY: Plot.ruleY as never,
  ruleX: Plot.ruleX as never,
  text: Plot.text as never,
  textY: Plot.textY as never,
  tickX: Plot.tickX as never,
  tickY: Plot.tickY as never,
  link: Plot.link as never,
};

/** Which channels of a mark are positioned on an ordinal (band) scale. */
const bandChannels: Partial<Record<MarkType, ScaleKey[]>> = {
  barY: ["x"],
  barX: ["y"],
  cell: ["x", "y"],
  tickX: ["y"],
  tickY: ["x"],
  waterfall: ["x"],
};

/** Channels that feed each scale. */
const scaleChannels: Record<ScaleKey, string[]> = {
  x: ["x", "x1", "x2"],
  y: ["y", "y1", "y2"],
  fx: ["fx"],
  fy: ["fy"],
  color: ["fill", "stroke"],
};

const fillMarks = new Set<MarkType>(["barY", "barX", "rectY", "areaY", "dot", "dotY"]);
const strokeMarks = new Set<MarkType>(["lineY", "line", "link"]);

/** Columns whose every non-null value is an ISO date string become Date objects (UTC). */
function coerceTable(rows: Row[]): PlotRow[] {
  if (rows.length === 0) return [];
  const keys = Object.keys(rows[0]!);
  const dateKeys = keys.filter((k) => {
    let seen = false;
    for (const r of rows) {
      const v = r[k];
      if (v === null || v === undefined) continue;
      if (typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}/.test(v) || parseIsoDate(v) === null) return false;
      seen = true;
    }
    return seen;
  });
  if (dateKeys.length === 0) return rows;
  return rows.map((r) => {
    const out: PlotRow = { ...r };
    for (const k of dateKeys) if (r[k] !== null && r[k] !== undefined) out[k] = parseIsoDate(r[k]);
    return out;
  });
}

function applyFilter(rows: PlotRow[], filter: MarkSpec["filter"]): PlotRow[] {
  if (!filter) return rows;
  const entries = Object.entries(filter);
  return rows.filter((r) => entries.every(([k, v]) => r[k] === v || (r[k] instanceof Date && typeof v === "string" && parseIsoDate(v)?.getTime() === (r[k] as Date).getTime())));
}

interface PreparedMark {
  spec: MarkSpec;
  rows: PlotRow[];
}

type ValueKind = "date" | "period" | "number" | "string" | "none";

function valueKind(values: unknown[]): ValueKind {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length === 0) return "none";
  if (present.every((v) => v instanceof Date)) return "date";
  if (present.every((v) => typeof v === "number")) return "number";
  if (present.every((v) => typeof v === "string" && /^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$/.test(v))) return "period";
  return "string";
}

/** The values a scale sees, from the columns its channels name. */
function scaleValues(marks: PreparedMark[], key: ScaleKey): unknown[] {
  const out: unknown[] = [];
  for (const { spec, rows } of marks) {
    const options = spec.options ?? {};
    const channels = spec.mark === "waterfall" ? (key === "x" ? [String(options.x ?? "step")] : []) : scaleChannels[key].map((c) => options[c]).filter((c): c is string => typeof c === "string");
    for (const c of channels) {
      // A constant colour ("steelblue") is not a column; skip names no row has.
      if (rows.length > 0 && !(c in rows[0]!)) continue;
      for (const r of rows) out.push(r[c]);
    }
  }
  return out;
}

function usesBand(marks: PreparedMark[], key: ScaleKey): boolean {
  return marks.some(({ spec }) => (bandChannels[spec.mark] ?? []).includes(key) && (spec.mark === "waterfall" || spec.options?.[key] !== undefined));
}

/** The tick formatter for a scale: the spec's locale format, its specifier, or one inferred from the values. */
function tickFormatFor(scale: ScaleSpec | undefined, kind: ValueKind, opts: ChartOptions): TickFormatter | undefined {
  if (scale?.format) return numberTickFormat(scale.format, opts.locale, opts.currency);
  if (scale?.tickFormat) return specifierTickFormat(scale.tickFormat, opts.locale);
  if (kind === "date") return dateTickFormat(opts.locale);
  if (kind === "period") return periodTickFormat(opts.locale);
  return undefined;
}

interface Layout {
  marginTop: number;
  marginLeft: number;
  marginRight: number;
  marginBottom: number;
  xTickRotate: number;
  /** Thinned ordinal ticks (domain values) or a continuous tick count. */
  xTicks?: unknown[] | number;
  /** Side margins of a continuous colour legend (a ramp), so its end tick labels fit. */
  legendMargins?: { left: number; right: number };
}

/** Plot's default width of a ramp legend; the ramp keeps it, the margins are added. */
const rampWidth = 240;

interface Pass {
  figure: Element;
  svg: Element;
  warnings: string[];
}

function plotOnce(spec: ChartSpec, marks: Plot.Markish[], scales: Partial<Record<ScaleKey, Record<string, unknown>>>, layout: Layout, width: number, opts: ChartOptions): Pass {
  const document = chartDocument();
  const x = { ...scales.x };
  if (layout.xTickRotate) x.tickRotate = layout.xTickRotate;
  if (layout.xTicks !== undefined) x.ticks = layout.xTicks;
  // A ramp legend centres its end tick labels on the ramp's ends: without side margins the
  // first one ("0%") is cut in half by the legend's edge.
  const color = layout.legendMargins && scales.color ? { ...scales.color, marginLeft: layout.legendMargins.left, marginRight: layout.legendMargins.right, width: rampWidth + layout.legendMargins.left + layout.legendMargins.right } : scales.color;
  const fontSize = opts.fontSize ?? defaultFontSize;
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(" "));
  let figure: Element;
  try {
    figure = Plot.plot({
      document,
      width,
      // Continuous charts get a report-friendly height; ordinal y (heatmaps, bar lists)
      // keeps Plot's height from the number of rows.
      // An x axis that needs a deep margin (rotated labels) grows the chart rather than the plot shrinking.
      height: spec.height ?? (scales.y?.type === "band" || spec.marks.some((m) => (bandChannels[m.mark] ?? []).includes("y")) ? undefined : defaultHeight + Math.max(0, layout.marginBottom - 30)),
      marginTop: layout.marginTop,
      marginLeft: layout.marginLeft,
      marginRight: layout.marginRight,
      marginBottom: layout.marginBottom,
      style: { fontFamily: opts.fontFamily, fontSize: `${fontSize}px`, color: "#1f2933", background: "transparent", overflow: "visible" },
      marks,
      x,
      y: scales.y,
      fx: scales.fx,
      fy: scales.fy,
      color,
    } as Plot.PlotOptions) as unknown as Element;
  } finally {
    console.warn = warn;
  }
  const svg = figure.tagName.toLowerCase() === "svg" ? figure : (figure.querySelector(":scope > svg:last-of-type") ?? figure.querySelector("svg"))!;
  return { figure, svg, warnings };
}

interface TickLabel {
  text: string;
  x: number;
  width: number;
}

function translateX(transform: string | null): number {
  const m = /translate\(\s*(-?[\d.e+-]+)/.exec(transform ?? "");
  return m ? Number(m[1]) : 0;
}

function tickLabels(svg: Element, axis: "x" | "y", fontSize: number, fontFamily: string): TickLabel[] {
  const out: TickLabel[] = [];
  for (const g of Array.from(svg.querySelectorAll(`g[aria-label="${axis}-axis tick label"]`))) {
    const gx = translateX(g.getAttribute("transform"));
    for (const t of Array.from(g.querySelectorAll("text"))) {
      // Multi-line labels are tspans; the widest line counts.
      const lines = t.querySelectorAll("tspan").length ? Array.from(t.querySelectorAll("tspan"), (s) => s.textContent ?? "") : [t.textContent ?? ""];
      const width = Math.max(0, ...lines.map((l) => measureText(l, fontSize, fontFamily)));
      out.push({ text: lines.join(" "), x: gx + translateX(t.getAttribute("transform")), width });
    }
  }
  return out;
}

/** Side margins that keep the end tick labels of the pass's ramp legends inside them. */
function rampMargins(figure: Element, current: Layout, fontSize: number, fontFamily: string): Layout["legendMargins"] {
  let left = 0, right = 0, found = false;
  for (const ramp of Array.from(figure.querySelectorAll("svg"))) {
    if (!/-ramp\b/.test(ramp.getAttribute("class") ?? "")) continue;
    found = true;
    const width = Number(ramp.getAttribute("width") ?? rampWidth);
    const ml = current.legendMargins?.left ?? 0, mr = current.legendMargins?.right ?? 0;
    for (const tick of Array.from(ramp.querySelectorAll("g.tick"))) {
      const text = tick.querySelector("text")?.textContent ?? "";
      if (text === "") continue;
      const x = translateX(tick.getAttribute("transform"));
      const half = measureText(text, fontSize, fontFamily) / 2;
      // The current margin plus how far the label (and 2px) pokes out of the legend.
      left = Math.max(left, Math.ceil(half - x + ml + 2));
      right = Math.max(right, Math.ceil(x + half + 2 - width + mr));
    }
  }
  return found ? { left: Math.max(0, left), right: Math.max(0, right) } : undefined;
}

/** Margins and x ticks that fit the labels of the last pass. */
function nextLayout(pass: Pass, current: Layout, ctx: { spec: ChartSpec; width: number; opts: ChartOptions; xKind: ValueKind; yLabel: boolean; xLabel: boolean; xTop: boolean }): Layout {
  const fontSize = ctx.opts.fontSize ?? defaultFontSize;
  const font = ctx.opts.fontFamily;
  const plot = pass.figure as unknown as { scale(name: string): { type: string; domain: unknown[] } | undefined };
  const xScale = plot.scale("x");
  const yScale = plot.scale("y");
  const ys = tickLabels(pass.svg, "y", fontSize, font);
  const xs = tickLabels(pass.svg, "x", fontSize, font).sort((a, b) => a.x - b.x);
  const next: Layout = { ...current };
  next.legendMargins = rampMargins(pass.figure, current, fontSize, font);

  // Left: the widest y label, the tick (6px) and its gap (3px), breathing room, and the
  // rotated label of an ordinal y axis when there is one.
  const yOrdinal = yScale !== undefined && (yScale.type === "band" || yScale.type === "point");
  let left = ys.length ? Math.ceil(Math.max(...ys.map((l) => l.width)) + 9 + 6) : 12;
  if (yOrdinal && ctx.yLabel) left += fontSize + 6;
  // Right: the last x label must not leave the SVG.
  let right = 0;
  const rotated = current.xTickRotate !== 0;
  if (xs.length && !rotated) {
    const first = xs[0]!, last = xs[xs.length - 1]!;
    left = Math.max(left, Math.ceil(current.marginLeft - (first.x - first.width / 2) + 4));
    right = Math.max(right, Math.ceil(last.x + last.width / 2 - (ctx.width - current.marginRight) + 4), 0);
  }
  next.marginLeft = Math.max(left, ctx.spec.marginLeft ?? 0);
  next.marginRight = Math.max(20, right);

  // Overlap of adjacent x labels (horizontal labels need their half-widths plus a gap).
  const overlaps = !rotated && xs.some((l, i) => i > 0 && l.x - xs[i - 1]!.x < (l.width + xs[i - 1]!.width) / 2 + 8);
  const maxW = xs.length ? Math.max(...xs.map((l) => l.width)) : 0;
  const xOrdinal = xScale !== undefined && (xScale.type === "band" || xScale.type === "point");
  if (overlaps && current.xTicks === undefined) {
    const plotWidth = ctx.width - current.marginLeft - current.marginRight;
    if (xOrdinal && (ctx.xKind === "string" || ctx.xKind === "none")) {
      // Categories (reasons, segments): keep every label, rotate them.
      next.xTickRotate = -40;
      const step = xs.length > 1 ? (xs[xs.length - 1]!.x - xs[0]!.x) / (xs.length - 1) : plotWidth;
      if (step < fontSize * 1.6) {
        const k = Math.ceil((fontSize * 1.6) / step);
        next.xTicks = xScale.domain.filter((_, i) => i % k === 0);
      }
    } else if (xOrdinal) {
      // Dates or periods on a band: show every k-th one.
      const step = xs.length > 1 ? (xs[xs.length - 1]!.x - xs[0]!.x) / (xs.length - 1) : plotWidth;
      const k = Math.max(2, Math.ceil((maxW + 10) / Math.max(1, step)));
      next.xTicks = xScale.domain.filter((_, i) => i % k === 0);
    } else {
      next.xTicks = Math.max(2, Math.floor(plotWidth / (maxW + 20)));
    }
  }

  // Bottom: the tick (6px), gap (3px), the label's extent, and the axis label below.
  const lineHeight = Math.ceil(fontSize * 1.3);
  const theta = (Math.abs(next.xTickRotate) * Math.PI) / 180;
  const extent = next.xTickRotate ? Math.ceil(maxW * Math.sin(theta) + fontSize * Math.cos(theta)) : lineHeight;
  let bottom = xs.length ? 9 + extent + 6 : 12;
  if (ctx.xLabel) bottom += lineHeight + 2;
  if (ctx.xTop) {
    // The same room, above the plot, for an x axis on top.
    next.marginTop = Math.max(bottom, 20);
    next.marginBottom = Math.max(ctx.spec.marginBottom ?? 0, 12);
  } else {
    next.marginBottom = Math.max(bottom, ctx.spec.marginBottom ?? 0);
  }
  if (next.xTickRotate) {
    // Rotated labels hang left of their tick: the first one needs room.
    const first = xs[0];
    if (first) next.marginLeft = Math.max(next.marginLeft, Math.ceil(maxW * Math.cos(theta) - (first.x - current.marginLeft) + 6));
  }
  return next;
}

function sameLayout(a: Layout, b: Layout): boolean {
  return a.marginTop === b.marginTop && a.marginLeft === b.marginLeft && a.marginRight === b.marginRight && a.marginBottom === b.marginBottom && a.xTickRotate === b.xTickRotate && JSON.stringify(a.xTicks) === JSON.stringify(b.xTicks) && JSON.stringify(a.legendMargins) === JSON.stringify(b.legendMargins);
}

/** Marks that get a <title> per datum (a line or an area is one path: its title would be its first point's). */
const titledMarks = new Set<MarkType>(["barY", "barX", "rectY", "cell", "dot", "dotY", "tickX", "tickY", "ruleY", "ruleX", "text", "textY"]);

/**
 * A mark's tooltip: its channels' values, each formatted as its axis or legend formats it
 * ("期间：2026年10月 · 比率：1.6%"), the series first; an interval (x1–x2) reads as one range.
 * Null when the mark has no column channels.
 */
function markTitle(rows: PlotRow[], options: Record<string, unknown>, spec: ChartSpec, kinds: Record<ScaleKey, ValueKind>, opts: ChartOptions): ((d: PlotRow) => string) | null {
  // A channel names a column, or is a constant ("steelblue", "currentColor") no row has.
  const column = (channel: string) => {
    const c = options[channel];
    return typeof c === "string" && rows.length > 0 && c in rows[0]! ? c : undefined;
  };
  const formatter = (key: ScaleKey) => {
    const tick = tickFormatFor(spec[key], kinds[key], opts);
    return (v: unknown) =>
      v === null || v === undefined ? missing : tick ? tick(v) : typeof v === "number" ? formatValue(v, "number", opts.locale, opts.currency) : v instanceof Date ? formatValue(v, "date", opts.locale, opts.currency) : String(v);
  };
  // "label: value" in the locale's punctuation; a channel without a label shows the value alone.
  const labelled = (label: string | null | undefined, value: string) => (label ? msg(opts.locale).labelled(label, value) : value);
  const fields: ((d: PlotRow) => string)[] = [];
  const series = column("stroke") ?? column("fill");
  if (series) {
    const f = formatter("color");
    fields.push((d) => labelled(spec.color?.label, f(d[series])));
  }
  for (const key of ["x", "y"] as const) {
    const label = spec[key]?.label;
    const f = formatter(key);
    const [one, lo, hi] = [column(key), column(`${key}1`), column(`${key}2`)];
    if (lo && hi) fields.push((d) => labelled(label, `${f(d[lo])} – ${f(d[hi])}`));
    else if (one && one !== series) fields.push((d) => labelled(label, f(d[one])));
  }
  return fields.length ? (d) => fields.map((field) => field(d)).join("\n") : null;
}

/** Mark options that place a mark: a row with no value in one of them is not drawn. */
const positionChannels = ["x", "y", "x1", "x2", "y1", "y2"] as const;

/** Renders a chart spec over result tables to trusted SVG markup, with any warnings. */
export function renderChart(spec: ChartSpec, data: ChartData, opts: ChartOptions): ChartResult {
  const warnings: string[] = [];
  const coerced = new Map<string, PlotRow[]>();
  const prepared: PreparedMark[] = [];
  for (const m of spec.marks) {
    const table = data[m.data];
    if (!table) {
      warnings.push(`chart: no table "${m.data}" (tables: ${Object.keys(data).join(", ") || "none"})`);
      continue;
    }
    let rows = coerced.get(m.data);
    if (!rows) coerced.set(m.data, (rows = coerceTable(table)));
    prepared.push({ spec: m, rows: applyFilter(rows, m.filter) });
  }

  const accent = opts.accent ?? defaultAccent;
  const kinds: Record<ScaleKey, ValueKind> = {
    x: valueKind(scaleValues(prepared, "x")),
    y: valueKind(scaleValues(prepared, "y")),
    fx: valueKind(scaleValues(prepared, "fx")),
    fy: valueKind(scaleValues(prepared, "fy")),
    color: valueKind(scaleValues(prepared, "color")),
  };

  // Scales: copy the spec, turn `format` into a locale formatter, default labels off (column
  // names are snake_case, not reader text), declare dates on bands as bands (Plot warns
  // otherwise), and grid lines on a continuous y.
  const scales: Partial<Record<ScaleKey, Record<string, unknown>>> = {};
  for (const key of ["x", "y", "fx", "fy", "color"] as const) {
    const s = spec[key];
    const { format: _format, tickFormat: _tickFormat, ...rest } = s ?? {};
    const out: Record<string, unknown> = { ...rest };
    if (out.label === undefined) out.label = null;
    const tf = tickFormatFor(s, kinds[key], opts);
    if (tf) out.tickFormat = tf;
    if (out.type === undefined && (key === "x" || key === "y") && usesBand(prepared, key) && (kinds[key] === "date" || kinds[key] === "number" || kinds[key] === "period")) out.type = "band";
    // Period labels (2026-10) look like dates to Plot, which then warns on an ordinal scale:
    // they are categories in order, so say so.
    if (out.type === undefined && kinds[key] === "period") out.type = key === "x" || key === "y" ? "point" : undefined;
    if (out.type === undefined) delete out.type;
    // Numbered categories (company size 1-10, 11-50, …, 1000+) in their natural order, not
    // Plot's text order (1-10, 1000+, 11-50), unless a mark sorts the scale itself.
    if ((key === "x" || key === "y") && out.domain === undefined && kinds[key] === "string" && usesBand(prepared, key) && !prepared.some(({ spec: m }) => m.options?.sort !== undefined)) {
      const values = [...new Set(scaleValues(prepared, key).filter((v): v is string => typeof v === "string"))];
      if (isNumberedOrdinal(values)) out.domain = values.sort(compareNatural);
    }
    if (key === "y" && !usesBand(prepared, "y") && (kinds.y === "number" || kinds.y === "none")) {
      if (out.grid === undefined) out.grid = true;
      // End the axis on a round tick above the data (a 97% line otherwise floats over a 90% top tick).
      if (out.nice === undefined && out.domain === undefined) out.nice = true;
    }
    if (key === "color" && out.type === undefined && kinds.color === "number" && !out.scheme) out.scheme = "blues";
    if (key === "color" && opts.palette?.length && kinds.color !== "number" && kinds.color !== "none" && out.scheme === undefined && out.range === undefined && out.type === undefined) out.range = opts.palette;
    scales[key] = out;
  }

  // Marks.
  const marks: Plot.Markish[] = [];
  let note: string | undefined;
  // Rows a mark cannot place (no value in a position column) Plot leaves out silently: counted
  // per table (a line and its dots over one table leave out the same rows), and said under the chart.
  const leftOut = new Map<string, Set<number>>();
  for (const { spec: m, rows } of prepared) {
    if (m.mark === "waterfall") {
      const o = m.options ?? {};
      const { bars, warnings: w } = waterfallBars(rows as Row[], { x: o.x as string | undefined, y: o.y as string | undefined, kind: o.kind as string | undefined });
      warnings.push(...w);
      if (scales.x!.domain === undefined) scales.x!.domain = bars.map((b) => b.step);
      if (scales.x!.type === undefined) scales.x!.type = "band";
      if (scales.x!.padding === undefined) scales.x!.padding = 0.25;
      // A bridge may leave zero (`y: {zero: false}`) when its flows would be slivers against
      // the totals: the totals then rise from the axis' round baseline, cut by a break mark.
      const axis = spec.y?.zero === false && spec.y.domain === undefined ? waterfallAxis(bars) : null;
      if (axis) {
        note = msg(opts.locale).charts.cutAxisNote;
        scales.y!.domain = axis.domain;
        scales.y!.nice = false;
        if (scales.y!.ticks === undefined) scales.y!.ticks = axis.ticks;
        for (const b of bars) if (b.kind === "start" || b.kind === "end") b.y1 = axis.domain[0];
      }
      if (scales.y!.nice === undefined) scales.y!.nice = true;
      // Bar labels: exact counts; amounts compact (¥18.2万, $182.4K) so they fit their bar.
      const labelFormat = spec.y?.format ?? "number";
      // One unit for every bar label (¥88.0万 · ¥0.8万); counts in full.
      const yFormat = labelFormat === "currency" ? sharedUnitFormat(bars.map((b) => b.value), labelFormat, opts.locale, opts.currency) : (v: number) => formatValue(v, labelFormat, opts.locale, opts.currency);
      for (const kind of ["start", "in", "out"] as const) {
        const subset = bars.filter((b) => (kind === "start" ? b.kind === "start" || b.kind === "end" : b.kind === kind));
        if (subset.length) marks.push(Plot.barY(subset, { x: "step", y1: "y1", y2: "y2", fill: waterfallColors[kind], title: (b: (typeof bars)[number]) => msg(opts.locale).labelled(b.step, (b.kind === "in" ? "+" : b.kind === "out" ? "−" : "") + yFormat(b.value)) }));
      }
      if (axis) {
        const totals = bars.filter((b) => b.kind === "start" || b.kind === "end");
        const at = axis.domain[0] + (axis.domain[1] - axis.domain[0]) * 0.06;
        marks.push(Plot.text(totals, { x: "step", y: () => at, text: () => "≈", fill: "white", fontSize: 20, fontWeight: 700 }));
      }
      marks.push(Plot.ruleY([axis ? axis.domain[0] : 0], { stroke: "#9aa5b1" }));
      marks.push(
        Plot.text(bars, {
          x: "step",
          y: "top",
          dy: -7,
          text: (b: (typeof bars)[number]) => (b.kind === "in" ? "+" : b.kind === "out" ? "−" : "") + yFormat(b.value),
          fill: "#1f2933",
          fontWeight: 600,
        }),
      );
      continue;
    }
    const options: Record<string, unknown> = { ...m.options };
    const positions = positionChannels.map((c) => options[c]).filter((c): c is string => typeof c === "string" && rows.some((r) => Object.hasOwn(r, c)));
    if (positions.length) {
      const key = `${m.data}\u0000${JSON.stringify(m.filter ?? null)}`;
      const dropped = leftOut.get(key) ?? new Set<number>();
      rows.forEach((r, i) => positions.some((c) => r[c] === null || r[c] === undefined || (typeof r[c] === "number" && !Number.isFinite(r[c]))) && dropped.add(i));
      leftOut.set(key, dropped);
    }
    // A printed page has no pointer: tips would only add listeners and hidden markup. A
    // <title> per mark instead: the screen shows the values on hover, paper ignores it.
    delete options.tip;
    if (options.title === undefined && titledMarks.has(m.mark)) {
      const title = markTitle(rows, options, spec, kinds, opts);
      if (title) options.title = title;
    }
    if (fillMarks.has(m.mark) && options.fill === undefined && !(m.mark === "dot" && options.stroke !== undefined)) options.fill = accent;
    if (strokeMarks.has(m.mark) && options.stroke === undefined) options.stroke = accent;
    if (strokeMarks.has(m.mark) && options.strokeWidth === undefined) options.strokeWidth = 2;
    marks.push(markFactories[m.mark](rows, options));
  }

  const width = Math.round(opts.width ?? spec.width ?? defaultWidth);
  const ctx = { spec, width, opts, xKind: kinds.x, yLabel: scales.y?.label != null, xLabel: scales.x?.label != null, xTop: scales.x?.axis === "top" };
  let layout: Layout = { marginTop: 20, marginLeft: spec.marginLeft ?? 40, marginRight: 20, marginBottom: spec.marginBottom ?? 30, xTickRotate: spec.x?.tickRotate ?? 0 };
  let pass = plotOnce(spec, marks, scales, layout, width, opts);
  for (let i = 0; i < 4; i++) {
    const next = nextLayout(pass, layout, ctx);
    if (sameLayout(next, layout)) break;
    layout = next;
    pass = plotOnce(spec, marks, scales, layout, width, opts);
  }

  warnings.push(...pass.warnings);
  // Plot marks warnings with a ⚠️ text in the SVG; the warnings are returned instead.
  for (const t of Array.from(pass.figure.querySelectorAll("text"))) if ((t.textContent ?? "").includes("\u26a0")) t.remove();
  // Legends are separate SVGs with Plot's default font: use the report's.
  const fontSize = opts.fontSize ?? defaultFontSize;
  for (const s of [pass.figure, ...Array.from(pass.figure.querySelectorAll("svg"))]) {
    if (s.tagName.toLowerCase() !== "svg") continue;
    s.setAttribute("font-family", opts.fontFamily);
    s.setAttribute("font-size", String(fontSize));
  }
  const missing = [...leftOut.values()].reduce((n, s) => n + s.size, 0);
  if (missing) note = [note, msg(opts.locale).charts.pointsLeftOut(missing)].filter(Boolean).join(" ");
  return { svg: trustSerializedSvg(pass.figure.outerHTML), warnings: [...new Set(warnings)], ...(note ? { note } : {}) };
}
