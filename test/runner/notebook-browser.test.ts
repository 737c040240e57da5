// The preview notebook in a real headless Chromium (puppeteer-core + the system Chromium, as the
// printer launches it): outputs under their sources, live incremental updates over server-sent
// events without a reload, errors in place with the last good outputs kept, parameter controls,
// the print view against the exported PDF, and one run for many concurrent requests.

import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type BrowserSession } from "../../src/print/browser.js";
import { openCache } from "../../src/runner/cache.js";
import { startPreview, type PreviewServer } from "../../src/runner/preview.js";
import type { NotebookEvent } from "../../src/runner/notebook/session.js";

const root = join(import.meta.dirname, "..", "..");
const definition = `title: Notebook test
locale: en-US
params:
  period: { type: period }
  audience: { type: string, default: leadership }
datasets:
  subscriptions: { path: ../data/subscriptions.csv }
  churn_events: { path: ../data/churn_events.csv }
cells:
  - id: summary
    analysis: churn-summary
  - id: trend
    analysis: churn-trend
    params: { periods: 6 }
  - id: reasons
    analysis: churn-reasons
  - id: intro
    markdown: |
      ## Summary for {{audience}}

      In {{period period}} churn was {{percent summary.churn_rate}}.
  - id: kpis
    kpi:
      - { label: Churn rate, value: summary.churn_rate, previous: summary.prev_churn_rate, format: percent, better: down }
  - id: trend-chart
    chart: trend
  - id: top
    transform:
      from: reasons
      steps:
        - orderby: [-events]
        - select: [label, events, share]
  - id: top-table
    table: top
  - id: reasons-table
    table: reasons.subtypes
`;

let work: string;
let file: string;
let preview: PreviewServer;
let browser: BrowserSession;
let page: Page;
const events: NotebookEvent[] = [];

const cellEvents = (since: number) => events.slice(since).filter((e): e is Extract<NotebookEvent, { event: "cell" }> => e.event === "cell");
const runEvents = (since: number) => events.slice(since).filter((e) => e.event === "run");
const edit = (from: string, to: string) => {
  const text = readFileSync(file, "utf8");
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
};
const version = () => page.evaluate(() => Number(document.body.getAttribute("data-version")));
const waitVersionAbove = (v: number) => page.waitForFunction((x) => Number(document.body.getAttribute("data-version")) > x, { timeout: 60_000 }, v);
const cell = (id: string) =>
  page.$eval(`#nb-cell-${id}`, (el) => ({
    status: el.getAttribute("data-status"),
    cached: el.getAttribute("data-cached"),
    hash: el.getAttribute("data-hash"),
    source: [...el.querySelectorAll(".nb-source li")].map((li) => li.textContent),
    output: el.querySelector(".nb-output")?.innerHTML ?? "",
    error: el.querySelector(".nb-error")?.textContent ?? null,
  }));

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "churnbook-notebook-"));
  cpSync(join(root, "data/globex/subscriptions.csv"), join(work, "data/subscriptions.csv"));
  cpSync(join(root, "data/globex/churn_events.csv"), join(work, "data/churn_events.csv"));
  file = join(work, "reports/report.yaml");
  mkdirSync(join(work, "reports"));
  writeFileSync(file, definition);
  preview = await startPreview(file, { port: 0, overrides: { period: "2026-10" }, cache: openCache(join(work, "cache")), onEvent: (e) => events.push(e), log: () => {} });
  browser = await launchBrowser();
  page = await browser.browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await preview?.close();
});

