// ReportDocument → one self-contained HTML string. Pure: the same document gives the same
// bytes (no clock, no network, no environment). Charts are rendered here through charts/
// (or a function the caller passes), tables and KPIs are formatted by the locale helpers, and
// a plain view model is handed to the Handlebars templates in templates/.
//
// Escaping: templates use {{ }} everywhere; {{{ }}} only for chart markup (TrustedSvg, which
// charts/ serialised through the DOM) and for markdown HTML (rendered with raw HTML escaped).
//
// Page numbers in the table of contents need a printed layout: each entry's number is an empty
// slot marked data-page-of="<anchor id>" that print/ fills in from the printed PDF (see
// print/report.ts); the HTML is rendered once.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type Handlebars from "handlebars";
import type { Locale, Row } from "../core/vocabulary.js";
import { renderChart, type ChartResult } from "../charts/index.js";
import { ChurnbookError } from "../util/errors.js";
import type { CellOutput, ColumnSpec, KpiItem, ReportDocument, ValueFormat } from "./document.js";
import { columnFormat, computeDelta, deltaTone, formatDate, formatInteger, formatPeriod, formatValue, missing, toFiniteNumber } from "../util/format.js";
import { createHandlebars } from "./helpers.js";
import { label } from "./labels.js";
import { findingText } from "./findings.js";
import { msg } from "../locales/index.js";
import { renderMarkdown } from "./markdown.js";
import { templates as precompiled } from "./templates-compiled.js";

/** How the report templates are compiled (at run time, or by the build: render/precompile.ts). */
export const templateCompileOptions = { strict: false } as const;

/** The precompiled template for `key` when it was compiled from this very source by this Handlebars. */
function precompiledTemplate(hb: typeof Handlebars, key: string, source: string): HandlebarsTemplateDelegate | undefined {
  const t = precompiled?.[key];
  return t && t.source === source && t.version === hb.VERSION ? hb.template(t.spec) : undefined;
}

/** Heading of the note box after a cell whose analysis left notes (see runner/cells.ts). */
const notesHeading: Record<Locale, string> = { "zh-CN": "分析说明", "en-US": "Notes on this result" };

/** The report's font stack: locally installed CJK-capable fonts only. */
export const reportFontStack = `"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif`;

export type ChartCell = Extract<CellOutput, { kind: "chart" }>;

export interface ChartRenderContext {
  locale: Locale;
  currency: string;
  fontFamily: string;
  accent: string;
  /** Width in CSS px of the column the chart sits in. */
  width: number;
  /** Colours of categorical series (the theme's --chart-palette, brand colours first). */
  palette?: string[];
}

export interface RenderOptions {
  /** Renders a chart cell; default: charts/renderChart with the report's locale, font and width. */
  charts?: (cell: ChartCell, ctx: ChartRenderContext) => ChartResult;
  /** Directory of layout.hbs, partials/ and themes/ (default: the package's templates/). */
  templatesDir?: string;
}

export interface TocEntry {
  /** The anchor id in the HTML. */
  id: string;
  text: string;
  /** 1: sections (markdown h1/h2, appendix); 2: chart and table titles. */
  level: 1 | 2;
}

export interface RenderedReport {
  html: string;
  warnings: string[];
  toc: TocEntry[];
}

const numericFormats = new Set<ValueFormat>(["number", "integer", "percent", "currency", "months", "days"]);
/** Values that must not wrap mid-value (a date split after 10月8 reads badly). */
const nowrapFormats = new Set<ValueFormat>([...numericFormats, "date", "period"]);
/** Tables with more columns than this go on a landscape page. */
export const wideTableColumns = 7;
/**
 * A landscape page holds this many columns legibly; a wider table shows its first columns and
 * names the others under it, rather than the printer shrinking every page to fit it.
 */
export const maxTableColumns = 12;

// Column widths in CSS px (96/in) of the printed content box, for charts.
const contentWidthPx = { A4: { portrait: 672, landscape: 1030 }, Letter: { portrait: 696, landscape: 972 } } as const;
const coverHeight = { A4: { portrait: "250mm", landscape: "160mm" }, Letter: { portrait: "232mm", landscape: "168mm" } } as const;

