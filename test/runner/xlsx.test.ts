// tables.xlsx read back with exceljs: one sheet per table, typed cells with their formats,
// a frozen header, column widths, formula-like text defused.

import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { sheetName, tablesXlsx } from "../../src/runner/xlsx.js";

async function readBack(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  return wb;
}

describe("tables.xlsx", () => {
  it("writes typed cells with formats, a frozen header and widths", async () => {
    const bytes = await tablesXlsx(
      [
        {
          name: "summary",
          rows: [
            { period: "2026-10", churn_rate: 0.0412, mrr: 182345.5, customers: 1204, start_date: "2026-10-01", active: true, reason: "=HYPERLINK(\"http://x\")" },
            { period: "2026-09", churn_rate: null, mrr: -20, customers: 1180, start_date: "2026-09-01", active: false, reason: "-2+3+cmd|' /C calc'!A0" },
          ],
          // The declared formats (render-files.ts passes the analysis's); active and reason go by their values.
          formats: { period: "period", churn_rate: "percent", mrr: "currency", customers: "integer" },
        },
        // No declaration: each column by its values, never by its name (a "churn_rate" of 0.04 is a number).
        { name: "trend.periods", rows: [{ period: "2026-10", churned: 12, churn_rate: 0.04 }] },
      ],
      { currency: "CNY" },
    );
    const wb = await readBack(bytes);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["summary", "trend.periods"]);
    const ws = wb.getWorksheet("summary")!;
    expect(ws.getRow(1).values).toEqual([undefined, "period", "churn_rate", "mrr", "customers", "start_date", "active", "reason"]);
    expect(ws.getRow(1).font?.bold).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    const r2 = ws.getRow(2);
    expect(r2.getCell(1).value).toBe("2026-10"); // a period stays text
    expect(r2.getCell(2).value).toBe(0.0412);
    expect(r2.getCell(2).numFmt).toBe("0.0%");
    expect(r2.getCell(3).value).toBe(182345.5);
    expect(r2.getCell(3).numFmt).toContain("#,##0.00");
    expect(r2.getCell(3).numFmt).toContain("CNY");
    expect(r2.getCell(4).value).toBe(1204);
    expect(r2.getCell(4).numFmt).toBe("#,##0");
    expect(r2.getCell(5).value).toBeInstanceOf(Date);
    expect((r2.getCell(5).value as Date).toISOString()).toBe("2026-10-01T00:00:00.000Z");
    expect(r2.getCell(5).numFmt).toBe("yyyy-mm-dd");
    expect(r2.getCell(6).value).toBe(true);
    // Formula-like text is quoted and never a formula.
    expect(r2.getCell(7).type).toBe(ExcelJS.ValueType.String);
    expect(r2.getCell(7).value).toBe("'=HYPERLINK(\"http://x\")");
    expect(ws.getRow(3).getCell(7).value).toBe("'-2+3+cmd|' /C calc'!A0");
    expect(ws.getRow(3).getCell(2).value).toBeNull();
    expect(ws.getRow(3).getCell(3).value).toBe(-20);
    const widths = [1, 2, 3, 4, 5, 6, 7].map((c) => ws.getColumn(c).width);
    expect(widths.every((w) => typeof w === "number" && w >= 10), JSON.stringify(widths)).toBe(true);
    expect(ws.getColumn(7).width!).toBeGreaterThan(ws.getColumn(6).width!);
    const undeclared = wb.getWorksheet("trend.periods")!.getRow(2);
    expect([1, 2, 3].map((c) => undeclared.getCell(c).numFmt ?? null)).toEqual([null, "#,##0", "#,##0.00"]);
  });

  it("names sheets within Excel's rules", () => {
    const used = new Set<string>();
    expect(sheetName("a/b:c", used)).toBe("a_b_c");
    const long = "x".repeat(40);
    expect(sheetName(long, used)).toBe("x".repeat(31));
    expect(sheetName(long, used)).toBe("x".repeat(29) + "~2");
  });
});
