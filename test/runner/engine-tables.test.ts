// Engine tables (analysis/types.ts EngineTable): streamed from the engine into a spool file, read
// back in batches with the values `query` gives; a missing spool file is a miss; presentation
// cells and transforms that would need more than the head are refused with a located error.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { usePostgres } from "../helpers/postgres.js";
import { createEngine } from "../../src/data/engine.js";
import type { Analysis, AnalysisResult, Row } from "../../src/analysis/types.js";
import { openCache } from "../../src/runner/cache.js";
import { buildCell, type CellResult, type ResultsById } from "../../src/runner/cells.js";
import { toCsv, writeCsv } from "../../src/runner/csv.js";
import { spooledTables, spoolEngineTables } from "../../src/runner/engine-tables.js";
import { runTransform } from "../../src/runner/transform.js";
import { parseReportText } from "../../src/runner/definitions.js";
import { runReport } from "../../src/runner/run.js";
import { parsePeriod } from "../../src/util/period.js";
import { isChurnbookError } from "../../src/util/errors.js";

const dir = await mkdtemp(join(tmpdir(), "churnbook-engine-tables-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

const sql = `SELECT 'c' || lpad(CAST(i AS VARCHAR), 6, '0') AS customer_id, CASE WHEN i % 3 = 0 THEN '=churn' ELSE 'new' END AS movement,
  CAST(i AS DOUBLE) / 7 AS delta, DATE '2026-10-01' + CAST(i % 30 AS INTEGER) AS day, i % 2 = 0 AS even, CASE WHEN i % 5 = 0 THEN NULL ELSE i END AS maybe
  FROM range(25003) t(i) ORDER BY i`;

describe("engine tables", () => {
  it("spools the query in batches and reads it back with query's values; the CSV is the same as from rows", async () => {
    const engine = await createEngine();
    const cache = openCache(join(dir, "cache"));
    try {
      const all = await engine.query(sql);
      const batches: Row[][] = [];
      for await (const b of engine.stream(sql, 10_000)) batches.push(b);
      expect(batches.length).toBeGreaterThan(1);
      expect(batches.flat()).toEqual(all);
      const result: AnalysisResult = { scalars: {}, tables: { movements: all.slice(0, 20) }, engineTables: { movements: { sql, rowCount: all.length } } };
      expect(await spooledTables(result, "ab12", cache)).toBeNull(); // nothing spooled yet: run the analysis
      await spoolEngineTables(engine, result, "ab12", cache);
      const streamed = (await spooledTables(result, "ab12", cache))!.movements!;
      expect(streamed.columns).toEqual(Object.keys(all[0]!));
      expect(streamed.rowCount).toBe(25_003);
      const back: Row[] = [];
      for await (const b of streamed.batches()) back.push(...b);
      expect(back).toEqual(all);
      await writeCsv(join(dir, "m.csv"), streamed);
      expect(await readFile(join(dir, "m.csv"), "utf8")).toBe(toCsv(all));
      // The count and the query must agree.
      const wrong: AnalysisResult = { ...result, engineTables: { movements: { sql, rowCount: 3 } } };
      await expect(spoolEngineTables(engine, wrong, "cd34", cache)).rejects.toThrow(/gave 25003 rows, its count 3/);
      expect(await spooledTables(wrong, "cd34", cache)).toBeNull();
    } finally {
      engine.close();
    }
  });

  describe("PostgreSQL", () => {
    const pg = usePostgres();

    it("streams through a cursor, batch by batch, with query's values; the session stays usable, also after a batch left early", async (t) => {
      const engine = await pg.engine(t);
      try {
        await engine.loadRows("t", { id: "VARCHAR", d: "DATE", x: "DOUBLE" }, Array.from({ length: 2500 }, (_, i) => ({ id: `c${String(i).padStart(5, "0")}`, d: "2026-10-01", x: i / 3 })));
        const q = "SELECT id, d, x, count(*) OVER () AS n FROM t ORDER BY id";
        const all = await engine.query(q);
        const batches: Row[][] = [];
        for await (const b of engine.stream(q, 1000)) batches.push(b);
        expect(batches.map((b) => b.length)).toEqual([1000, 1000, 500]);
        expect(batches.flat()).toEqual(all);
        for await (const b of engine.stream(q, 10)) if (b.length) break;
        expect(await engine.query("SELECT count(*) AS n FROM t")).toEqual([{ n: 2500 }]);
        for await (const b of engine.stream(q, 5000)) expect(b).toEqual(all);
      } finally {
        engine.close();
      }
    }, 60_000);
  });

  describe("what needs more than the head", () => {
    const head = Array.from({ length: 30 }, (_, i) => ({ customer_id: `c${i}`, delta: 30 - i }));
    const analysis = { id: "mrr-movements", mainTable: "movements", title: { "en-US": "MRR", "zh-CN": "MRR" } } as unknown as Analysis;
    const r: CellResult = { analysis, params: {}, plan: {}, result: { scalars: {}, tables: { movements: head }, engineTables: { movements: { sql: "SELECT 1", rowCount: 5000 } } } };
    const results: ResultsById = new Map([["mrr", r]]);
    const scope = { params: {}, period: parsePeriod("2026-10"), locale: "en-US" as const, currency: "USD" };
    const table = (extra: Record<string, unknown>) => ({ kind: "table" as const, id: "t", from: "mrr", table: null, columns: null, limit: null, sort: null, landscape: false, line: 7, ...extra });
    const refusal = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(isChurnbookError(e)).toBe(true);
        return (e as Error & { code: string }).code + ": " + (e as Error).message;
      }
      throw new Error("not refused");
    };

    it("a table cell shows the head's first rows and counts the whole table", () => {
      const out = buildCell(table({ limit: 10 }), results, scope) as Extract<ReturnType<typeof buildCell>, { kind: "table" }>;
      expect(out.rows.map((x) => x.customer_id)).toEqual(head.slice(0, 10).map((x) => x.customer_id));
      expect(out.totalRows).toBe(5000);
    });

    it("refuses a sort, no limit, a limit past the head, a chart, a transform and a template reading the table", () => {
      const why = "engine-table: analysis cell \"mrr\": table \"movements\" (mrr-movements) has 5,000 rows and stays in the engine; only its first 30 rows can be shown";
      expect(refusal(() => buildCell(table({ limit: 10, sort: "-delta" }), results, scope))).toBe(why);
      expect(refusal(() => buildCell(table({}), results, scope))).toBe(why);
      expect(refusal(() => buildCell(table({ limit: 31 }), results, scope))).toBe(why);
      expect(refusal(() => buildCell({ kind: "chart", id: "c", from: "mrr", spec: { marks: [{ mark: "barY", data: "movements", options: {} }] }, landscape: false, line: 9 } as never, results, scope))).toBe(why);
      expect(refusal(() => runTransform({ kind: "transform", id: "x", from: "mrr", steps: [], line: 3 } as never, results, "r.yaml"))).toMatch(/^engine-table: transform "x": table "movements"/);
      expect(refusal(() => buildCell({ kind: "markdown", id: "m", markdown: "{{#each mrr.movements}}{{customer_id}}{{/each}}", line: 4 }, results, scope))).toMatch(/^engine-table: markdown: \{\{mrr.movements\}\}/);
      // The head alone is the whole table: nothing to refuse.
      const whole: ResultsById = new Map([["mrr", { ...r, result: { ...r.result, engineTables: { movements: { sql: "SELECT 1", rowCount: 30 } } } }]]);
      expect((buildCell(table({ sort: "delta" }), whole, scope) as { totalRows: number }).totalRows).toBe(30);
    });
  });
});