const defaultTemplatesDir = fileURLToPath(new URL("../../templates/", import.meta.url));
const defaultAccent = "#1f4e79";
/** Plot's default categorical colours (observable10), after a brand's own. */
const observable10 = ["#4269d0", "#efb118", "#ff725c", "#6cc5b0", "#3ca951", "#ff8ab7", "#a463f2", "#97bbf5", "#9c6b4e", "#9498a0"];

interface TemplateSet {
  layout: string;
  partials: Record<string, string>;
  themes: Record<string, string>;
}

const templateCache = new Map<string, TemplateSet>();

/** Reads layout.hbs, partials/*.hbs and themes/*.css once per directory (package assets). */
export function loadTemplates(dir: string = defaultTemplatesDir): TemplateSet {
  const cached = templateCache.get(dir);
  if (cached) return cached;
  const read = (p: string) => readFileSync(p, "utf8");
  const partials: Record<string, string> = {};
  for (const f of readdirSync(`${dir}/partials`).sort()) if (f.endsWith(".hbs")) partials[f.slice(0, -4)] = read(`${dir}/partials/${f}`);
  const themes: Record<string, string> = {};
  if (existsSync(`${dir}/themes`)) for (const f of readdirSync(`${dir}/themes`).sort()) if (f.endsWith(".css")) themes[f.slice(0, -4)] = read(`${dir}/themes/${f}`);
  const set = { layout: read(`${dir}/layout.hbs`), partials, themes };
  templateCache.set(dir, set);
  return set;
}

/** A theme's chart palette: its `--chart-palette: #a, #b, …;` declaration (none: Plot's default). */
export function themePalette(css: string): string[] {
  const m = /--chart-palette\s*:\s*([^;}]+)/.exec(css);
  return m ? m[1]!.split(",").map((c) => c.trim()).filter((c) => /^#[0-9a-f]{6}$/i.test(c)) : [];
}

/** Theme names: "corporate" is the default theme. */
const themeAliases: Record<string, string> = { corporate: "default" };

/** A colour we can put in a style attribute: hex, rgb()/hsl() or a CSS name. */
export function isCssColor(value: string): boolean {
  return /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(value) || /^(rgb|hsl)a?\(\s*[\d.%\s,/-]+\)$/i.test(value) || /^[a-z]{3,20}$/i.test(value);
}

/** Anchor ids from cell ids: letters, digits, - and _ only, unique within the report. */
function anchorMaker(): (base: string) => string {
  const used = new Set<string>();
  return (base) => {
    const clean = base.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "") || "x";
    let id = /^[A-Za-z]/.test(clean) ? clean : `s-${clean}`;
    for (let i = 2; used.has(id); i++) id = `${clean}-${i}`;
    used.add(id);
    return id;
  };
}

interface KpiDeltaView {
  label: string;
  text: string;
  arrow: string;
  tone: "good" | "bad" | "neutral";
}

function kpiView(item: KpiItem, locale: Locale, currency: string) {
  const deltas: KpiDeltaView[] = [];
  const add = (key: "vsPrevious" | "vsLastYear", base: number | null | undefined) => {
    if (base === undefined) return;
    const d = computeDelta(item.value, base, item.format, locale);
    deltas.push({ label: label(key, locale), text: d.text, arrow: d.direction === "up" ? "▲" : d.direction === "down" ? "▼" : "", tone: deltaTone(d.direction, item.better) });
  };
  add("vsPrevious", item.previous);
  add("vsLastYear", item.lastYear);
  return { label: item.label, value: formatValue(item.value, item.format, locale, currency, { compact: item.format === "currency" }), deltas };
}

/**
 * Page breaks in a long table: its first and last rows stay together (a title, a header and one
 * row at the foot of a page, or "14 + 1" — a last row alone on the next page — never happen),
 * and a short table is never split at all.
 */
const keptRows = 3;
const unsplitTableRows = 6;

/** What a cell's value sorts by in the HTML (the sort script): the raw number or ISO date. */
function sortKey(value: Row[string] | undefined, format: ValueFormat): string | undefined {
  if (numericFormats.has(format)) {
    const n = toFiniteNumber(value);
    return n === null ? undefined : String(n);
  }
  return (format === "date" || format === "period") && typeof value === "string" ? value : undefined;
}

