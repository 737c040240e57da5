// ReportDocument → PDF, with page numbers in the table of contents. Chromium supports no
// target-counter(), so this prints twice: the first print's named destinations (one per TOC
// anchor, see pdf-dests.ts) give each entry's page; the document is rendered again with
// those numbers and printed. Page numbers take a fixed-width slot in the TOC, so filling
// them in does not move anything; a third print happens only if the pages still moved.

import type { ReportDocument } from "../render/document.js";
import { formatPeriod } from "../util/format.js";
import { renderReport, type RenderOptions } from "../render/render-report.js";
import { launchBrowser, type BrowserSession } from "./browser.js";
import type { FontCoverage } from "./fonts.js";
import { namedDestinationPages } from "./pdf-dests.js";
import { printPage } from "./pdf.js";

export interface PrintReportOptions {
  /** Passed to renderReport (e.g. a chart renderer); tocPages is filled in here. */
  render?: Omit<RenderOptions, "tocPages">;
  /** Reuse a launched browser (batch runs); default: launch one and close it. */
  session?: BrowserSession;
  fontCheck?: boolean | FontCoverage;
  timeoutMs?: number;
}

export interface PrintedReport {
  pdf: Uint8Array;
  /** The HTML that was printed (with TOC page numbers). */
  html: string;
  warnings: string[];
  /** Page of each TOC entry, by anchor id. */
  tocPages: Record<string, number>;
  pageCount: number;
}

/** Running header: client · period (e.g. "Acme Retail · October 2026"). */
export function runningHeader(doc: ReportDocument): string {
  return [doc.client, formatPeriod(doc.period.label, doc.locale)].filter((s): s is string => Boolean(s)).join(" · ");
}

function samePages(a: Record<string, number>, b: Record<string, number>): boolean {
  const ka = Object.keys(a), kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => a[k] === b[k]);
}

function countPages(pdf: Uint8Array): number {
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString("latin1");
  return (text.match(/\/Type\s*\/Page\b/g) ?? []).length;
}

export async function printReport(doc: ReportDocument, options: PrintReportOptions = {}): Promise<PrintedReport> {
  const session = options.session ?? (await launchBrowser());
  try {
    const pdfOptions = {
      size: doc.page.size,
      landscape: doc.page.orientation === "landscape",
      headerText: runningHeader(doc),
      footerText: doc.brand?.footerText ?? doc.title,
      headerLogo: doc.brand?.logo?.dataUri,
      locale: doc.locale,
      session,
      fontCheck: options.fontCheck,
      timeoutMs: options.timeoutMs,
    };
    let rendered = renderReport(doc, options.render);
    const warnings = [...rendered.warnings];
    let printed = await printPage(rendered.html, pdfOptions);
    warnings.push(...printed.warnings);
    const ids = rendered.toc.map((e) => e.id);
    const pagesOf = (pdf: Uint8Array) => {
      const dests = namedDestinationPages(pdf);
      return Object.fromEntries(ids.filter((id) => dests.has(id)).map((id) => [id, dests.get(id)!]));
    };
    let tocPages = pagesOf(printed.pdf);
    if (ids.length > 0) {
      if (Object.keys(tocPages).length < ids.length) {
        warnings.push(`table of contents: no page number for ${ids.filter((id) => !(id in tocPages)).join(", ")}`);
      }
      for (let pass = 0; pass < 2; pass++) {
        rendered = renderReport(doc, { ...options.render, tocPages });
        printed = await printPage(rendered.html, { ...pdfOptions, fontCheck: false });
        const again = pagesOf(printed.pdf);
        if (samePages(again, tocPages)) break;
        tocPages = again;
      }
    }
    return { pdf: printed.pdf, html: rendered.html, warnings: [...new Set(warnings)], tocPages, pageCount: countPages(printed.pdf) };
  } finally {
    if (!options.session) await session.close();
  }
}
