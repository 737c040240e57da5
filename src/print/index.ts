// Public API of print/: HTML → PDF in headless Chromium (the pipeline's browser edge).

export { printReport, runningHeader, type PrintReportOptions, type PrintedReport } from "./report.js";
export { printPdf, printPage, headerTemplate, footerTemplate, type PdfOptions, type PrintedPage } from "./pdf.js";
export { resolveBrowser, launchBrowser, launchArgs, systemBrowserPaths, type BrowserEnv, type BrowserSession } from "./browser.js";
export { assertFontCoverage, missingCharacters, fontconfigCoverage, coverageFromRanges, parseCharsets, describeCharacter, type FontCoverage } from "./fonts.js";
export { namedDestinationPages } from "./pdf-dests.js";