function tableView(columns: ColumnSpec[], rows: Row[], locale: Locale, currency: string) {
  // One number format per column: the same decimals in every cell of it.
  const formats = columns.map((c) => columnFormat(rows.map((r) => r[c.key]), c.format));
  const cells = rows.map((r, index) => ({
    alt: index % 2 === 1,
    cells: columns.map((c, i) => {
      const text = formatValue(r[c.key] ?? null, c.format, locale, currency, formats[i]);
      return { text, numeric: numericFormats.has(c.format), nowrap: nowrapFormats.has(c.format), missing: text === missing, sort: sortKey(r[c.key], c.format) };
    }),
  }));
  const split = cells.length > unsplitTableRows;
  const bodies = split
    ? [
        { keep: true, rows: cells.slice(0, keptRows) },
        { keep: false, rows: cells.slice(keptRows, -keptRows) },
        { keep: true, rows: cells.slice(-keptRows) },
      ]
    : cells.length ? [{ keep: false, rows: cells }] : [];
  return {
    columns: columns.map((c) => ({ label: c.label, numeric: numericFormats.has(c.format), nowrap: nowrapFormats.has(c.format) })),
    bodies,
    empty: rows.length === 0,
    unsplit: !split,
  };
}

/** Renders the report document to self-contained HTML. */
export function renderReport(doc: ReportDocument, options: RenderOptions = {}): RenderedReport {
  const { locale, currency } = doc;
  const warnings: string[] = [];
  const templates = loadTemplates(options.templatesDir);
  const brand = doc.brand;
  const asked = brand?.theme ?? (doc.theme.name || "default");
  const themeName = themeAliases[asked] ?? asked;
  const theme = templates.themes[themeName];
  if (theme === undefined) {
    throw new ChurnbookError("unknown-theme", `unknown theme "${themeName}"`, { hint: `themes: corporate (default), ${Object.keys(templates.themes).filter((t) => t !== "default").join(", ")}` });
  }
  let accent = brand?.primary ?? doc.theme.accent ?? defaultAccent;
  if (!isCssColor(accent)) {
    warnings.push(`theme: invalid accent colour "${accent}", using ${defaultAccent}`);
    accent = defaultAccent;
  }
  const size = doc.page.size;
  const orientation = doc.page.orientation;
  // A brand's fonts come first; the CJK-capable stack stays as the fallback.
  const fontStack = brand?.fonts.length ? [...brand.fonts.map((f) => `"${f}"`), reportFontStack].join(", ") : reportFontStack;
  const basePalette = themePalette(theme);
  const brandColors = brand ? [brand.primary, brand.accent].filter((c): c is string => Boolean(c)) : [];
  const palette = basePalette.length || brandColors.length ? [...new Set([...brandColors, ...(basePalette.length ? basePalette : observable10)])] : undefined;
  const chartCtx = (wide: boolean): ChartRenderContext => ({
    locale,
    currency,
    fontFamily: fontStack,
    accent,
    width: contentWidthPx[size][wide ? "landscape" : orientation],
    ...(palette ? { palette } : {}),
  });
  const drawChart = options.charts ?? ((cell: ChartCell, ctx: ChartRenderContext) => renderChart(cell.chart, cell.data, ctx));

  const anchor = anchorMaker();
  const toc: TocEntry[] = [];
  const cells: Record<string, unknown>[] = [];
  for (const cell of doc.cells) {
    switch (cell.kind) {
      case "markdown": {
        const md = renderMarkdown(cell.markdown, { idPrefix: anchor(`sec-${cell.id}`) });
        for (const h of md.headings) toc.push({ id: h.id, text: h.text, level: 1 });
        cells.push({ partial: "markdown", id: cell.id, markdownHtml: md.html });
        break;
      }
      case "kpi":
        cells.push({ partial: "kpi", id: cell.id, title: cell.title, items: cell.items.map((i) => kpiView(i, locale, currency)) });
        break;
      case "chart": {
        const wide = cell.landscape === true;
        const title = cell.title ?? cell.chart.title;
        const id = anchor(`fig-${cell.id}`);
        if (title) toc.push({ id, text: title, level: 2 });
        try {
          const r = drawChart(cell, chartCtx(wide));
          for (const w of r.warnings) warnings.push(`cell "${cell.id}": ${w}`);
          cells.push({ partial: "chart", id: cell.id, anchor: id, title, subtitle: cell.chart.subtitle, caption: [cell.caption ?? cell.chart.caption, r.note].filter(Boolean).join(" ") || undefined, svg: r.svg, wide });
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          warnings.push(`cell "${cell.id}": chart failed: ${message}`);
          cells.push({ partial: "error", id: cell.id, message });
        }
        break;
      }
      case "table": {
        const wide = cell.landscape === true || cell.columns.length > wideTableColumns;
        const id = anchor(`tab-${cell.id}`);
        if (cell.title) toc.push({ id, text: cell.title, level: 2 });
        const shown = cell.columns.slice(0, maxTableColumns);
        const leftOut = cell.columns.slice(maxTableColumns).map((c) => c.label);
        const notes = [
          cell.totalRows > cell.rows.length ? label("rowsShown", locale, { shown: formatInteger(cell.rows.length, locale), total: formatInteger(cell.totalRows, locale) }) : undefined,
          leftOut.length ? label("columnsLeftOut", locale, { count: formatInteger(leftOut.length, locale), columns: msg(locale).list(leftOut) }) : undefined,
        ].filter((n): n is string => n !== undefined);
        cells.push({ partial: "table", id: cell.id, anchor: id, title: cell.title, caption: cell.caption, wide, note: notes.length ? msg(locale).clauses(notes) : undefined, ...tableView(shown, cell.rows, locale, currency) });
        break;
      }
      case "pagebreak":
        cells.push({ partial: "pagebreak", id: cell.id });
        break;
      case "error":
        cells.push({ partial: "error", id: cell.id, message: cell.message });
        break;
      default: {
        const never: never = cell;
        throw new Error(`invalid cell kind: ${JSON.stringify((never as { kind: unknown }).kind)}`);
      }
    }
    // The analysis notes of the result this cell shows first: a note box right after it.
    if ((cell.kind === "chart" || cell.kind === "table" || cell.kind === "kpi" || cell.kind === "markdown") && cell.notes?.length) {
      // On the cell's (landscape) page when the cell is wide.
      const wide = cell.kind === "kpi" || cell.kind === "markdown" ? false : cell.landscape === true || (cell.kind === "table" && cell.columns.length > wideTableColumns);
      cells.push({ partial: "notes", id: `${cell.id}-notes`, heading: notesHeading[locale], notes: cell.notes, wide });
    }
  }
  const appendixAnchor = anchor("appendix-title");
  const withAppendix = doc.appendix.level !== "none";
  if (withAppendix) toc.push({ id: appendixAnchor, text: label("appendix", locale), level: 1 });

  const coverage = doc.appendix.coverage.map((c) => ({
    name: c.name,
    role: c.role,
    path: c.path,
    rows: formatInteger(c.rows, locale),
    dropped: formatInteger(c.dropped, locale),
    droppedReasons: c.findings ? c.findings.map((f) => findingText(f, locale)) : c.droppedReasons,
    dateRange: c.minDate || c.maxDate ? `${formatDate(c.minDate, locale)} – ${formatDate(c.maxDate, locale)}` : missing,
  }));

  const view = {
    lang: locale,
    title: doc.title,
    description: doc.description,
    client: doc.client,
    logoText: brand?.logo ? undefined : doc.theme.logoText,
    logoUri: brand?.logo?.dataUri,
    coverText: brand?.coverText,
    brandCss: brand?.fontFaceCss,
    fontStack: brand?.fonts.length ? fontStack : undefined,
    accent2: brand?.accent,
    periodText: formatPeriod(doc.period.label, locale),
    generatedText: formatDate(doc.generatedAt, locale),
    accent,
    page: { size, orientation, wideOrientation: "landscape", coverHeight: coverHeight[size][orientation] },
    toc,
    cells,
    appendix: withAppendix ? { anchor: appendixAnchor, definitions: doc.appendix.definitions, conventions: doc.appendix.conventions, coverage, summaryRules: doc.summary?.rules ?? [] } : null,
    // Page one (templates/partials/summary.hbs): the cover style and the executive summary.
    coverFull: (doc.cover ?? "full") === "full",
    coverCompact: doc.cover === "compact",
    summary: doc.summary,
  };

  const hb = createHandlebars({ locale, currency });
  for (const [name, source] of Object.entries(templates.partials)) hb.registerPartial(name, precompiledTemplate(hb, `partial:${name}`, source) ?? source);
  hb.registerPartial("theme", theme);
  const layout = precompiledTemplate(hb, "layout", templates.layout) ?? hb.compile(templates.layout, templateCompileOptions);
  const html = layout(view);
  return { html, warnings: [...new Set(warnings)], toc };
}
