// A rendered report → PDF, with page numbers in its table of contents, in one print. Chromium
// supports no target-counter(), so render/ marks each number's slot with data-page-of="<anchor
// id>" and gives it a fixed width (the digits written into it move nothing). The HTML is loaded
// once; paginate.ts measures in the loaded page where every anchor will be printed, the slots are
// filled with those pages, and the page is printed. The PDF's named destinations (pdf-dests.ts,
// the browser's own pagination) then check every number: when one is off — a layout the
// measurement cannot imitate — the slots are corrected in the loaded page and it prints again
// (a third time only if the pages still moved).

import { launchBrowser, type BrowserSession } from "./browser.js";
import type { FontCoverage } from "./fonts.js";
import { namedDestinationPages } from "./pdf-dests.js";
import { predictPages } from "./paginate.js";
import { loadPage, type PdfOptions } from "./pdf.js";

/** How the report is printed: page size, running header and footer (render/ makes these from the document). */
export type PrintSetup = Omit<PdfOptions, "session" | "fontCheck" | "timeoutMs">;

export interface PrintReportOptions {
  /** Reuse a launched browser (batch runs); default: launch one and close it. */
  session?: BrowserSession;
  fontCheck?: boolean | FontCoverage;
  timeoutMs?: number;
  /** The day (YYYY-MM-DD) written as the PDF's creation and modification date; default: the time of printing. */
  date?: string;
}

export interface PrintedReport {
  pdf: Uint8Array;
  /** The HTML that was printed (its page slots filled in). */
  html: string;
  warnings: string[];
  /** Page of each TOC entry, by anchor id. */
  tocPages: Record<string, number>;
  pageCount: number;
  /** How many times the page was printed: 1 when the measured pages were right (or there are no slots). */
  prints: number;
}

// Slots: an element whose attribute data-page-of names an anchor, with only text inside.
// render/ makes anchor ids of [A-Za-z0-9_-] only, so the attribute needs no unescaping.
const slot = /(<([a-z][a-z0-9]*)\b[^>]*\sdata-page-of="([^"]*)"[^>]*>)[^<]*(<\/\2>)/g;

/** The anchor ids whose page the HTML asks for, in document order, without repeats. */
export function pageRefIds(html: string): string[] {
  return [...new Set([...html.matchAll(slot)].map((m) => m[3]!))];
}

/** The HTML with each slot's text set to its anchor's page (empty when unknown). */
export function fillPageRefs(html: string, pages: Record<string, number>): string {
  return html.replace(slot, (_, open: string, _tag: string, id: string, close: string) => `${open}${pages[id] ?? ""}${close}`);
}

function samePages(a: Record<string, number>, b: Record<string, number>): boolean {
  const ka = Object.keys(a), kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => a[k] === b[k]);
}

/**
 * The PDF with the day as its creation and modification date (Chromium writes the second it
 * printed, so two prints of one report would differ there and nowhere else). Only the 14 digits
 * change: no byte offset moves.
 */
export function datePdf(pdf: Uint8Array, day: string): Uint8Array {
  if (!/^\d{4}-\d\d-\d\d$/.test(day)) return pdf;
  const digits = `${day.replace(/-/g, "")}000000`;
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString("latin1");
  return new Uint8Array(Buffer.from(text.replace(/(\/(?:CreationDate|ModDate)\s*\(D:)\d{14}/g, (_, key: string) => key + digits), "latin1"));
}

function countPages(pdf: Uint8Array): number {
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString("latin1");
  return (text.match(/\/Type\s*\/Page\b/g) ?? []).length;
}

export async function printReport(html: string, setup: PrintSetup, options: PrintReportOptions = {}): Promise<PrintedReport> {
  const ids = pageRefIds(html);
  const pagesOf = (pdf: Uint8Array): Record<string, number> => {
    const dests = namedDestinationPages(pdf);
    return Object.fromEntries(ids.filter((id) => dests.has(id)).map((id) => [id, dests.get(id)!]));
  };
  const session = options.session ?? (await launchBrowser());
  try {
    const loaded = await loadPage(fillPageRefs(html, {}), session, { ...setup, fontCheck: options.fontCheck, timeoutMs: options.timeoutMs });
    try {
      const warnings = [...loaded.warnings];
      const fill = (pages: Record<string, number>) =>
        loaded.page.evaluate((p: Record<string, number>) => {
          for (const el of document.querySelectorAll("[data-page-of]")) el.textContent = String(p[el.getAttribute("data-page-of")!] ?? "");
        }, pages);
      // tocPages: the numbers in the slots.
      let tocPages: Record<string, number> = {};
      if (ids.length > 0) {
        tocPages = (await predictPages(loaded.page, ids, setup)) ?? {};
        await fill(tocPages);
      }
      let pdf = await loaded.print();
      let prints = 1;
      if (ids.length > 0) {
        // The slots' fixed width keeps the first correction final in practice.
        for (let landed = pagesOf(pdf); !samePages(landed, tocPages); landed = pagesOf(pdf)) {
          if (prints === 3) {
            warnings.push("table of contents: the pages still moved after 3 prints; some page numbers may be off by one");
            break;
          }
          tocPages = landed;
          await fill(tocPages);
          pdf = await loaded.print();
          prints++;
        }
        const missing = ids.filter((id) => !(id in tocPages));
        if (missing.length) warnings.push(`table of contents: no page number for ${missing.join(", ")}`);
      }
      if (options.date) pdf = datePdf(pdf, options.date);
      return { pdf, html: ids.length ? fillPageRefs(html, tocPages) : html, warnings: [...new Set(warnings)], tocPages, pageCount: countPages(pdf), prints };
    } finally {
      await loaded.close();
    }
  } finally {
    if (!options.session) await session.close();
  }
}
