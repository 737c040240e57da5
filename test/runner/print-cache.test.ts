// Printing through the cache: the HTML is rendered once and printed once (the table of
// contents' pages measured before printing), and not at all for an unchanged document.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { launchBrowser, type BrowserSession } from "../../src/print/browser.js";
import { namedDestinationPages } from "../../src/print/pdf-dests.js";
import { openCache } from "../../src/runner/cache.js";
import { fixtureDocument } from "../render/fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "churnbook-print-cache-"));
let session: BrowserSession;

beforeAll(async () => {
  session = await launchBrowser();
});
afterAll(async () => {
  await session?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("printCached", () => {
  const doc = fixtureDocument("en-US", { atRiskRows: 12 });
  // Another client's report with the same contents: other words on the cover, same pages.
  const other = { ...doc, client: "Initech", title: `${doc.title} (Initech)` };

  it("prints a first report once, and a batch's next report once", async () => {
    vi.resetModules();
    const { printCached } = await import("../../src/runner/print-cache.js");
    const first = await printCached(doc, { session });
    expect(first.prints).toBe(1);
    const next = await printCached(other, { session });
    expect(next.prints).toBe(1);
    // Printed again more than a second later: the same bytes (dated by the document's day, not the clock).
    await new Promise((r) => setTimeout(r, 1100));
    const again = await printCached(doc, { session });
    expect(Buffer.from(again.pdf).equals(Buffer.from(first.pdf))).toBe(true);
    expect(Buffer.from(first.pdf).toString("latin1")).toContain(`/CreationDate (D:${doc.generatedAt.slice(0, 10).replace(/-/g, "")}000000`);
    const pages = namedDestinationPages(next.pdf);
    expect(pages.get("appendix-title")).toBeGreaterThan(2);
    expect(next.html).toContain(`data-page-of="appendix-title">${pages.get("appendix-title")}</span>`);
  });

  it("serves an unchanged document from the cache without printing", async () => {
    const cacheDir = join(dir, "cache");
    vi.resetModules();
    const before = await import("../../src/runner/print-cache.js");
    expect((await before.printCached(doc, { session, cache: openCache(cacheDir) })).prints).toBe(1);
    // A new process: nothing in memory, the cache on disk.
    vi.resetModules();
    const after = await import("../../src/runner/print-cache.js");
    const again = await after.printCached(doc, { session, cache: openCache(cacheDir) });
    expect(again).toMatchObject({ cached: true, prints: 0 });
  });
});
