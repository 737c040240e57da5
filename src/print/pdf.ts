// HTML → PDF in headless Chromium. The page is offline: request interception aborts every
// request that is not data: or about: (a stray <img src="http://…"> fails closed instead
// of leaking a request). A running header (client · period) and a footer with a localised
// page counter ("Page X of Y" / "第X页 共Y页") come from Chromium's header/footer templates;
// page sizes come from the CSS (@page and the named `wide` page), so preferCSSPageSize is on.
// print/ receives finished HTML and the words around it: it never renders (render/ does).

import type { Page } from "puppeteer-core";
import { ChurnbookError } from "../util/errors.js";
import { launchBrowser, type BrowserSession } from "./browser.js";
import { assertFontCoverage, type FontCoverage } from "./fonts.js";

export interface PdfOptions {
  size: "A4" | "Letter";
  landscape: boolean;
  /** Running header, e.g. "Acme Retail · October 2026". */
  headerText: string;
  /** A logo (data: URI) at the right of the running header. */
  headerLogo?: string;
  /** Left side of the footer (e.g. the report title); the page counter is always on the right. */
  footerText?: string;
  /** The footer's page counter in the report's language, {page} and {pages} standing for the numbers. */
  pageCounter?: string;
  /** Font of the running header and footer (CSS font-family); default sans-serif. */
  fontFamily?: string;
  /** Reuse a launched browser (a batch prints every report with one). Default: launch and close one. */
  session?: BrowserSession;
  /** Check glyph coverage before printing (default true); a custom coverage for tests. */
  fontCheck?: boolean | FontCoverage;
  /** Milliseconds for loading and printing. Default 60 s. */
  timeoutMs?: number;
}

export interface PrintedPage {
  pdf: Uint8Array;
  /** URLs of requests the page tried to make, all aborted. */
  blockedRequests: string[];
  warnings: string[];
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const defaultCounter = "Page {page} of {pages}";

// Header and footer templates render in their own context: inline styles only, and an
// explicit font size (Chromium's default there is 0).
function chrome(fontFamily = "sans-serif"): string {
  return `font-family: ${escapeHtml(fontFamily.replace(/"/g, "'"))}; font-size: 7.5pt; color: #616e7c; width: 100%; margin: 0 16mm; display: flex; justify-content: space-between; align-items: center;`;
}

export function headerTemplate(headerText: string, logo?: string, fontFamily?: string): string {
  const image = logo && /^data:image\/(png|jpeg|svg\+xml);base64,[A-Za-z0-9+/=]+$/.test(logo) ? `<img src="${logo}" style="height: 5mm; max-width: 30mm; object-fit: contain;">` : "";
  return `<div style="${chrome(fontFamily)} padding-top: 3mm;"><span>${escapeHtml(headerText)}</span><span>${image}</span></div>`;
}

export function footerTemplate(footerText: string, pageCounter = defaultCounter, fontFamily?: string): string {
  const counter = escapeHtml(pageCounter)
    .replace("{page}", '<span class="pageNumber"></span>')
    .replace("{pages}", '<span class="totalPages"></span>');
  return `<div style="${chrome(fontFamily)} padding-bottom: 2mm;"><span>${escapeHtml(footerText)}</span><span>${counter}</span></div>`;
}

async function pageText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const parent = n.parentElement?.tagName.toLowerCase();
      if (parent === "style" || parent === "script" || parent === "title") continue;
      out.push(n.nodeValue ?? "");
    }
    return out.join("\n");
  });
}

/** A report loaded in a browser page, ready to print (and to print again after changes). */
export interface LoadedPage {
  page: Page;
  /** URLs of requests the page tried to make, all aborted. */
  blockedRequests: string[];
  warnings: string[];
  print(): Promise<Uint8Array>;
  close(): Promise<void>;
}

function printFailed(e: unknown): unknown {
  if (e instanceof ChurnbookError) return e;
  return new ChurnbookError("print-failed", `printing the PDF failed: ${(e as Error).message.split("\n")[0]}`, { hint: "run with --debug for details; check that the browser starts (CHURNBOOK_CHROME)", cause: e });
}

/** Loads HTML into a new page of the session (offline, fonts loaded, glyphs checked). */
export async function loadPage(html: string, session: BrowserSession, options: Omit<PdfOptions, "session">): Promise<LoadedPage> {
  const timeout = options.timeoutMs ?? 60_000;
  const blockedRequests: string[] = [];
  const warnings: string[] = [];
  const page = await session.browser.newPage().catch((e: unknown) => {
    throw printFailed(e);
  });
  const close = () => page.close().catch(() => undefined);
  try {
    page.setDefaultTimeout(timeout);
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
    page.on("request", (request) => {
      const url = request.url();
      if (url.startsWith("data:") || url.startsWith("about:")) {
        void request.continue();
      } else {
        blockedRequests.push(url);
        void request.abort("blockedbyclient");
      }
    });
    await page.setContent(html, { waitUntil: "load", timeout });
    await page.evaluate(async () => {
      await document.fonts.ready;
    });
    if (options.fontCheck !== false) {
      const counter = (options.pageCounter ?? defaultCounter).replace("{page}", "0").replace("{pages}", "0");
      const text = (await pageText(page)) + options.headerText + (options.footerText ?? "") + counter;
      warnings.push(...assertFontCoverage(text, typeof options.fontCheck === "object" ? options.fontCheck : undefined));
    }
  } catch (e) {
    await close();
    throw printFailed(e);
  }
  const pdfOptions = {
    format: options.size,
    landscape: options.landscape,
    printBackground: true,
    preferCSSPageSize: true,
    displayHeaderFooter: true,
    headerTemplate: headerTemplate(options.headerText, options.headerLogo, options.fontFamily),
    footerTemplate: footerTemplate(options.footerText ?? "", options.pageCounter, options.fontFamily),
    timeout,
  } as const;
  return {
    page,
    blockedRequests,
    warnings,
    async print() {
      try {
        return new Uint8Array(await page.pdf(pdfOptions));
      } catch (e) {
        throw printFailed(e);
      }
    },
    close,
  };
}

/** Prints HTML to PDF and reports the requests it blocked. */
export async function printPage(html: string, options: PdfOptions): Promise<PrintedPage> {
  const session = options.session ?? (await launchBrowser());
  try {
    const loaded = await loadPage(html, session, options);
    try {
      return { pdf: await loaded.print(), blockedRequests: loaded.blockedRequests, warnings: loaded.warnings };
    } finally {
      await loaded.close();
    }
  } finally {
    if (!options.session) await session.close();
  }
}

/** HTML → PDF bytes (offline, with running header and localised page footer). */
export async function printPdf(html: string, options: PdfOptions): Promise<Uint8Array> {
  return (await printPage(html, options)).pdf;
}
