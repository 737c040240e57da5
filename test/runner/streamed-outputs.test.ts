// The output writers stream: a CSV is written in chunks, a workbook sheet by sheet, with the same
// bytes as the whole-string versions; a table longer than a sheet continues on further sheets.

import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import ExcelJS from "exceljs";
import { afterAll, describe, expect, it } from "vitest";
import type { Row } from "../../src/analysis/types.js";
import { toCsv, writeCsv } from "../../src/runner/csv.js";
import { writeAtomically } from "../../src/runner/outputs.js";
import type { StreamedTable } from "../../src/runner/table-rows.js";
import { tablesXlsx, writeTablesXlsx } from "../../src/runner/xlsx.js";
import { zip } from "../../src/util/zip.js";

const dir = await mkdtemp(join(tmpdir(), "churnbook-streamed-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

const rows: Row[] = Array.from({ length: 25_003 }, (_, i) => ({ customer_id: `c${i}`, movement: i % 3 ? "churn" : "=new", delta: i / 7, day: "2026-10-01", flag: i % 2 === 0 }));

/** The rows as a streamed table, in uneven batches. */
function streamed(rows: Row[], batch = 7): StreamedTable {
  return {
    columns: Object.keys(rows[0]!),
    rowCount: rows.length,
    async *batches() {
      for (let i = 0; i < rows.length; i += batch) yield rows.slice(i, i + batch);
    },
  };
}

async function sheets(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  return wb;
}

describe("streamed outputs", () => {
  it("writes a CSV in chunks with the bytes of toCsv, from rows or from batches", async () => {
    await writeCsv(join(dir, "a.csv"), rows);
    await writeCsv(join(dir, "b.csv"), streamed(rows));
    await writeCsv(join(dir, "empty.csv"), []);
    const whole = toCsv(rows);
    expect(await readFile(join(dir, "a.csv"), "utf8")).toBe(whole);
    expect(await readFile(join(dir, "b.csv"), "utf8")).toBe(whole);
    expect(await readFile(join(dir, "empty.csv"), "utf8")).toBe(toCsv([]));
    expect(whole.split("\n")[2]).toBe("c1,churn,0.1428571429,2026-10-01,false");
    expect(whole.split("\n")[1]).toBe("c0,'=new,0,2026-10-01,true");
  });

  it("deflates an entry given in chunks into the bytes of one whole deflate", async () => {
    const text = rows.map((r) => JSON.stringify(r)).join("\n");
    const chunked = await zip([{ name: "a.txt", data: async function* () { for (let i = 0; i < text.length; i += 4097) yield text.slice(i, i + 4097); } }, { name: "e", data: "" }], new Date(0));
    const whole = await zip([{ name: "a.txt", data: text }, { name: "e", data: "" }], new Date(0));
    expect(Buffer.from(chunked).equals(Buffer.from(whole))).toBe(true);
    const packed = deflateRawSync(Buffer.from(text), { level: 1 });
    expect(Buffer.from(whole).subarray(30 + 5, 30 + 5 + packed.length).equals(packed)).toBe(true);
  });

  it("writes the same workbook to a file, from rows or from batches", async () => {
    const tables = (r: Row[] | StreamedTable) => [{ name: "mrr", rows: r, formats: { delta: "currency" as const, day: "date" as const } }, { name: "bridge", rows: [{ step: "start", value: 1 }] }];
    const inMemory = await tablesXlsx(tables(rows), { created: new Date("2026-11-01T00:00:00Z") });
    expect(await writeTablesXlsx(join(dir, "a.xlsx"), tables(rows), { created: new Date("2026-11-01T00:00:00Z") })).toEqual([]);
    await writeTablesXlsx(join(dir, "b.xlsx"), tables(streamed(rows)), { created: new Date("2026-11-01T00:00:00Z") });
    expect((await readFile(join(dir, "a.xlsx"))).equals(Buffer.from(inMemory))).toBe(true);
    expect((await readFile(join(dir, "b.xlsx"))).equals(Buffer.from(inMemory))).toBe(true);
  });

  it("continues a table longer than a sheet on further sheets, every row once, and says so", async () => {
    const small = rows.slice(0, 25);
    const splits = await writeTablesXlsx(join(dir, "split.xlsx"), [{ name: "a_table_name_of_thirty_one_chr", rows: streamed(small, 4) }, { name: "other", rows: small.slice(0, 10) }], { maxRows: 10 });
    expect(splits).toEqual([{ table: "a_table_name_of_thirty_one_chr", rows: 25, sheets: ["a_table_name_of_thirty_one_chr", "a_table_name_of_thirty_one_ (2)", "a_table_name_of_thirty_one_ (3)"] }]);
    const wb = await sheets(await readFile(join(dir, "split.xlsx")));
    expect(wb.worksheets.map((w) => w.name)).toEqual([...splits[0]!.sheets, "other"]);
    const ids = wb.worksheets.slice(0, 3).flatMap((w) => {
      expect(w.getRow(1).getCell(1).value).toBe("customer_id"); // each part has the header
      return w.getSheetValues().slice(2).map((r) => (r as unknown[])[1]);
    });
    expect(ids).toEqual(small.map((r) => r.customer_id));
    expect(wb.worksheets.map((w) => w.rowCount)).toEqual([11, 11, 6, 11]);
  });

  it("writeAtomically writes function entries into the new folder in order, and keeps the old one on failure", async () => {
    const target = join(dir, "out", "r");
    const order: string[] = [];
    await writeAtomically(target, {
      "tables/a.csv": async (path) => (order.push("a"), writeCsv(path, rows.slice(0, 2))),
      "manifest.json": async (path) => (order.push("m"), writeCsv(path, [])),
    });
    expect(order).toEqual(["a", "m"]);
    expect(await readFile(join(target, "tables/a.csv"), "utf8")).toBe(toCsv(rows.slice(0, 2)));
    const failing = writeAtomically(target, { "tables/a.csv": "new", "b.csv": async () => { throw new Error("boom"); } });
    await expect(failing).rejects.toThrow("boom");
    expect(await readFile(join(target, "tables/a.csv"), "utf8")).toBe(toCsv(rows.slice(0, 2)));
  });
});
