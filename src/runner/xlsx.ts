// tables.xlsx: every result table of a run as one workbook for the client's analysts, next to
// the CSVs. One sheet per table; typed cells (numbers as numbers, ISO dates as dates, booleans
// as booleans), number formats from the column's kind (percent, currency, integer), a bold and
// frozen header row with a filter, and column widths from the content. Text that a spreadsheet
// could run as a formula is quoted as in the CSV export (csv.ts defuseFormula); strings are
// never written as formulas.
//
// The SpreadsheetML parts are written here as text and zipped with node:zlib (util/zip.ts) rather
// than built with exceljs: at 10^5 customers (a 67k-row risk list) exceljs took 24 s of CPU —
// a style object per cell and a pure-JavaScript deflate — where this takes about a second. Every
// part is a function of the tables, the currency and `created` (also the archive's file times),
// so one run's workbook is byte-identical to the next's.

import type { Row, Value } from "../analysis/types.js";
import { valuesFormat } from "../render/output-formats.js";
import type { ValueFormat } from "../util/format.js";
import { writeZipFile, zip, type ZipEntry } from "../util/zip.js";
import { defuseFormula } from "./csv.js";
import { rowBatches, rowCount, type TableRows } from "./table-rows.js";

export interface XlsxTable {
  /** The table's name as in tables/<name>.csv (the sheet is named after it). */
  name: string;
  rows: TableRows;
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


/** A cell as the sheet stores it: a number (a date as its serial day), a boolean, text, or nothing. */
type Cell = number | boolean | string | null;

/** Excel's serial day of a UTC instant: days since 1899-12-30 (the 1900 date system). */
const serialDay = (ms: number) => ms / 86_400_000 + 25_569;

function cellValue(v: Value | undefined, format: ValueFormat): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "boolean") return v;
  if (format === "date" && (isoDate.test(v) || isoDateTime.test(v))) {
    // Calendar dates: midnight UTC, the whole serial day.
    const t = Date.parse(isoDate.test(v) ? `${v}T00:00:00Z` : v);
    if (Number.isFinite(t)) return serialDay(t);
  }
  return defuseFormula(v);
}

const wide = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/;

function displayWidth(v: Cell, format: ValueFormat): number {
  if (v === null) return 0;
  if (typeof v === "boolean") return 5;
  if (typeof v === "number") {
    if (format === "date") return 10;
    if (format === "percent") return 7;
    const digits = Math.abs(v) >= 1 ? Math.floor(Math.log10(Math.abs(v))) + 1 : 1;
    return digits + Math.floor((digits - 1) / 3) + (format === "integer" ? 0 : 3) + (v < 0 ? 1 : 0) + (format === "currency" ? 5 : 0);
  }
  if (/^[\x00-\x7f]*$/.test(v)) return v.length;
  // CJK characters take two columns.
  let w = 0;
  for (const ch of v) w += wide.test(ch) ? 2 : 1;
  return w;
}

