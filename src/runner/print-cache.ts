// The printed outputs of a document through the cell cache: the HTML and the PDF are functions
// of the document (its generation day, not the second: the cover shows the date), the templates
// and the code (churnbookVersion fingerprints both), so an unchanged report is neither drawn nor
// printed again. Within one process, charts are drawn once per (spec, data, size). The HTML is
// rendered once and handed to print/, which prints it once (the table of contents' pages are
// measured in the loaded page before printing, see print/paginate.ts).

import type { ChartResult } from "../charts/index.js";
import type { ReportDocument } from "../render/document.js";
import type { ChartCell, ChartRenderContext, RenderOptions } from "../render/index.js";
import type { BrowserSession } from "../print/browser.js";
import { cacheKey, churnbookVersion, type CellCache } from "./cache.js";

/** The document as printed: the generation time only to the day. */
export function printable(doc: ReportDocument): ReportDocument {
  return { ...doc, generatedAt: doc.generatedAt.slice(0, 10) };
}

const drawn = new Map<string, ChartResult>();

/**
 * A chart renderer that draws each (chart, data, context) once per process. The charts and
 * render modules (Plot, d3) load only when something is drawn: a report served from the
 * cache never loads them.
 */
export async function memoizedCharts(): Promise<NonNullable<RenderOptions["charts"]>> {
  const { renderChart } = await import("../charts/index.js");
  return (cell: ChartCell, ctx: ChartRenderContext) => {
    const key = cacheKey(cell.chart, cell.data, ctx);
    let r = drawn.get(key);
    if (!r) {
      r = renderChart(cell.chart, cell.data, ctx);
      drawn.set(key, r);
      if (drawn.size > 500) drawn.delete(drawn.keys().next().value!);
    }
    return r;
  };
}

export interface CachedHtml {
  html: string;
  warnings: string[];
  cached: boolean;
}

/** The report's HTML, from the cache when the document is unchanged. */
export async function renderHtmlCached(doc: ReportDocument, cache?: CellCache): Promise<CachedHtml> {
  const key = cache ? `${cacheKey("html", churnbookVersion(), printable(doc))}` : null;
  const hit = key ? await cache!.get<{ html: string; warnings: string[] }>("print", key) : undefined;
  if (hit) return { ...hit, cached: true };
  const { renderReport } = await import("../render/index.js");
  const r = renderReport(doc, { charts: await memoizedCharts() });
  if (key) await cache!.put("print", key, { html: r.html, warnings: r.warnings });
  return { html: r.html, warnings: r.warnings, cached: false };
}

export interface CachedPdf {
  pdf: Uint8Array;
  /** The printed HTML (with table-of-contents page numbers). */
  html: string;
  /** The printer's warnings (the HTML's own are renderHtmlCached's). */
  warnings: string[];
  pageCount: number;
  cached: boolean;
  /** Times the browser printed it: 0 from the cache, 1 when the measured pages were right. */
  prints: number;
}

export interface PrintCachedOptions {
  cache?: CellCache;
  /** Print with this browser instead of launching one (awaited only when printing). */
  session?: BrowserSession | Promise<BrowserSession>;
  /** The document's HTML when the caller has it (else rendered, or taken from the cache). */
  html?: string;
}

/** The report's PDF (and printed HTML), from the cache when the document is unchanged. */
export async function printCached(doc: ReportDocument, options: PrintCachedOptions = {}): Promise<CachedPdf> {
  const { cache, session } = options;
  const key = cache ? cacheKey("pdf", churnbookVersion(), printable(doc)) : null;
  if (key) {
    const meta = await cache!.get<{ html: string; warnings: string[]; pageCount: number }>("print", key);
    const pdf = meta ? await cache!.getBytes("print", key) : undefined;
    if (meta && pdf) return { ...meta, pdf, cached: true, prints: 0 };
  }
  const html = options.html ?? (await renderHtmlCached(doc, cache)).html;
  const [{ printReport }, { printSetup }] = await Promise.all([import("../print/index.js"), import("../render/index.js")]);
  // Dated by the document's day, like its cache key: the same report prints the same bytes.
  const printed = await printReport(html, printSetup(doc), { session: await session, date: printable(doc).generatedAt });
  if (key) {
    await cache!.putBytes("print", key, printed.pdf);
    await cache!.put("print", key, { html: printed.html, warnings: printed.warnings, pageCount: printed.pageCount });
  }
  return { pdf: printed.pdf, html: printed.html, warnings: printed.warnings, pageCount: printed.pageCount, cached: false, prints: printed.prints };
}