describe("mrr-movements' movements table in the engine, through a report run", () => {
  // 1,500 customers whose MRR moves in 2026-10: 1,200 new, 300 churned; more than the head holds.
  const data = mkdtempSync(join(tmpdir(), "churnbook-mrr-engine-"));
  afterAll(() => rmSync(data, { recursive: true, force: true }));
  const lines = ["customer_id,start_date,end_date,mrr"];
  for (let i = 0; i < 1200; i++) lines.push(`n${String(i).padStart(4, "0")},2026-10-${String(1 + (i % 28)).padStart(2, "0")},,${10 + (i % 37)}.25`);
  for (let i = 0; i < 300; i++) lines.push(`c${String(i).padStart(4, "0")},2026-01-01,2026-10-${String(2 + (i % 27)).padStart(2, "0")},${5 + (i % 11)}`);
  writeFileSync(join(data, "subscriptions.csv"), lines.join("\n") + "\n");
  const definition = (table: string) => `title: MRR
locale: en-US
datasets:
  subscriptions: { path: subscriptions.csv }
cells:
  - id: mrr
    analysis: mrr-movements
${table}`;
  const run = (text: string, cacheDir: string | null) => runReport(parseReportText(text, join(data, "r.yaml")), { overrides: { period: "2026-10" }, now: new Date("2026-11-25T00:00:00Z"), cache: openCache(cacheDir) });

  it("keeps the head in JavaScript, streams the whole table in the cell's order, and serves the cache only with its spool file", async () => {
    const cacheDir = join(data, "cache");
    const cold = await run(definition("  - table: mrr\n    limit: 5\n"), cacheDir);
    const r = cold.results.get("mrr")!;
    expect(r.result.tables.movements).toHaveLength(1000);
    expect(r.result.engineTables!.movements!.rowCount).toBe(1500);
    expect(r.result.scalars.customers_moved).toBe(1500);
    const all: Row[] = [];
    for await (const b of r.streamed!.movements!.batches()) all.push(...b);
    expect(all).toHaveLength(1500);
    expect(all.slice(0, 1000)).toEqual(r.result.tables.movements);
    expect(all.filter((m) => m.movement === "new")).toHaveLength(1200);
    // New first, then churn; within each the largest change first, then the customer id.
    expect(all[0]).toEqual({ customer_id: "n0036", movement: "new", mrr_start: 0, mrr_end: 46.25, delta: 46.25 });
    expect(all.at(-1)).toEqual({ customer_id: "c0297", movement: "churn", mrr_start: 5, mrr_end: 0, delta: -5 });
    const table = cold.document.cells.find((c) => c.kind === "table") as { rows: Row[]; totalRows: number };
    expect(table.totalRows).toBe(1500);
    expect(table.rows).toEqual(all.slice(0, 5));
    // The bridge's sums are the whole table's.
    const sum = (k: string) => all.filter((m) => m.movement === k).reduce((s, m) => s + (m.delta as number), 0);
    expect(r.result.scalars.new_mrr).toBeCloseTo(sum("new"), 6);
    expect(r.result.scalars.churned_mrr).toBeCloseTo(-sum("churn"), 6);
    // Cached: the result and its spool file; without the spool file the analysis runs again.
    const warm = await run(definition("  - table: mrr\n    limit: 5\n"), cacheDir);
    expect(warm.cells.find((c) => c.id === "mrr")!.cached).toBe(true);
    rmSync(join(cacheDir, "v1", "table"), { recursive: true });
    const again = await run(definition("  - table: mrr\n    limit: 5\n"), cacheDir);
    expect(again.cells.find((c) => c.id === "mrr")!.cached).toBe(false);
    const back: Row[] = [];
    for await (const b of again.results.get("mrr")!.streamed!.movements!.batches()) back.push(...b);
    expect(back).toEqual(all);
  }, 120_000);

  it("refuses a sorted table of the movements at the cell's line", async () => {
    const e = (await run(definition("  - table: mrr\n    sort: -delta\n    limit: 5\n"), null).catch((x: unknown) => x)) as Error & { code: string; location: { file?: string; line?: number } };
    expect(isChurnbookError(e)).toBe(true);
    expect(e.code).toBe("engine-table");
    expect(e.message).toMatch(/table "movements" \(mrr-movements\) has 1,500 rows and stays in the engine; only its first 1,000 rows can be shown/);
    expect(e.location).toMatchObject({ file: join(data, "r.yaml"), line: 8 }); // the table cell
  }, 120_000);
});
