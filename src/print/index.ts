// Public API of print/: HTML → PDF in headless Chromium (the pipeline's browser edge). It
// receives rendered HTML and its print setup (render/print-setup.ts); it never renders.

export { printReport, pageRefIds, fillPageRefs, type PrintSetup, type PrintReportOptions, type PrintedReport } from "./report.js";
export { printPdf, printPage, loadPage, headerTemplate, footerTemplate, type PdfOptions, type PrintedPage, type LoadedPage } from "./pdf.js";
export { resolveBrowser, launchBrowser, launchArgs, systemBrowserPaths, type BrowserEnv, type BrowserSession } from "./browser.js";
export { assertFontCoverage, missingCharacters, fontconfigCoverage, coverageFromRanges, parseCharsets, describeCharacter, type FontCoverage } from "./fonts.js";
export { namedDestinationPages } from "./pdf-dests.js";
