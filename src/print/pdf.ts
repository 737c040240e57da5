// HTML → PDF in headless Chromium. The page is offline: request interception aborts every
// request that is not data: or about: (a stray <img src="http://…"> fails closed instead
// of leaking a request). A running header (client · period) and a localised footer
// ("Page X of Y" / "第X页 共Y页") come from Chromium's header/footer templates; page sizes
// come from the CSS (@page and the named `wide` page), so preferCSSPageSize is on.

import type { Page } from "puppeteer-core";
import type { Locale } from "../analysis/types.js";
import { label } from "../render/labels.js";
import { reportFontStack } from "../render/render-report.js";
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
  locale: Locale;
  /** Reuse a launched browser (print/report.ts prints twice). Default: launch and close one. */
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

// Header and footer templates render in their own context: inline styles only, and an
// explicit font size (Chromium's default there is 0).
const chrome = `font-family: ${reportFontStack.replace(/"/g, "'")}; font-size: 7.5pt; color: #616e7c; width: 100%; margin: 0 16mm; display: flex; justify-content: space-between; align-items: center;`;

export function headerTemplate(headerText: string, logo?: string): string {
  const image = logo && /^data:image\/(png|jpeg|svg\+xml);base64,[A-Za-z0-9+/=]+$/.test(logo) ? `<img src="${logo}" style="height: 5mm; max-width: 30mm; object-fit: contain;">` : "";
  return `<div style="${chrome} padding-top: 3mm;"><span>${escapeHtml(headerText)}</span><span>${image}</span></div>`;
}

export function footerTemplate(footerText: string, locale: Locale): string {
  const counter = escapeHtml(label("pageXofY", locale, { page: "\u0000P", pages: "\u0000T" }))
    .replace("\u0000P", '<span class="pageNumber"></span>')
    .replace("\u0000T", '<span class="totalPages"></span>');
  return `<div style="${chrome} padding-bottom: 2mm;"><span>${escapeHtml(footerText)}</span><span>${counter}</span></div>`;
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

/** Prints HTML to PDF and reports the requests it blocked. */
export async function printPage(html: string, options: PdfOptions): Promise<PrintedPage> {
  const session = options.session ?? (await launchBrowser());
  const timeout = options.timeoutMs ?? 60_000;
  const blockedRequests: string[] = [];
  const warnings: string[] = [];
  const page = await session.browser.newPage();
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
      const text = (await pageText(page)) + options.headerText + (options.footerText ?? "") + label("pageXofY", options.locale, { page: 0, pages: 0 });
      warnings.push(...assertFontCoverage(text, typeof options.fontCheck === "object" ? options.fontCheck : undefined));
    }
    const pdf = await page.pdf({
      format: options.size,
      landscape: options.landscape,
      printBackground: true,
      preferCSSPageSize: true,
      displayHeaderFooter: true,
      headerTemplate: headerTemplate(options.headerText, options.headerLogo),
      footerTemplate: footerTemplate(options.footerText ?? "", options.locale),
      timeout,
    });
    return { pdf: new Uint8Array(pdf), blockedRequests, warnings };
  } catch (e) {
    if (e instanceof ChurnbookError) throw e;
    throw new ChurnbookError("print-failed", `printing the PDF failed: ${(e as Error).message.split("\n")[0]}`, { hint: "run with --debug for details; check that the browser starts (CHURNBOOK_CHROME)", cause: e });
  } finally {
    await page.close().catch(() => undefined);
    if (!options.session) await session.close();
  }
}

/** HTML → PDF bytes (offline, with running header and localised page footer). */
export async function printPdf(html: string, options: PdfOptions): Promise<Uint8Array> {
  return (await printPage(html, options)).pdf;
}
