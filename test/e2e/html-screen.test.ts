// The flagship HTML on a phone and a laptop, in headless Chromium (puppeteer-core and the
// system Chromium, launched as the printer launches it): at 390 px nothing scrolls sideways
// (KPI cards stack, tables and charts scroll in their own box); at 1280 px the contents are a
// sticky sidebar; chart marks carry <title> tooltips; a click on a column heading sorts.
// Set CHURNBOOK_SHOTS=<dir> to keep screenshots (zh-CN and en-US at 390 and 1280 px).

import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type BrowserSession } from "../../src/print/browser.js";
import { renderFiles } from "../../src/runner/render-files.js";

const root = join(import.meta.dirname, "..", "..");
const now = new Date("2026-11-25T09:00:00Z");
const shots = process.env.CHURNBOOK_SHOTS;

let browser: BrowserSession;
let page: Page;
const html: Record<string, string> = {};

beforeAll(async () => {
  const out = mkdtempSync(join(tmpdir(), "churnbook-screen-"));
  for (const [locale, file] of [["zh-CN", "monthly-churn.yaml"], ["en-US", "monthly-churn-en.yaml"]] as const) {
    const result = await renderFiles(join(root, "reports", file), { out, now, formats: ["html"] });
    html[locale] = readFileSync(join(result.dir, "report.html"), "utf8");
  }
  browser = await launchBrowser();
  page = await browser.browser.newPage();
  if (shots) mkdirSync(shots, { recursive: true });
}, 240_000);

afterAll(async () => {
  await browser?.close();
});

async function open(locale: string, width: number): Promise<void> {
  await page.setViewport({ width, height: 844 });
  await page.setContent(html[locale]!, { waitUntil: "load" });
  // setContent keeps the previous document's scroll position.
  await page.evaluate(() => window.scrollTo(0, 0));
  if (shots) await page.screenshot({ path: join(shots, `${locale}-${width}.png`) as `${string}.png` });
}

describe.each(["zh-CN", "en-US"])("the flagship report's HTML (%s)", (locale) => {
  it("scrolls nothing sideways at 390 px: KPI cards stack, tables and charts scroll in their own box", async () => {
    await open(locale, 390);
    const m = await page.evaluate(() => {
      const cards = Array.from(document.querySelectorAll(".kpi-band .kpi-card"), (c) => c.getBoundingClientRect());
      // Any element sticking out of the viewport on the right, outside a box that scrolls.
      const outside = Array.from(document.querySelectorAll("body *"))
        .filter((el) => !el.closest(".table-scroll, .chart-body, .appendix .data-table, .cell-markdown table"))
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
      return {
        scrollWidth: document.scrollingElement!.scrollWidth,
        innerWidth: window.innerWidth,
        cardLefts: [...new Set(cards.map((c) => Math.round(c.left)))],
        cards: cards.length,
        outside,
        tableBoxes: Array.from(document.querySelectorAll(".cell-table .table-scroll"), (b) => getComputedStyle(b).overflowX),
        chartFont: Math.min(...Array.from(document.querySelectorAll(".chart-body svg[font-size]"), (s) => (Number(s.getAttribute("font-size")) * s.getBoundingClientRect().width) / Number(s.getAttribute("width")))),
      };
    });
    expect(m.scrollWidth).toBeLessThanOrEqual(m.innerWidth);
    expect(m.outside).toEqual([]);
    expect(m.cards).toBeGreaterThanOrEqual(6);
    expect(m.cardLefts).toHaveLength(1);
    expect(m.tableBoxes.length).toBeGreaterThan(0);
    expect(new Set(m.tableBoxes)).toEqual(new Set(["auto"]));
    // Chart labels (11 px printed) stay readable on a phone: at least 8 px.
    expect(m.chartFont).toBeGreaterThanOrEqual(8);
  });

  it("keeps the contents in a sticky sidebar at 1280 px", async () => {
    await open(locale, 1280);
    const before = await page.$eval(".toc", (t) => ({ position: getComputedStyle(t).position, rect: t.getBoundingClientRect().toJSON() as DOMRect }));
    expect(before.position).toBe("sticky");
    const report = await page.$eval(".report", (r) => r.getBoundingClientRect().left);
    expect(before.rect.right).toBeLessThanOrEqual(report);
    await page.evaluate(() => window.scrollTo(0, document.scrollingElement!.scrollHeight / 2));
    const after = await page.$eval(".toc", (t) => t.getBoundingClientRect().toJSON() as DOMRect);
    // Half-way down the report the sidebar is still at the top of the window.
    expect(after.top).toBeGreaterThanOrEqual(0);
    expect(after.top).toBeLessThan(60);
    expect(await page.evaluate(() => document.scrollingElement!.scrollWidth <= window.innerWidth)).toBe(true);
    if (shots) await page.screenshot({ path: join(shots, `${locale}-1280-scrolled.png`) as `${string}.png` });
  });

  it("gives chart marks tooltips with their values", async () => {
    await open(locale, 1280);
    const titles = await page.$$eval(".chart-body svg title", (ts) => ts.map((t) => t.textContent ?? ""));
    expect(titles.length).toBeGreaterThan(10);
    // Values, formatted: a percentage in the trend and heatmap tooltips.
    expect(titles.some((t) => /\d%/.test(t))).toBe(true);
    expect(titles.every((t) => !/NaN|undefined|\[object/.test(t))).toBe(true);
  });

  it("sorts a table by a clicked column, numbers by value, and back the other way", async () => {
    await open(locale, 1280);
    // The longest table (the risk list, split into kept first and last rows on paper) and its
    // first numeric column after the rank.
    const column = await page.evaluate(() => {
      const tables = Array.from(document.querySelectorAll<HTMLTableElement>(".cell-table table"));
      const t = tables.reduce((a, b) => (b.querySelectorAll("tbody tr").length > a.querySelectorAll("tbody tr").length ? b : a));
      t.id = "table-under-test";
      return Array.from(t.querySelectorAll("thead th")).findIndex((th) => th.classList.contains("num") && th.textContent !== "#");
    });
    expect(column).toBeGreaterThanOrEqual(0);
    const readColumn = () => page.$eval("#table-under-test", (t, i) => Array.from(t.querySelectorAll("tbody tr"), (r) => Number(r.querySelectorAll("td")[i]!.getAttribute("data-sort"))), column);
    const original = await readColumn();
    expect(original.length).toBeGreaterThan(10);
    const heading = `#table-under-test thead th:nth-child(${column + 1})`;
    await page.click(`${heading} button`);
    expect(await readColumn()).toEqual([...original].sort((a, b) => a - b));
    await page.click(`${heading} button`);
    expect(await readColumn()).toEqual([...original].sort((a, b) => b - a));
    expect(await page.$eval(heading, (th) => th.getAttribute("aria-sort"))).toBe("descending");
    // Stripes follow the new order.
    expect(await page.$$eval("#table-under-test tbody tr", (rs) => rs.map((r) => r.classList.contains("alt")))).toEqual(original.map((_, i) => i % 2 === 1));
  });
});
