import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type BrowserSession } from "../../src/print/browser.js";
import { assertFontCoverage, coverageFromRanges, fontconfigCoverage, missingCharacters, parseCharsets } from "../../src/print/fonts.js";
import { namedDestinationPages } from "../../src/print/pdf-dests.js";
import { printPage, printPdf } from "../../src/print/pdf.js";
import { fillPageRefs, pageRefIds, printReport } from "../../src/print/report.js";
import { printSetup, renderReport } from "../../src/render/index.js";
import { resolveBrowser } from "../../src/print/browser.js";
import { isChurnbookError } from "../../src/util/errors.js";
import { fixtureDocument } from "../render/fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "churnbook-print-test-"));
let session: BrowserSession;

beforeAll(async () => {
  session = await launchBrowser();
});
afterAll(async () => {
  await session?.close();
  rmSync(dir, { recursive: true, force: true });
});

function pdfText(pdf: Uint8Array, page?: number): string {
  const file = join(dir, `t-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  const range = page ? ["-f", String(page), "-l", String(page)] : [];
  return execFileSync("pdftotext", [...range, "-layout", file, "-"], { encoding: "utf8" });
}

function pdfPages(pdf: Uint8Array): number {
  const file = join(dir, `i-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  return Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [file], { encoding: "utf8" }))![1]);
}

describe("printReport (zh-CN)", () => {
  const doc = fixtureDocument("zh-CN", { atRiskRows: 12 });
  const { html } = renderReport(doc);
  const setup = printSetup(doc);
  let first: Awaited<ReturnType<typeof printReport>>;

  it("prints the report with title, Chinese text, footer and TOC page numbers", async () => {
    const r = (first = await printReport(html, setup, { session }));
    expect(r.warnings).toEqual([]);
    // Nothing expected: one print to learn the pages, one with them.
    expect(r.prints).toBe(2);
    const text = pdfText(r.pdf);
    expect(text).toContain("2026年10月客户流失与留存月报");
    expect(text).toContain("客户流失率");
    expect(text).toMatch(/第1页\s*共\d+页/);
    expect(text).toContain("华东区零售事业部 · 2026年10月");
    const pages = pdfPages(r.pdf);
    expect(pages).toBe(r.pageCount);
    expect(pages).toBeGreaterThanOrEqual(6);
    expect(pages).toBeLessThanOrEqual(10);
    // Every TOC entry has a page, and that page holds the entry's text.
    expect(Object.keys(r.tocPages)).toEqual(pageRefIds(html));
    const tocText = pdfText(r.pdf, 2);
    for (const page of Object.values(r.tocPages)) {
      expect(page).toBeGreaterThanOrEqual(3);
      expect(tocText).toMatch(new RegExp(`\\s${page}\\s`));
    }
    expect(pdfText(r.pdf, r.tocPages["appendix-title"])).toContain("附录");
    expect(pdfText(r.pdf, r.tocPages["tab-at-risk"])).toContain("高风险客户名单");
    // The written HTML carries the same numbers.
    expect(r.html).toBe(fillPageRefs(html, r.tocPages));
    expect(r.html).toContain(`data-page-of="appendix-title">${r.tocPages["appendix-title"]}</span>`);
  });

  it("prints once when the expected pages are right, twice when they are wrong, with the same result", async () => {
    const right = await printReport(html, setup, { session, expectedPages: first.tocPages });
    expect(right.prints).toBe(1);
    expect(right.tocPages).toEqual(first.tocPages);
    expect(pdfText(right.pdf)).toBe(pdfText(first.pdf));
    const shifted = Object.fromEntries(Object.entries(first.tocPages).map(([id, p]) => [id, p + 1]));
    const wrong = await printReport(html, setup, { session, expectedPages: shifted });
    expect(wrong.prints).toBe(2);
    expect(wrong.tocPages).toEqual(first.tocPages);
    expect(pdfText(wrong.pdf)).toBe(pdfText(first.pdf));
    expect(namedDestinationPages(wrong.pdf).get("appendix-title")).toBe(first.tocPages["appendix-title"]);
  });
});