describe("preview notebook in Chromium", () => {
  it("shows every cell's source with line numbers and its output under it, the outline and the data coverage", async () => {
    await page.goto(preview.url, { waitUntil: "load", timeout: 120_000 });
    const cells = await page.$$eval(".nb-cell", (els) => els.map((el) => ({ id: el.getAttribute("data-cell"), lines: el.querySelectorAll(".nb-source li").length, first: el.querySelector(".nb-source li .ln")?.textContent, output: el.querySelector(".nb-output")?.innerHTML ?? "" })));
    expect(cells.map((c) => c.id)).toEqual(["summary", "trend", "reasons", "intro", "kpis", "trend-chart", "top", "top-table", "reasons-table"]);
    const lines = definition.split("\n");
    for (const c of cells) {
      expect(c.lines, c.id!).toBeGreaterThan(0);
      // The first numbered line is the cell's "- " line of the definition.
      expect(lines[Number(c.first) - 1]).toMatch(/^\s+- /);
    }
    const out = Object.fromEntries(cells.map((c) => [c.id, c.output]));
    expect(out["trend-chart"]).toMatch(/<svg/);
    expect(out.kpis).toContain("kpi-card");
    expect(out.intro).toContain("Summary for leadership");
    expect(out["top-table"]).toMatch(/<table class="data-table"/);
    // Silent analysis and transform cells show their default view in the notebook.
    expect(out.trend).toMatch(/<svg/);
    expect(out.top).toMatch(/<td/);
    expect(await page.$$eval("#nb-outline li", (li) => li.length)).toBe(9);
    const coverage = await page.$eval("#nb-coverage", (el) => el.textContent ?? "");
    expect(coverage).toMatch(/subscriptions[\s\S]*rows[\s\S]*\d/);
    expect(coverage).toContain("churn_events");
    // Tables page and sort in the browser.
    const sorted = await page.evaluate(() => {
      const table = document.querySelector("#nb-cell-reasons-table table.data-table") as HTMLTableElement;
      const th = [...table.tHead!.rows[0]!.cells].find((c) => /events/i.test(c.textContent ?? ""))!;
      th.click();
      th.click();
      const col = [...table.tHead!.rows[0]!.cells].indexOf(th);
      return [...table.tBodies[0]!.rows].map((r) => Number((r.cells[col]!.textContent ?? "").replace(/,/g, "")));
    });
    expect(sorted).toEqual([...sorted].sort((a, b) => b - a));
  }, 180_000);

  it("editing one cell's params re-runs only that cell and the cells that read it; the page updates in place, scroll kept", async () => {
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 42;
      document.getElementById("nb-cell-top")!.scrollIntoView();
    });
    const topOf = (id: string) => page.evaluate((x) => document.getElementById(x)!.getBoundingClientRect().top, id);
    const position = await topOf("nb-cell-top");
    const before = await cell("trend-chart");
    const v = await version();
    const mark = events.length;
    edit("params: { periods: 6 }", "params: { periods: 9 }");
    await waitVersionAbove(v);
    const ran = cellEvents(mark).filter((e) => !e.cached).map((e) => e.id);
    expect(ran.sort()).toEqual(["trend", "trend-chart"]);
    expect(cellEvents(mark).filter((e) => e.cached).map((e) => e.id).sort()).toEqual(["intro", "kpis", "reasons", "reasons-table", "summary", "top", "top-table"]);
    await page.waitForFunction((h) => document.querySelector("#nb-cell-trend-chart")?.getAttribute("data-hash") !== h, { timeout: 30_000 }, before.hash);
    const after = await cell("trend-chart");
    expect(after.cached).toBe("false");
    expect((await cell("summary")).cached).toBe("true");
    // No reload: the page's own state survived, and the reader is where they were.
    expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(42);
    expect(Math.abs((await topOf("nb-cell-top")) - position)).toBeLessThan(5);
    expect((await cell("trend")).source.join("\n")).toContain("periods: 9");
  }, 120_000);

  it("an invalid edit shows the error on that cell, with line, column and excerpt, while the others keep their outputs; the fix recovers", async () => {
    const good = await cell("reasons");
    let v = await version();
    edit("analysis: churn-trend", "analysis: churn-trnd");
    await waitVersionAbove(v);
    const broken = await cell("trend");
    expect(broken.status).toBe("error");
    expect(broken.error).toMatch(/report\.yaml:13:15/);
    expect(broken.error).toContain('unknown analysis "churn-trnd"');
    expect(broken.error).toMatch(/did you mean "churn-trend"/);
    expect(broken.error).toContain("13 |     analysis: churn-trnd");
    expect(broken.output).toMatch(/<svg/); // its last good output, dimmed
    const other = await cell("reasons");
    expect(other.status).toBe("stale");
    expect(other.output).toBe(good.output);
    expect(await page.$$eval(".nb-cell[data-status=error]", (e) => e.length)).toBe(1);
    v = await version();
    edit("analysis: churn-trnd", "analysis: churn-trend");
    await waitVersionAbove(v);
    expect(await page.$$eval(".nb-cell[data-status=error]", (e) => e.length)).toBe(0);
    expect((await cell("trend")).status).toBe("ok");
    expect((await cell("reasons")).status).toBe("ok");
  }, 120_000);

  it("a parameter control re-runs with the new value", async () => {
    const mark = events.length;
    await page.$eval("#nb-params input[name=audience]", (el) => ((el as HTMLInputElement).value = "the board"));
    await page.$eval("#nb-params input[name=period]", (el) => ((el as HTMLInputElement).value = "2026-09"));
    await page.click("#nb-params button[type=submit]");
    await page.waitForFunction(() => document.querySelector("#nb-cell-intro .nb-output")?.textContent?.includes("Summary for the board"), { timeout: 60_000 });
    expect(page.url()).toMatch(/audience=the\+board|audience=the%20board/);
    expect(await page.$eval("#nb-cell-intro .nb-output", (el) => el.textContent)).toMatch(/September 2026/);
    const ran = cellEvents(mark).filter((e) => !e.cached).map((e) => e.id);
    expect(ran).toEqual(expect.arrayContaining(["summary", "trend", "reasons", "intro"]));
    // Back to the defaults (served from the cache).
    await page.goto(preview.url, { waitUntil: "load" });
  }, 120_000);

  it("the print view shows as many pages as the exported PDF has", async () => {
    await page.click("#nb-print-toggle");
    await page.waitForSelector("#nb-print[data-pages]", { timeout: 120_000 });
    const shown = await page.$$eval("#nb-print img.nb-page-image", (imgs) => imgs.length);
    const stated = await page.$eval("#nb-print", (el) => Number(el.getAttribute("data-pages")));
    const pdf = new Uint8Array(await (await fetch(new URL("export.pdf", preview.url))).arrayBuffer());
    expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe("%PDF-");
    const pages = (Buffer.from(pdf).toString("latin1").match(/\/Type\s*\/Page\b/g) ?? []).length;
    expect(pages).toBeGreaterThan(1);
    expect(shown).toBe(pages);
    expect(stated).toBe(pages);
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>("#nb-print img")].every((i) => i.complete && i.naturalWidth > 0), { timeout: 30_000 });
    await page.click("#nb-print-toggle");
  }, 240_000);

  it("ten concurrent requests after an edit cause one run", async () => {
    const runs = preview.runs();
    const mark = events.length;
    edit("audience: { type: string, default: leadership }", "audience: { type: string, default: management }");
    const pages = await Promise.all(Array.from({ length: 10 }, () => fetch(preview.url).then((r) => r.text())));
    for (const html of pages) expect(html).toContain("Summary for management");
    // Let the watcher's debounced refresh happen too: it must not start another run.
    await new Promise((r) => setTimeout(r, 1200));
    expect(runEvents(mark)).toHaveLength(1);
    expect(preview.runs() - runs).toBe(1);
  }, 120_000);
});
