// tables.xlsx: every result table of a run as one workbook for the client's analysts, next to
// the CSVs. One sheet per table; typed cells (numbers as numbers, ISO dates as dates, booleans
// as booleans), number formats from the column's kind (percent, currency, integer), a bold and
// frozen header row with a filter, and column widths from the content. Text that a spreadsheet
// could run as a formula is quoted as in the CSV export (csv.ts defuseFormula); strings are
// never written as formulas.

import ExcelJS from "exceljs";
import type { Row, Value } from "../analysis/types.js";
import { valuesFormat } from "../render/output-formats.js";
import type { ValueFormat } from "../util/format.js";
import { defuseFormula } from "./csv.js";

export interface XlsxTable {
  /** The table's name as in tables/<name>.csv (the sheet is named after it). */
  name: string;
  rows: Row[];
  /** The columns' declared formats (analysis tables); a table without them (a transform's) gets a guess from names and values. */
  formats?: Record<string, ValueFormat>;
}

/** The Excel number format of a column kind. */
export function excelNumberFormat(format: ValueFormat, currency = "USD"): string | undefined {
  switch (format) {
    case "percent":
      return "0.0%";
    case "integer":
      return "#,##0";
    case "currency":
      return `#,##0.00 "${currency.replace(/"/g, "")}"`;
    case "number":
    case "months":
    case "days":
      return "#,##0.00";
    case "date":
      return "yyyy-mm-dd";
    default:
      return undefined;
  }
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;
const isoDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;

/** A sheet name Excel accepts: at most 31 characters, none of []:*?/\, unique in the workbook. */
export function sheetName(name: string, used: Set<string>): string {
  const base = (name.replace(/[[\]:*?/\\]/g, "_").replace(/^'+|'+$/g, "") || "table").slice(0, 31);
  let candidate = base;
  for (let i = 2; used.has(candidate.toLowerCase()); i++) {
    const suffix = `~${i}`;
    candidate = base.slice(0, 31 - suffix.length) + suffix;
  }
  used.add(candidate.toLowerCase());
  return candidate;
}

function cellValue(v: Value | undefined, format: ValueFormat): ExcelJS.CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "boolean") return v;
  if (format === "date" && (isoDate.test(v) || isoDateTime.test(v))) {
    // Calendar dates: midnight UTC, which exceljs writes as the serial day number.
    const t = Date.parse(isoDate.test(v) ? `${v}T00:00:00Z` : v);
    if (Number.isFinite(t)) return new Date(t);
  }
  return defuseFormula(v);
}

function displayWidth(v: ExcelJS.CellValue, format: ValueFormat): number {
  if (v === null || v === undefined) return 0;
  if (v instanceof Date) return 10;
  if (typeof v === "number") {
    if (format === "percent") return 7;
    const digits = Math.abs(v) >= 1 ? Math.floor(Math.log10(Math.abs(v))) + 1 : 1;
    return digits + Math.floor((digits - 1) / 3) + (format === "integer" ? 0 : 3) + (v < 0 ? 1 : 0) + (format === "currency" ? 5 : 0);
  }
  // CJK characters take two columns.
  let w = 0;
  for (const ch of String(v)) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}

/** Builds the workbook; returns the .xlsx bytes. */
export async function tablesXlsx(tables: XlsxTable[], options: { currency?: string; created?: Date } = {}): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "churnbook";
  wb.created = options.created ?? new Date(0);
  wb.modified = wb.created;
  const used = new Set<string>();
  for (const t of tables) {
    const ws = wb.addWorksheet(sheetName(t.name, used), { views: [{ state: "frozen", ySplit: 1, xSplit: 0 }] });
    const keys = [...new Set(t.rows.flatMap((r) => Object.keys(r)))];
    const formats = keys.map((k) => t.formats?.[k] ?? valuesFormat(t.rows, k));
    const widths = keys.map((k) => k.length);
    ws.addRow(keys.map((k) => defuseFormula(k)));
    for (const r of t.rows) {
      const values = keys.map((k, i) => cellValue(r[k], formats[i]!));
      ws.addRow(values);
      values.forEach((v, i) => (widths[i] = Math.max(widths[i]!, displayWidth(v, formats[i]!))));
    }
    ws.getRow(1).font = { bold: true };
    keys.forEach((_, i) => {
      const col = ws.getColumn(i + 1);
      // Never exactly 9: exceljs leaves the default width (9) out of the file.
      col.width = Math.min(60, Math.max(10, widths[i]! + 2));
      const fmt = excelNumberFormat(formats[i]!, options.currency);
      if (fmt) col.eachCell({ includeEmpty: false }, (c, rowNumber) => void (rowNumber > 1 && (c.numFmt = fmt)));
    });
    if (keys.length) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: keys.length } };
  }
  if (tables.length === 0) wb.addWorksheet("tables").addRow(["(no tables)"]);
  const buffer = await wb.xlsx.writeBuffer();
  return new Uint8Array(buffer as ArrayBuffer);
}
