// CSV export of result tables (RFC 4180). Text that a spreadsheet could run as a formula is
// prefixed with a quote (the OWASP rule): any string starting with = + - @ tab or carriage
// return, also after leading whitespace, unless the whole cell is a plain number ("-5", "+1.5e3").
//
// A table is written in chunks of lines (csvChunks, writeCsv): a CSV of millions of rows is never
// one string (V8 strings stop at 2^29 − 24 characters, about 6.7M rows of a risk list).

import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Row, Value } from "../analysis/types.js";
import { rowBatches, type TableRows } from "./table-rows.js";

/** A cell that is entirely one decimal number: a spreadsheet reads it as that number, never as a formula. */
const plainNumber = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
/** What Excel, LibreOffice and Google Sheets may evaluate: = + - @ first (after any whitespace), or a leading tab / CR. */
const formulaStart = /^(\s*[=+\-@]|[\t\r])/;

/** A small table's CSV as one string (`analyze --format csv`); files are written with writeCsv. */
export function toCsv(rows: Row[]): string {
  const keys = csvColumns(rows);
  return [keys.map(cell).join(","), ...rows.map((r) => csvLine(r, keys))].join("\n") + "\n";
}

/** The CSV's columns: an in-memory table's are its first row's keys (the declared order). */
function csvColumns(table: TableRows): string[] {
  return Array.isArray(table) ? Object.keys(table[0] ?? {}) : table.columns;
}

const csvLine = (r: Row, keys: string[]) => keys.map((k) => cell(r[k] ?? null)).join(",");

/** The CSV text in chunks: the header line, then the lines of each batch of rows (each ends with \n). */
export async function* csvChunks(table: TableRows): AsyncIterable<string> {
  const keys = csvColumns(table);
  yield keys.map(cell).join(",") + "\n";
  for await (const batch of rowBatches(table)) {
    if (batch.length) yield batch.map((r) => csvLine(r, keys)).join("\n") + "\n";
  }
}

/** Writes the table's CSV to `path`, chunk by chunk (the same bytes as toCsv). */
export async function writeCsv(path: string, table: TableRows): Promise<void> {
  await pipeline(Readable.from(csvChunks(table)), createWriteStream(path));
}

/** The OWASP quote prefix for text a spreadsheet would treat as a formula. */
export function defuseFormula(s: string): string {
  return formulaStart.test(s) && !plainNumber.test(s) ? "'" + s : s;
}

function cell(v: Value): string {
  if (v === null) return "";
  let s = typeof v === "number" ? String(Math.round(v * 1e10) / 1e10) : String(v);
  if (typeof v === "string") s = defuseFormula(s);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