/** Text for an XML element: escaped, without the control characters XML 1.0 cannot hold. */
const xmlText = (s: string) => s.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const xmlAttr = (s: string) => xmlText(s).replace(/"/g, "&quot;");

/** The column's letters: 0 → A, 25 → Z, 26 → AA. */
function columnName(i: number): string {
  let s = "";
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

const xmlHead = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const mainNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const relNs = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const typeNs = "application/vnd.openxmlformats-officedocument.spreadsheetml";
/** Style 0 is the default, 1 the bold header; number formats follow from 2. */
const headerStyle = 1;

/** The workbook's text: each distinct string once (xl/sharedStrings.xml), cells refer to it by index. */
class SharedStrings {
  private index = new Map<string, number>();
  count = 0;
  of(s: string): number {
    this.count++;
    let i = this.index.get(s);
    if (i === undefined) this.index.set(s, (i = this.index.size));
    return i;
  }
  xml(): string {
    const items = [...this.index.keys()].map((s) => `<si><t${/^\s|\s$/.test(s) ? ' xml:space="preserve"' : ""}>${xmlText(s)}</t></si>`);
    return `${xmlHead}<sst xmlns="${mainNs}" count="${this.count}" uniqueCount="${this.index.size}">${items.join("")}</sst>`;
  }
}

/** Every column of the rows, in order of first appearance (a streamed table's are declared). */
function columnsOf(table: TableRows): string[] {
  if (!Array.isArray(table)) return table.columns;
  const keys = new Set<string>();
  for (const r of table) for (const k in r) keys.add(k);
  return [...keys];
}

/** Excel's last row is 1,048,576: the header and 1,048,575 data rows per sheet. */
export const excelDataRows = 1_048_575;

/** A table written over several sheets because it has more rows than a sheet holds. */
export interface XlsxSplit {
  table: string;
  rows: number;
  /** The sheets holding it, in order ("risk_list", "risk_list (2)", …). */
  sheets: string[];
}

/** One sheet to write: a table's columns and the slice [first, first + count) of its rows. */
interface Sheet {
  name: string;
  keys: string[];
  formats: ValueFormat[];
  styles: number[];
  widths: number[];
  count: number;
  /** The header row's range (the filter), e.g. A1:K1; null for a sheet without columns. */
  header: string | null;
}

/** The sheet names of a table of `rows` rows: its own, then "name (2)", "name (3)", … as sheetName allows. */
function sheetNames(name: string, rows: number, maxRows: number, used: Set<string>): string[] {
  const parts = Math.max(1, Math.ceil(rows / maxRows));
  return Array.from({ length: parts }, (_, i) => {
    if (i === 0) return sheetName(name, used);
    const suffix = ` (${i + 1})`;
    return sheetName(name.slice(0, 31 - suffix.length) + suffix, used);
  });
}

/**
 * The widths of a table's columns from the header and every value (one pass over the rows,
 * before any row is written: <cols> precedes <sheetData>).
 */
async function columnWidths(keys: string[], table: TableRows, formats: ValueFormat[]): Promise<number[]> {
  const widths = keys.map((k) => k.length);
  for await (const batch of rowBatches(table)) {
    for (const r of batch) {
      for (let i = 0; i < keys.length; i++) {
        const v = cellValue(r[keys[i]!], formats[i]!);
        if (v === null) continue;
        const w = displayWidth(v, formats[i]!);
        if (w > widths[i]!) widths[i] = w;
      }
    }
  }
  return widths;
}

/** A sheet's XML in chunks: the head, then each batch of rows the cursor gives, then the tail. */
async function* sheetXml(sheet: Sheet, rows: RowCursor, strings: SharedStrings): AsyncIterable<string> {
  const { keys, formats, styles, widths } = sheet;
  const letters = keys.map((_, i) => columnName(i));
  // Each column's cell prefix, built once: <c r="B  …  " s="3"  (the row number goes between).
  const open = letters.map((l) => `<c r="${l}`);
  const styled = styles.map((s) => (s ? `" s="${s}"` : '"'));
  const last = keys.length ? letters.at(-1)! : "A";
  const cols = keys.map((_, i) => `<col min="${i + 1}" max="${i + 1}" width="${Math.min(60, Math.max(10, widths[i]! + 2))}" customWidth="1"/>`).join("");
  const head: string[] = [`<row r="1" s="${headerStyle}" customFormat="1">`];
  keys.forEach((k, i) => head.push(`${open[i]}1" s="${headerStyle}" t="s"><v>${strings.of(defuseFormula(k))}</v></c>`));
  head.push("</row>");
  yield `${xmlHead}<worksheet xmlns="${mainNs}" xmlns:r="${relNs}">` +
    `<dimension ref="A1:${last}${sheet.count + 1}"/>` +
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>' +
    '<sheetFormatPr defaultRowHeight="15"/>' +
    (cols ? `<cols>${cols}</cols>` : "") +
    `<sheetData>${head.join("")}`;
  let line = 2;
  for await (const batch of rows.take(sheet.count)) {
    const out: string[] = [];
    for (const r of batch) {
      out.push(`<row r="${line}">`);
      for (let i = 0; i < keys.length; i++) {
        const v = cellValue(r[keys[i]!], formats[i]!);
        if (v === null) continue;
        if (typeof v === "number") out.push(`${open[i]}${line}${styled[i]}><v>${v}</v></c>`);
        else if (typeof v === "boolean") out.push(`${open[i]}${line}${styled[i]} t="b"><v>${v ? 1 : 0}</v></c>`);
        else out.push(`${open[i]}${line}${styled[i]} t="s"><v>${strings.of(v)}</v></c>`);
      }
      out.push("</row>");
      line++;
    }
    yield out.join("");
  }
  yield "</sheetData>" + (sheet.header ? `<autoFilter ref="${sheet.header}"/>` : "") + '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>';
}

/** Reads a table's batches once, handing out consecutive runs of rows (one per sheet). */
class RowCursor {
  private iterator: AsyncIterator<Row[]>;
  private rest: Row[] = [];
  constructor(table: TableRows) {
    this.iterator = rowBatches(table)[Symbol.asyncIterator]();
  }
  async *take(n: number): AsyncIterable<Row[]> {
    while (n > 0) {
      if (!this.rest.length) {
        const next = await this.iterator.next();
        if (next.done) return;
        this.rest = next.value;
        continue;
      }
      const batch = this.rest.length <= n ? this.rest : this.rest.slice(0, n);
      this.rest = this.rest.length <= n ? [] : this.rest.slice(n);
      n -= batch.length;
      yield batch;
    }
  }
}

async function firstBatch(table: TableRows): Promise<Row[]> {
  for await (const batch of rowBatches(table)) return batch; // leaving the loop closes the reader
  return [];
}

export interface XlsxOptions {
  currency?: string;
  created?: Date;
  /** Data rows per sheet (default Excel's 1,048,575; smaller in tests). */
  maxRows?: number;
}

/** Builds the workbook; returns the .xlsx bytes (small workbooks: tests; outputs use writeTablesXlsx). */
export async function tablesXlsx(tables: XlsxTable[], options: XlsxOptions = {}): Promise<Uint8Array> {
  const { entries, created } = await workbook(tables, options);
  return zip(entries, created);
}

/**
 * Writes the workbook to `path`, each sheet streamed into the archive. A table longer than a sheet
 * continues on further sheets ("name (2)", …); those tables are returned, for the run log.
 */
export async function writeTablesXlsx(path: string, tables: XlsxTable[], options: XlsxOptions = {}): Promise<XlsxSplit[]> {
  const { entries, created, splits } = await workbook(tables, options);
  await writeZipFile(path, entries, created);
  return splits;
}

/** The workbook's parts, its sheets' data to be produced as the archive is written. */
async function workbook(tables: XlsxTable[], options: XlsxOptions): Promise<{ entries: ZipEntry[]; created: Date; splits: XlsxSplit[] }> {
  const created = options.created ?? new Date(0);
  const currency = options.currency ?? "USD";
  const strings = new SharedStrings();
  const numberFormats = new Map<string, number>();
  const styleOf = (code: string) => {
    let style = numberFormats.get(code);
    if (style === undefined) numberFormats.set(code, (style = headerStyle + 1 + numberFormats.size));
    return style;
  };
  const maxRows = Math.max(1, Math.min(options.maxRows ?? excelDataRows, excelDataRows));
  const used = new Set<string>();
  // Every sheet's columns, formats and widths first (the styles and the workbook's sheet list
  // come before the sheets in the archive); the rows are formatted as each sheet is written.
  const sheets: (Sheet & { rows: RowCursor })[] = [];
  const splits: XlsxSplit[] = [];
  for (const t of tables.length ? tables : [{ name: "tables", rows: [] as Row[] }]) {
    const keys = tables.length ? columnsOf(t.rows) : ["(no tables)"];
    // Undeclared formats are guessed from the values: a streamed table's from its first batch.
    const sample = Array.isArray(t.rows) ? t.rows : await firstBatch(t.rows);
    const formats = keys.map((k) => t.formats?.[k] ?? valuesFormat(sample, k));
    const styles = formats.map((f) => {
      const code = excelNumberFormat(f, currency);
      return code ? styleOf(code) : 0;
    });
    const widths = await columnWidths(keys, t.rows, formats);
    const total = rowCount(t.rows);
    const names = sheetNames(t.name, total, maxRows, used);
    if (names.length > 1) splits.push({ table: t.name, rows: total, sheets: names });
    const rows = new RowCursor(t.rows);
    const header = keys.length ? `A1:${columnName(keys.length - 1)}1` : null;
    names.forEach((name, i) => sheets.push({ name, keys, formats, styles, widths, count: Math.min(maxRows, total - i * maxRows), header, rows }));
  }
  const quoted = (name: string) => `'${name.replace(/'/g, "''")}'`;
  const filters = sheets.flatMap((s, i) => (s.header ? [`<definedName name="_xlnm._FilterDatabase" localSheetId="${i}" hidden="1">${xmlText(`${quoted(s.name)}!${s.header.replace(/([A-Z]+)(\d+)/g, "$$$1$$$2")}`)}</definedName>`] : []));
  const workbook =
    `${xmlHead}<workbook xmlns="${mainNs}" xmlns:r="${relNs}"><bookViews><workbookView/></bookViews><sheets>` +
    sheets.map((s, i) => `<sheet name="${xmlAttr(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join("") +
    `</sheets>${filters.length ? `<definedNames>${filters.join("")}</definedNames>` : ""}</workbook>`;
  const workbookRels =
    `${xmlHead}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
    sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${relNs}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join("") +
    `<Relationship Id="rId${sheets.length + 1}" Type="${relNs}/styles" Target="styles.xml"/>` +
    `<Relationship Id="rId${sheets.length + 2}" Type="${relNs}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`;
  const formats = [...numberFormats.keys()];
  const font = (bold: boolean) => `<font>${bold ? "<b/>" : ""}<sz val="11"/><name val="Calibri"/><family val="2"/></font>`;
  const styles =
    `${xmlHead}<styleSheet xmlns="${mainNs}">` +
    (formats.length ? `<numFmts count="${formats.length}">${formats.map((code, i) => `<numFmt numFmtId="${164 + i}" formatCode="${xmlAttr(code)}"/>`).join("")}</numFmts>` : "") +
    `<fonts count="2">${font(false)}${font(true)}</fonts>` +
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
    `<cellXfs count="${2 + formats.length}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>` +
    formats.map((_, i) => `<xf numFmtId="${164 + i}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>`).join("") +
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>';
  const when = created.toISOString().replace(/\.\d{3}Z$/, "Z");
  const core =
    `${xmlHead}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
    `<dc:creator>churnbook</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">${when}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${when}</dcterms:modified></cp:coreProperties>`;
  const contentTypes =
    `${xmlHead}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
    `<Override PartName="/xl/workbook.xml" ContentType="${typeNs}.sheet.main+xml"/>` +
    sheets.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="${typeNs}.worksheet+xml"/>`).join("") +
    `<Override PartName="/xl/styles.xml" ContentType="${typeNs}.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="${typeNs}.sharedStrings+xml"/>` +
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>';
  const rootRels =
    `${xmlHead}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
    `<Relationship Id="rId1" Type="${relNs}/officeDocument" Target="xl/workbook.xml"/>` +
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>';
  const entries: ZipEntry[] = [
    { name: "[Content_Types].xml", data: contentTypes },
    { name: "_rels/.rels", data: rootRels },
    { name: "docProps/core.xml", data: core },
    { name: "xl/workbook.xml", data: workbook },
    { name: "xl/_rels/workbook.xml.rels", data: workbookRels },
    { name: "xl/styles.xml", data: styles },
    ...sheets.map((s, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, data: () => sheetXml(s, s.rows, strings) })),
    // Last: the text of every sheet, collected as the sheets were written.
    { name: "xl/sharedStrings.xml", data: () => (async function* () { yield strings.xml(); })() },
  ];
  return { entries, created, splits };
}
