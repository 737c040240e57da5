// The content-addressed cell cache: a second run is served from it; a change re-runs exactly
// the cells whose inputs changed (definition, upstream keys, data fingerprints, params).

import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { parseReportText } from "../../src/runner/definitions.js";
import { cacheKey, canonicalJson, openCache } from "../../src/runner/cache.js";
import { runReport, type ProgressEvent } from "../../src/runner/run.js";

const root = join(import.meta.dirname, "..", "..");
const now = new Date("2026-11-25T00:00:00Z");
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "churnbook-cache-"));
  for (const f of ["subscriptions.csv", "churn_events.csv"]) copyFileSync(join(root, "data/acme", f), join(dir, f));
});

const text = (opts: { trendPeriods?: number; note?: string } = {}) => `title: Cache
locale: en-US
params:
  note: { type: string, default: ${JSON.stringify(opts.note ?? "hello")} }
datasets:
  subscriptions: { path: subscriptions.csv }
  churn_events: { path: churn_events.csv }
cells:
  - id: summary
    analysis: churn-summary
  - id: trend
    analysis: churn-trend
    params: { periods: ${opts.trendPeriods ?? 6} }
  - id: reasons
    analysis: churn-reasons
  - markdown: "Churn {{percent summary.churn_rate}} ({{note}})"
  - chart: trend
  - table: reasons
`;

async function run(definition: string, cacheDir: string | null, overrides: Record<string, string> = { period: "2026-10" }) {
  const events: Extract<ProgressEvent, { phase: "cell" }>[] = [];
  const report = parseReportText(definition, join(dir, "r.yaml"));
  const result = await runReport(report, { overrides, now, cache: openCache(cacheDir), onProgress: (e) => void (e.phase === "cell" && events.push(e)) });
  return { result, ran: events.filter((e) => !e.cached).map((e) => e.id), cached: events.filter((e) => e.cached).map((e) => e.id) };
}

describe("cell cache", () => {
  it("keys are canonical: key order does not matter, values do", () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 1, e: 2 }] } })).toBe('{"a":{"c":[3,{"e":2,"f":1}],"d":2},"b":1}');
    expect(cacheKey({ a: 1, b: 2 })).toBe(cacheKey({ b: 2, a: 1 }));
    expect(cacheKey({ a: 1 })).not.toBe(cacheKey({ a: 2 }));
  });

  it("an unchanged second run (new process: disk only) is all cached and gives the same document", async () => {
    const cacheDir = join(dir, "cache");
    const cold = await run(text(), cacheDir);
    expect(cold.cached).toEqual([]);
    expect(cold.ran).toEqual(["summary", "trend", "reasons", "markdown-4", "chart-5", "table-6"]);
    const warm = await run(text(), cacheDir);
    expect(warm.ran).toEqual([]);
    expect(warm.result.document).toEqual(cold.result.document);
    expect(warm.result.datasets).toEqual(cold.result.datasets);
    expect(warm.result.warnings).toEqual(cold.result.warnings);
    // The folder can be deleted at any time: the next run is cold again.
    rmSync(cacheDir, { recursive: true });
    expect((await run(text(), cacheDir)).cached).toEqual([]);
  });

  it("changing one cell's params re-runs that cell and the cells that read it, nothing else", async () => {
    const cacheDir = join(dir, "cache");
    await run(text(), cacheDir);
    const edited = await run(text({ trendPeriods: 9 }), cacheDir);
    expect(edited.ran).toEqual(["trend", "chart-5"]);
    const trend = edited.result.results.get("trend")!;
    expect(trend.result.tables[trend.analysis.mainTable]).toHaveLength(9);
    // The chart carries the tables its marks draw, from the re-run result.
    const chart = edited.result.document.cells.find((c) => c.id === "chart-5") as { chart: { marks: { data: string }[] }; data: Record<string, unknown[]> };
    expect(Object.keys(chart.data).sort()).toEqual([...new Set(chart.chart.marks.map((m) => m.data))].sort());
    for (const [name, rows] of Object.entries(chart.data)) expect(rows).toBe(trend.result.tables[name]);
  });

  it("a report param re-runs the cells that read it; another period re-runs the analyses", async () => {
    const cacheDir = join(dir, "cache");
    await run(text(), cacheDir);
    const param = await run(text(), cacheDir, { period: "2026-10", note: "changed" });
    expect(param.ran).toEqual(["markdown-4", "chart-5", "table-6"]);
    expect(param.result.document.cells.find((c) => c.id === "markdown-4")).toMatchObject({ markdown: expect.stringContaining("(changed)") });
    const period = await run(text(), cacheDir, { period: "2026-09" });
    expect(period.ran).toEqual(["summary", "trend", "reasons", "markdown-4", "chart-5", "table-6"]);
  });

  it("changed data re-runs the cells that read that dataset only", async () => {
    const cacheDir = join(dir, "cache");
    const before = await run(text(), cacheDir);
    const events = join(dir, "churn_events.csv");
    const header = readFileSync(events, "utf8").split("\n")[0]!.split(",");
    const row = header.map((h) => ({ customer_id: "C-NEW-1", date: "2026-10-15", reason: "price", type: "voluntary" })[h] ?? "");
    appendFileSync(events, row.join(",") + "\n");
    const after = await run(text(), cacheDir);
    expect(after.ran).toContain("reasons");
    expect(after.ran).not.toContain("summary");
    expect(after.ran).not.toContain("trend");
    expect(after.result.datasets.find((d) => d.role === "churn_events")!.rows).toBe(before.result.datasets.find((d) => d.role === "churn_events")!.rows + 1);
  });

  it("a memory-only cache (no folder) works the same; a cache folder that cannot be written is only slower", async () => {
    const memory = openCache(null);
    const report = parseReportText(text(), join(dir, "r.yaml"));
    await runReport(report, { overrides: { period: "2026-10" }, now, cache: memory });
    const misses = memory.stats.misses;
    await runReport(report, { overrides: { period: "2026-10" }, now, cache: memory });
    expect(memory.stats.misses).toBe(misses);
    const blocked = join(dir, "blocked");
    writeFileSync(blocked, "a file where the cache folder would be");
    const r = await run(text(), join(blocked, "cache"));
    expect(r.ran).toHaveLength(6);
    expect(existsSync(join(blocked, "cache"))).toBe(false);
  });
});