describe("page slots", () => {
  const html = `<ol><li><a href="#a"><span class="toc-page" data-page-of="a"></span></a></li><li><span data-page-of="b-2" class="x">9</span></li><li><span data-page-of="a"></span></li></ol>`;
  it("lists the anchors asked for, once each, in order", () => {
    expect(pageRefIds(html)).toEqual(["a", "b-2"]);
  });
  it("fills each slot with its anchor's page and empties unknown ones", () => {
    expect(fillPageRefs(html, { a: 3 })).toBe(`<ol><li><a href="#a"><span class="toc-page" data-page-of="a">3</span></a></li><li><span data-page-of="b-2" class="x"></span></li><li><span data-page-of="a">3</span></li></ol>`);
  });
});

describe("printPdf", () => {
  it("makes no network request: external requests are aborted", async () => {
    const html = `<!DOCTYPE html><html><body><p>offline</p><img src="http://example.com/x.png"><link rel="stylesheet" href="https://example.com/a.css"></body></html>`;
    const r = await printPage(html, { size: "A4", landscape: false, headerText: "h", footerText: "f", session });
    expect(r.blockedRequests).toEqual(expect.arrayContaining(["http://example.com/x.png", "https://example.com/a.css"]));
    expect(pdfText(r.pdf)).toContain("offline");
  });

  it("prints Letter landscape with a localised footer", async () => {
    const pdf = await printPdf("<!DOCTYPE html><html><body><h1>Hello</h1></body></html>", { size: "Letter", landscape: true, headerText: "Acme · Q3 2026", footerText: "Report", session });
    const text = pdfText(pdf);
    expect(text).toContain("Page 1 of 1");
    expect(text).toContain("Acme · Q3 2026");
  });

  it("fails naming characters no installed font covers", async () => {
    const html = `<!DOCTYPE html><html><body><p>客户 𠀀 ok</p></body></html>`;
    const err = await printPage(html, { size: "A4", landscape: false, headerText: "", pageCounter: "第{page}页 共{pages}页", session }).catch((e: unknown) => e);
    expect(isChurnbookError(err)).toBe(true);
    expect((err as Error).message).toBe("no installed font covers: 𠀀 (U+20000)");
    expect((err as { hint: string }).hint).toMatch(/fonts-noto-cjk/);
  });
});

describe("font coverage", () => {
  it("parses fontconfig charsets and finds uncovered characters", () => {
    const coverage = coverageFromRanges(parseCharsets("20-7e a0-ff\n4e00-9fff 3000-303f"));
    expect(missingCharacters("Hello 客户，流失 \u{20000}\t", coverage)).toEqual(["，", "\u{20000}"]);
    expect(() => assertFontCoverage("ok \u{20000}", coverage)).toThrow(/U\+20000/);
  });
  it("is fast on a few thousand distinct characters", () => {
    const coverage = fontconfigCoverage();
    expect(coverage).not.toBeNull();
    let text = "";
    for (let cp = 0x4e00; cp < 0x4e00 + 3000; cp++) text += String.fromCodePoint(cp);
    const t = performance.now();
    expect(missingCharacters(text, coverage!)).toEqual([]);
    expect(performance.now() - t).toBeLessThan(200);
  });
});

describe("browser", () => {
  it("explains a missing browser", () => {
    let err: unknown;
    try {
      resolveBrowser({ env: { CHURNBOOK_CHROME: "/nonexistent/chrome" }, exists: () => false });
    } catch (e) {
      err = e;
    }
    expect(isChurnbookError(err)).toBe(true);
    expect((err as Error).message).toContain("/nonexistent/chrome");
    expect((err as { hint: string }).hint).toMatch(/apt-get install chromium/);
    expect(() => resolveBrowser({ env: {}, exists: () => false })).toThrow(/no Chromium or Chrome found/);
  });
  it("rejects a launch through env pointing to a non-existent path", async () => {
    const prev = process.env.CHURNBOOK_CHROME;
    process.env.CHURNBOOK_CHROME = "/nonexistent/chromium";
    try {
      await expect(launchBrowser()).rejects.toMatchObject({ code: "browser-not-found" });
    } finally {
      if (prev === undefined) delete process.env.CHURNBOOK_CHROME;
      else process.env.CHURNBOOK_CHROME = prev;
    }
  });
});

describe("named destinations", () => {
  it("returns nothing for a PDF without destinations", () => {
    expect(namedDestinationPages(new TextEncoder().encode("%PDF-1.4\n1 0 obj\n<</Type /Catalog /Pages 2 0 R>>\nendobj\n")).size).toBe(0);
  });
});
