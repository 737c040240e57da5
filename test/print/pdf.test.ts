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

/** The session with every page.pdf call counted (a spy independent of printReport's own count). */
function counting(base: BrowserSession): { session: BrowserSession; pdfCalls: () => number } {
  let calls = 0;
  const browser = new Proxy(base.browser, {
    get(target, key) {
      if (key === "newPage")
        return async () => {
          const page = await target.newPage();
          const pdf = page.pdf.bind(page);
          page.pdf = ((options) => {
            calls++;
            return pdf(options);
          }) as typeof page.pdf;
          return page;
        };
      const value = Reflect.get(target, key) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { session: { browser, close: base.close }, pdfCalls: () => calls };
}

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

  it("prints the report once with title, Chinese text, footer and TOC page numbers", async () => {
    const spy = counting(session);
    const r = await printReport(html, setup, { session: spy.session });
    expect(r.warnings).toEqual([]);
    // The pages were measured before printing: one print.
    expect(spy.pdfCalls()).toBe(1);
    expect(r.prints).toBe(1);
    const text = pdfText(r.pdf);
    expect(text).toContain("2026年10月客户流失与留存月报");
    expect(text).toContain("客户流失率");
    expect(text).toMatch(/第1页\s*共\d+页/);
    expect(text).toContain("华东区零售事业部 · 2026年10月");
    const pages = pdfPages(r.pdf);
    expect(pages).toBe(r.pageCount);
    expect(pages).toBeGreaterThanOrEqual(6);
    expect(pages).toBeLessThanOrEqual(10);
    // Every TOC entry has a page, it is where the printed PDF put the anchor, and that page holds the entry's text.
    expect(Object.keys(r.tocPages)).toEqual(pageRefIds(html));
    expect(r.tocPages).toEqual(Object.fromEntries(pageRefIds(html).map((id) => [id, namedDestinationPages(r.pdf).get(id)])));
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
});

describe("printReport: one print across page sizes", () => {
  // en-US on Letter: the wide table (1029 px) is wider than a Letter landscape page (972 px), so
  // Chromium shrinks the whole printout; A4 portrait with landscape wide pages; zh-CN on Letter.
  const cases = [
    ["en-US", "Letter", "portrait"],
    ["en-US", "Letter", "landscape"],
    ["en-US", "A4", "portrait"],
    ["zh-CN", "Letter", "portrait"],
  ] as const;
  for (const [locale, size, orientation] of cases) {
    it(`${locale} ${size} ${orientation}: the measured pages are the printed ones`, async () => {
      const base = fixtureDocument(locale, { atRiskRows: 36 });
      const doc = { ...base, page: { ...base.page, size, orientation } };
      const { html } = renderReport(doc);
      const spy = counting(session);
      const r = await printReport(html, printSetup(doc), { session: spy.session });
      expect(spy.pdfCalls()).toBe(1);
      const dests = namedDestinationPages(r.pdf);
      expect(r.tocPages).toEqual(Object.fromEntries(pageRefIds(html).map((id) => [id, dests.get(id)])));
      expect(r.tocPages["appendix-title"]).toBeGreaterThan(r.tocPages["tab-at-risk"]!);
    });
  }

  it("prints again, with the right numbers, when the layout cannot be measured (blank pages)", async () => {
    // break-before: right may add a blank page, which columns cannot imitate: no prediction, a second print.
    const html = `<!DOCTYPE html><html><head><style>@page { size: A4; margin: 20mm; } .r { break-before: right; }</style></head><body>
<nav><a href="#one"><span class="toc-page" data-page-of="one"></span></a> <a href="#two"><span class="toc-page" data-page-of="two"></span></a></nav>
<h2 id="one">One</h2><p>first</p><h2 id="two" class="r">Two</h2><p>second</p></body></html>`;
    const spy = counting(session);
    const r = await printReport(html, { size: "A4", landscape: false, headerText: "h" }, { session: spy.session });
    expect(spy.pdfCalls()).toBe(2);
    expect(r.prints).toBe(2);
    expect(r.tocPages).toEqual({ one: 1, two: namedDestinationPages(r.pdf).get("two") });
    expect(r.tocPages.two).toBeGreaterThanOrEqual(2);
    expect(pdfText(r.pdf, 1)).toMatch(new RegExp(`^\\s*1\\s*${r.tocPages.two}\\s*$`, "m"));
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
