// How a document is printed: page size, running header, footer and the page counter in the
// report's language. print/ receives these words with the HTML and renders nothing itself.

import { formatPeriod } from "../util/format.js";
import type { ReportDocument } from "./document.js";
import { label } from "./labels.js";
import { reportFontStack } from "./render-report.js";

/** Running header: client · period (e.g. "Acme Retail · October 2026"). */
export function runningHeader(doc: ReportDocument): string {
  return [doc.client, formatPeriod(doc.period.label, doc.locale)].filter((s): s is string => Boolean(s)).join(" · ");
}

/** The print setup of a document (print/report.ts PrintSetup). */
export function printSetup(doc: ReportDocument) {
  return {
    size: doc.page.size,
    landscape: doc.page.orientation === "landscape",
    headerText: runningHeader(doc),
    headerLogo: doc.brand?.logo?.dataUri,
    footerText: doc.brand?.footerText ?? doc.title,
    // "第{page}页 共{pages}页": Chromium's footer fills in the numbers.
    pageCounter: label("pageXofY", doc.locale),
    fontFamily: reportFontStack,
  };
}
