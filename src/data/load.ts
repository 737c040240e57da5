// Loading datasets into the engine. Each file is read by DuckDB, checked and typed in SQL (a bad
// value is reported with its dataset, column, row and value), renamed to the canonical fields of
// its role and served as a relation named after the role. JavaScript never holds the rows:
// analyses query these relations.
// On the way, exact duplicate rows are dropped and rows that cannot be right (no customer, an
// end before its start) left out; each such fact is a finding (data/quality.ts) with its row
// numbers, shown in the run log, the manifest and the report's appendix.
//
// Three ways in, the cheapest that keeps every check first (each falls back to the next):
// - Parquet in place: the role is a view over the file (typed, renamed, rows left out filtered
//   out), so loading copies nothing and memory does not grow with the data; the checks read the
//   file once, with its own row numbers (file_row_number). Only a file with exact duplicate
//   rows (which must be dropped or judged) is copied.
// - CSV typed: the file is read once by DuckDB's parallel parser, typed as declared, straight
//   into the role table; its row numbers are the table's (rowid + 1: DuckDB keeps the file's
//   order). A value the parser rejects or rows that may repeat send the file down the text path.
// - Text (and JSON, and the fallbacks): read as written into a temporary table, where duplicates
//   are judged as written and every bad value located, then typed into the role table.

import { stat } from "node:fs/promises";
import { extname } from "node:path";
import { ChurnbookError, closeMatches } from "../util/errors.js";
import { fileSha256, fileStamp } from "../util/file-hash.js";
import { canonicalType, type FieldType, type Role } from "./roles.js";
import { quoteIdent, quoteLiteral, type Engine } from "./engine.js";
import type { Row } from "../core/vocabulary.js";
import { deriveSql } from "./derive.js";
import { csvProblemError, diagnoseCsv, duckdbReason, looksLikeHeader, prepareTextFile, type PreparedFile } from "./csv.js";
import { countRows, dataExtent, eventDates, exampleRows, findingMessage, type DataFinding } from "./quality.js";

export type { DataFinding } from "./quality.js";
import type { DatasetDef } from "../definition/normalize.js";

/** A dataset of the definition, its path resolved to a file (the CLI's `analyze` builds one too). */
export type DatasetSource = Omit<DatasetDef, "path" | "line"> & {
  /** Absolute path of the file. */
  file: string;
};

export interface LoadedDataset {
  name: string;
  role: Role;
  /** The file's absolute path; for a database source, its description (table … (env:VAR)). */
  file: string;
  /** Set for a database source (load-postgres.ts): the rows came from a connection, not a file. */
  database?: true;
  /** sha256 of the file's bytes. */
  sha256: string;
  bytes: number;
  rows: number;
  dropped: number;
  droppedReasons: string[];
  /** What loading noticed and did (duplicates dropped, bad rows left out, future dates). */
  findings: DataFinding[];
  fields: string[];
  minDate: string | null;
  maxDate: string | null;
  /** Set when the role is a view over the file (Parquet in place): the file's stamp when it was
   * checked, since every later query reads the file again (see assertReadInPlaceUnchanged). */
  inPlaceStamp?: string;
}

/**
 * A file served in place is read again by every analysis query: if it was rewritten during the
 * run, the report would mix data the load never checked with the checked fingerprint. Refuse
 * then, before anything is written, rather than print numbers nobody can trace to a file.
 */
export async function assertReadInPlaceUnchanged(datasets: readonly LoadedDataset[]): Promise<void> {
  for (const d of datasets) {
    if (d.inPlaceStamp === undefined) continue;
    const now = await fileStamp(d.file).catch(() => "missing");
    if (now !== d.inPlaceStamp) {
      throw new ChurnbookError("data-changed", `${d.file} changed while the report ran (it is read in place, by every analysis); nothing was written`, {
        location: { dataset: d.name },
        hint: "run again once the file is complete; to render while files are being replaced, write each new file under a temporary name and rename it into place",
      });
    }
  }
}

const duckType: Record<FieldType, string> = { string: "VARCHAR", date: "DATE", number: "DOUBLE", integer: "BIGINT", boolean: "BOOLEAN" };

/** Roles whose rows are events: identical rows can be distinct events (line items). */
export const eventLogs = new Set<Role>(["transactions", "tickets", "usage"]);

/** Fields whose values must be unique within a role. */
const uniqueFields: Partial<Record<Role, string>> = { customers: "customer_id", lifetimes: "customer_id", summary: "customer_id" };

export interface LoadOptions {
  /** The run date: dates after it are reported (default: today). */
  now?: Date;
}

/** A role relation read in place or typed in one pass, with what finishRoleTable needs of it. */
type Read = Pick<TypedTable, "table" | "mapping" | "typeOf" | "marks" | "total" | "rowNo" | "view" | "found">;

export async function loadDataset(engine: Engine, src: DatasetSource, options: LoadOptions = {}): Promise<LoadedDataset> {
  const info = await stat(src.file).catch(() => null);
  if (!info?.isFile()) {
    throw new ChurnbookError("missing-file", `file not found: ${src.file}`, { location: { dataset: src.name }, hint: "check the dataset's path (relative to the report file) and its parameters" });
  }
  // The fingerprint is read while DuckDB reads the file (the hash runs on the main thread,
  // DuckDB on its own); a run that hashed the file for its cache key already has it.
  const fingerprint = fileSha256(src.file);
  fingerprint.catch(() => {}); // awaited below; a load error must not leave it unhandled
  const raw = `__raw_${src.name}`;
  const format = src.format ?? formatOf(src.file);
  const runDate = (options.now ?? new Date()).toISOString().slice(0, 10);
  const where = { dataset: src.name, file: src.file, role: src.role };
  let prepared: PreparedFile | null = null;
  if (format === "parquet") {
    if (src.encoding && src.encoding !== "utf-8") throw new ChurnbookError("bad-encoding", `encoding: ${src.encoding} applies to CSV and JSON files, not to Parquet`, { location: { dataset: src.name } });
  } else {
    prepared = await prepareTextFile(where, { csv: format === "csv", encoding: src.encoding, delimiter: src.delimiter });
  }
  const findings: DataFinding[] = [];
  const addFinding = (f: Omit<DataFinding, "message">) => findings.push({ ...f, message: findingMessage(f) });
  // Taken before the checks read the file, so a rewrite at any later moment is caught.
  const stampAtLoad = fileStamp(src.file);
  stampAtLoad.catch(() => {});
  const finish = async (read: Read): Promise<LoadedDataset> => {
    const kept = await finishRoleTable(engine, { ...read, src, findings, runDate });
    return {
      ...(read.view !== undefined ? { inPlaceStamp: await stampAtLoad } : {}),
      name: src.name,
      role: src.role,
      file: src.file,
      sha256: await fingerprint,
      bytes: info.size,
      rows: kept.rows,
      dropped: kept.dropped,
      droppedReasons: findings.filter((f) => f.excluded).map((f) => f.message),
      findings,
      fields: [...read.mapping.keys(), ...Object.keys(src.derive)],
      minDate: kept.minDate,
      maxDate: kept.maxDate,
    };
  };
  // A view or table of an earlier load under the role's name goes first (a table cannot replace
  // a view, nor a view a table).
  for (const kind of ["VIEW", "TABLE"]) await engine.query(`DROP ${kind} IF EXISTS ${quoteIdent(src.role)}`).catch(() => {});
  let described: Row[] = [];
  try {
    const path = prepared?.path ?? src.file;
    const reader =
      format === "parquet"
        ? `read_parquet(${quoteLiteral(path)})`
        : format === "json"
          ? `read_json_auto(${quoteLiteral(path)})`
          : `read_csv(${quoteLiteral(path)}, all_varchar = true, header = true${src.delimiter ? `, delim = ${quoteLiteral(src.delimiter)}` : ""}${cleanNames(prepared?.header)}, null_padding = true)`;
    const read = format === "csv" ? await readCsvTyped(engine, src, path, reader, runDate) : format === "parquet" ? await readParquetInPlace(engine, src, path, runDate) : null;
    if (read) return await finish(read);
    // The text path. Read in parallel; DuckDB keeps the file's order (insertion order is
    // preserved), so a row's number is its rowid + 1 (row 1: the first line after the header).
    try {
      await engine.query(`CREATE OR REPLACE TEMP TABLE ${quoteIdent(raw)} AS SELECT * FROM ${reader}`);
    } catch (e) {
      if (format !== "csv" || !prepared) throw new ChurnbookError("unreadable-file", `cannot read ${format.toUpperCase()} file ${src.file}: ${duckdbReason(e)}`, { location: { dataset: src.name, file: src.file } });
      // Only now: scan the file for the first line DuckDB cannot read, with its true line number.
      const problem = await diagnoseCsv(prepared.path, prepared.delimiter, prepared.header?.length ?? null);
      if (problem) throw csvProblemError(where, problem, prepared.header);
      throw new ChurnbookError("unreadable-file", `cannot read CSV file ${src.file}: ${duckdbReason(e)}`, { location: { dataset: src.name, file: src.file }, hint: "check that the file is a CSV export (one header line, one line per row); set the dataset's delimiter if it is not a comma" });
    }
    described = await engine.query(`SELECT column_name, column_type AS data_type FROM (DESCRIBE ${quoteIdent(raw)})`);
    const n = described.length;
    if (format === "csv" && prepared?.header && n > prepared.header.length) {
      // DuckDB padded the header for a line with more fields than it has: a value holding the
      // delimiter shifts every later column, so stop at that line rather than blame a column.
      const problem = await diagnoseCsv(prepared.path, prepared.delimiter, prepared.header.length);
      if (problem) throw csvProblemError(where, problem, prepared.header);
    }
  } finally {
    await prepared?.cleanup();
  }
  const fileColumns = described.map((r) => String(r.column_name));
  const fileTypes = new Map(described.map((r) => [String(r.column_name), String(r.data_type)]));
  // A file whose first line holds no delimiter is not a table; never echo its first line.
  const notATable = () =>
    new ChurnbookError("not-a-table", "the file does not look like a CSV table: its first line has no delimiter (comma, semicolon, tab or |)", {
      location: { dataset: src.name, file: src.file },
      hint: "check the dataset's path points at the data export; set the dataset's delimiter if the file uses another separator",
    });
  const tabular = format !== "csv" || fileColumns.length > 1;
  // One column serves no role but a bare list of customers; anything else would be named in
  // hints ("available fields: …"), echoing the first line of whatever file this is.
  if (!tabular && (src.role !== "customers" || !looksLikeHeader(fileColumns))) throw notATable();

  const mapping = mapColumns(src, fileColumns, src.file, () => {
    if (!tabular) throw notATable();
  });

  const rawTable = quoteIdent(raw);
  /** The raw rows with their row numbers (data rows: 1 = the line after the header). */
  const numbered = `(SELECT rowid + 1 AS __row, * FROM ${rawTable})`;

  const { typeOf, toInfer } = declaredTypes(src, mapping, fileTypes);
  // The rows and whether any row repeats another exactly (distinct row hashes fewer than rows —
  // equal rows hash equal, so as many hashes as rows proves there is no copy; fewer is checked
  // exactly below); the attributes' types.
  const [scan] = await engine.query(`SELECT count(*) AS n${fileColumns.length ? `, count(DISTINCT hash(${fileColumns.map(quoteIdent).join(", ")})) AS distinct_rows` : ""} FROM ${rawTable}`);
  const total = Number(scan!.n);
  await inferTypes(engine, rawTable, toInfer, mapping, typeOf);

  // Exact duplicate rows (every column equal, as written in the file). The policy per role:
  // - customers, subscriptions, churn events, lifetimes, summaries: a row states a fact once,
  //   so a copy is a duplicated export: dropped (the first is kept) and reported;
  // - event logs (transactions, tickets, usage) without a row id: two identical rows are
  //   normally two identical line items (the same product twice on one invoice), so they are
  //   kept and reported; with a row id column (e.g. transaction_id) a copy is a duplicate and
  //   is dropped. A log in which half the rows or more repeat an earlier one looks like a file
  //   concatenated with itself and is refused.
  if (fileColumns.length && Number(scan!.distinct_rows) < total) {
    const ranked = `(SELECT __row, row_number() OVER (PARTITION BY ${fileColumns.map(quoteIdent).join(", ")} ORDER BY __row) AS __k FROM ${numbered})`;
    const dup = await countRows(engine, ranked, "__k > 1");
    if (dup.count) {
      const rowId = fileColumns.find((c) => c !== mapping.get("customer_id") && /(^|_)(id|uuid|line_?no|row_?id)$/i.test(snake(c)));
      if (eventLogs.has(src.role) && !rowId) {
        if (total >= 20 && dup.count * 2 >= total) {
          throw new ChurnbookError("duplicated-file", `${dup.count} of the ${total} rows of dataset "${src.name}" repeat an earlier row exactly: the file looks concatenated with itself`, {
            location: { dataset: src.name, row: dup.rows[0] },
            hint: "remove the duplicated rows, or add a row id column (e.g. transaction_id) so that repeated identical purchases can be told from copies",
          });
        }
        addFinding({ code: "duplicate-line-items", count: dup.count, rows: dup.rows, excluded: false });
      } else {
        // Deleting keeps the other rows' rowids: row numbers stay those of the file.
        await engine.query(`DELETE FROM ${rawTable} WHERE rowid + 1 IN (SELECT __row FROM ${ranked} WHERE __k > 1)`);
        addFinding({ code: "duplicate-rows", count: dup.count, rows: dup.rows, excluded: true });
      }
    }
  }

  // Coerce each column in one pass into the role's table; a value that does not parse leaves a
  // mark (__bad<i>) on its row, and only then is the first such row looked up and reported.
  const { selects, checks } = typedSelects(src, mapping, typeOf, fileTypes);
  const table = quoteIdent(src.role);
  await engine.query(`CREATE OR REPLACE TABLE ${table} AS SELECT rowid + 1 AS __row, ${selects.join(", ")} FROM ${rawTable}`);
  const marks = checks.map((_, i) => `__bad${i}`);
  const failed = await firstBadValue(engine, table, "__row", checks);
  if (failed) {
    const [bad] = await engine.query(`SELECT ${quoteIdent(failed.column)} AS v FROM ${rawTable} WHERE rowid + 1 = ${failed.row}`);
    await engine.query(`DROP TABLE ${table}`);
    throw badValue(src, failed, bad!.v);
  }
  await engine.query(`DROP TABLE ${rawTable}`);
  return finish({ table, mapping, typeOf, marks, total, rowNo: "__row" });
}

/** A column whose text must be cast to its field's type (a bad value leaves a mark). */
interface Check {
  field: string;
  column: string;
  t: FieldType;
  /** Whether a row's value is there but does not parse (SQL over the file's columns). */
  bad: string;
}

/** Types: canonical fields by role, then declared types, then as the file types them; text
 * attributes are to be inferred (`toInfer`, typed string until inferTypes has looked). */
function declaredTypes(src: Pick<DatasetSource, "role" | "types">, mapping: Map<string, string>, fileTypes: Map<string, string>): { typeOf: Map<string, FieldType>; toInfer: string[] } {
  const typeOf = new Map<string, FieldType>();
  const toInfer: string[] = [];
  for (const [field, column] of mapping) {
    const t = canonicalType(src.role, field) ?? src.types[field];
    if (t) typeOf.set(field, t);
    else if (fileTypes.get(column) === "VARCHAR") {
      toInfer.push(field);
      typeOf.set(field, "string");
    } else typeOf.set(field, fromDuck(fileTypes.get(column)!));
  }
  return { typeOf, toInfer };
}

/**
 * A text attribute is a number when some value is there and every value reads as one. EXISTS
 * stops at the first row that settles it: a text column is settled by its first rows, not a
 * full scan. `from` holds the fields' columns as `mapping` names them.
 */
async function inferTypes(engine: Engine, from: string, toInfer: string[], mapping: Map<string, string>, typeOf: Map<string, FieldType>): Promise<string[]> {
  if (!toInfer.length) return [];
  const value = (f: string) => `nullif(trim(${quoteIdent(mapping.get(f)!)}), '')`;
  const [r] = await engine.query(
    `SELECT ${toInfer.map((f, i) => `EXISTS (SELECT 1 FROM ${from} WHERE ${value(f)} IS NOT NULL AND TRY_CAST(${value(f)} AS DOUBLE) IS NULL) AS bad${i}, EXISTS (SELECT 1 FROM ${from} WHERE ${value(f)} IS NOT NULL) AS any${i}`).join(", ")}`,
  );
  const numbers = toInfer.filter((_, i) => r![`bad${i}`] === false && r![`any${i}`] === true);
  for (const f of numbers) typeOf.set(f, "number");
  return numbers;
}

/** Each field's typed expression over its column, with a mark (__bad<i>) where text must parse. */
function typedSelects(src: Pick<DatasetSource, "dateFormat">, mapping: Map<string, string>, typeOf: Map<string, FieldType>, fileTypes: Map<string, string>, marks = true): { selects: string[]; checks: Check[] } {
  const selects: string[] = [];
  const checks: Check[] = [];
  for (const [field, column] of mapping) {
    const t = typeOf.get(field)!;
    const fromText = fileTypes.get(column) === "VARCHAR";
    const expr = castSql(quoteIdent(column), t, fromText, src.dateFormat);
    if (fromText && t !== "string") {
      const bad = `nullif(trim(${quoteIdent(column)}), '') IS NOT NULL AND (${expr}) IS NULL`;
      const i = checks.push({ field, column, t, bad }) - 1;
      if (marks) selects.push(`${bad} AS __bad${i}`);
    }
    selects.push(`${expr} AS ${quoteIdent(field)}`);
  }
  return { selects, checks };
}

/** The first row (by row number `rowNo`) whose mark says a value did not parse, or null. */
async function firstBadValue(engine: Engine, table: string, rowNo: string, checks: Check[]): Promise<(Check & { row: number }) | null> {
  if (!checks.length) return null;
  const [first] = await engine.query(`SELECT ${checks.map((_, i) => `min(${rowNo}) FILTER (WHERE __bad${i}) AS c${i}`).join(", ")} FROM ${table}`);
  return firstOf(checks, first!);
}

function firstOf(checks: Check[], found: Row): (Check & { row: number }) | null {
  const failed = checks.map((c, i) => ({ ...c, row: found[`c${i}`] as number | null })).filter((c) => c.row !== null);
  failed.sort((a, b) => a.row! - b.row!);
  return failed.length ? { ...failed[0]!, row: Number(failed[0]!.row) } : null;
}

function badValue(src: Pick<DatasetSource, "name" | "dateFormat">, failed: Check & { row: number }, value: unknown): ChurnbookError {
  return new ChurnbookError("bad-value", `cannot read ${shortValue(value)} as ${failed.t === "integer" ? "an integer" : `a ${failed.t}`}`, {
    location: { dataset: src.name, column_name: failed.column, row: failed.row },
    hint: hintFor(failed.t, src.dateFormat),
  });
}

/**
 * CSV typed: read the file once, typed by DuckDB's own parser — canonical number fields as
 * DOUBLE, dates (ISO, no date_format) as DATE, everything else as text — straight into the role
 * table, when that gives the values the text path would (castSql) and no row repeats another.
 * Counts, bad-value marks and whether rows repeat come from one scan of that table. A value the
 * parser rejects, a line of the wrong shape, or rows whose typed values may repeat (copies must
 * be judged as written, and reported with their rows) send the file down the text path, which
 * reads it as text and locates every problem: null then. A value the declared type rejects is
 * located here (its text read again from the file, only then).
 */
async function readCsvTyped(engine: Engine, src: DatasetSource, path: string, textReader: string, runDate: string): Promise<Read | null> {
  const columns = (await engine.query(`SELECT column_name FROM (DESCRIBE SELECT * FROM ${textReader})`).catch(() => [])).map((r) => String(r.column_name));
  const byColumn = new Map(Object.entries(src.columns).map(([field, column]) => [column, field]));
  const types = columns.map((c) => {
    // As mapColumns names fields: explicit mapping, canonical name, snake_case.
    const field = byColumn.get(c) ?? (canonicalType(src.role, c) ? c : snake(c));
    const t = canonicalType(src.role, field) ?? src.types[field];
    return t === "number" ? "DOUBLE" : t === "date" && !src.dateFormat ? "DATE" : "VARCHAR";
  });
  if (columns.length < 2 || !types.some((t) => t !== "VARCHAR")) return null;
  const fileTypes = new Map(columns.map((c, i) => [c, types[i]!]));
  const mapping = mapColumns(src, columns, src.file, () => {});
  const { typeOf, toInfer } = declaredTypes(src, mapping, fileTypes);
  const { selects, checks } = typedSelects(src, mapping, typeOf, fileTypes);
  const spec = `{${columns.map((c, i) => `${quoteLiteral(c)}: '${types[i]}'`).join(", ")}}`;
  const table = quoteIdent(src.role);
  try {
    await engine.query(`CREATE OR REPLACE TABLE ${table} AS SELECT ${selects.join(", ")} FROM read_csv(${quoteLiteral(path)}, header = true${src.delimiter ? `, delim = ${quoteLiteral(src.delimiter)}` : ""}, columns = ${spec}, null_padding = true)`);
  } catch {
    return null;
  }
  // Equal text gives equal typed values, so as many distinct row hashes as rows proves no copy.
  // One scan: the rows, their distinct hashes, each column's first bad value, and finishRoleTable's counts.
  const fields = [...mapping.keys()].map(quoteIdent);
  const own = [`count(*) AS n, count(DISTINCT hash(${fields.join(", ")})) AS d`, ...checks.map((_, i) => `min(rowid + 1) FILTER (WHERE __bad${i}) AS c${i}`)];
  const [c] = await engine.query(`SELECT ${[...own, ...roleAggregates({ src, mapping, typeOf, runDate })].join(", ")} FROM ${table}`);
  if (Number(c!.d) !== Number(c!.n)) {
    await engine.query(`DROP TABLE ${table}`);
    return null;
  }
  const failed = firstOf(checks, c!);
  if (failed) {
    await engine.query(`DROP TABLE ${table}`);
    const [bad] = await engine.query(`SELECT ${quoteIdent(failed.column)} AS v FROM ${textReader} LIMIT 1 OFFSET ${failed.row - 1}`);
    throw badValue(src, failed, bad!.v);
  }
  // Attributes were read as trimmed text; those that all read as numbers become numbers.
  for (const f of await inferTypes(engine, table, toInfer, new Map(toInfer.map((f) => [f, f])), typeOf)) {
    await engine.query(`ALTER TABLE ${table} ALTER ${quoteIdent(f)} TYPE DOUBLE USING TRY_CAST(${quoteIdent(f)} AS DOUBLE)`);
  }
  return { table, mapping, typeOf, marks: checks.map((_, i) => `__bad${i}`), total: Number(c!.n), rowNo: "rowid + 1", found: c! };
}

/**
 * Parquet in place: the file is typed by its writer, so the role can be a view over it — typed,
 * renamed, rows left out filtered — and loading copies nothing. The checks run over a view of
 * the same rows with the file's row numbers (file_row_number + 1) and the bad-value marks; one
 * scan counts the rows, their distinct hashes (over the columns as stored: equal hashes are
 * what a copy has) and the first bad value of each column. A file whose rows may repeat goes
 * down the text path (null), where copies are judged and dropped in a table.
 */
async function readParquetInPlace(engine: Engine, src: DatasetSource, path: string, runDate: string): Promise<Read | null> {
  const file = `read_parquet(${quoteLiteral(path)})`;
  const numbered = `read_parquet(${quoteLiteral(path)}, file_row_number = true)`;
  let described: Row[];
  try {
    described = await engine.query(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${file})`);
  } catch {
    return null; // the text path says why the file cannot be read
  }
  const columns = described.map((r) => String(r.column_name));
  if (!columns.length || columns.includes("file_row_number")) return null;
  const fileTypes = new Map(described.map((r) => [String(r.column_name), String(r.column_type)]));
  const mapping = mapColumns(src, columns, src.file, () => {});
  const { typeOf, toInfer } = declaredTypes(src, mapping, fileTypes);
  await inferTypes(engine, file, toInfer, mapping, typeOf);
  const { selects, checks } = typedSelects(src, mapping, typeOf, fileTypes);
  // The checks read a view of the typed rows with the file's row numbers, the bad-value marks and
  // each row's hash as stored; one scan counts the rows, their distinct hashes, each column's
  // first bad value and finishRoleTable's counts.
  const checking = quoteIdent(`__check_${src.role}`);
  await engine.query(`CREATE OR REPLACE TEMP VIEW ${checking} AS SELECT file_row_number + 1 AS __row, hash(${columns.map(quoteIdent).join(", ")}) AS __hash, ${selects.join(", ")} FROM ${numbered}`);
  const own = ["count(*) AS n, count(DISTINCT __hash) AS d", ...checks.map((_, i) => `min(__row) FILTER (WHERE __bad${i}) AS c${i}`)];
  const [c] = await engine.query(`SELECT ${[...own, ...roleAggregates({ src, mapping, typeOf, runDate })].join(", ")} FROM ${checking}`);
  if (Number(c!.d) !== Number(c!.n)) {
    await engine.query(`DROP VIEW ${checking}`);
    return null;
  }
  const failed = firstOf(checks, c!);
  if (failed) {
    await engine.query(`DROP VIEW ${checking}`);
    const [v] = await engine.query(`SELECT CAST(${quoteIdent(failed.column)} AS VARCHAR) AS v FROM ${numbered} WHERE file_row_number = ${failed.row - 1}`);
    throw badValue(src, failed, v!.v);
  }
  const plain = typedSelects(src, mapping, typeOf, fileTypes, false).selects;
  return { table: checking, mapping, typeOf, marks: checks.map((_, i) => `__bad${i}`), total: Number(c!.n), rowNo: "__row", view: `SELECT ${plain.join(", ")} FROM ${file}`, found: c! };
}

/**
 * Canonical fields → source columns: the explicit mapping first, then same-named columns
 * (canonical names as written, other columns in snake_case). `where` names the source in
 * messages; `notTabular` throws when the source turned out not to be a table at all.
 */
export function mapColumns(src: Pick<DatasetSource, "name" | "role" | "columns">, fileColumns: string[], where: string, notTabular: () => void): Map<string, string> {
  const notAHeader = "the file's first line does not look like a line of column names: check that the dataset's path points at the data export";
  // Map canonical fields to file columns: explicit mapping first, then same-named columns.
  const mapping = new Map<string, string>();
  for (const [field, column] of Object.entries(src.columns)) {
    if (!fileColumns.includes(column)) {
      notTabular();
      const near = closeMatches(column, fileColumns);
      throw new ChurnbookError("missing-column", `column "${column}" (mapped to ${field}) is not in ${where}`, {
        location: { dataset: src.name, column_name: column },
        hint: `${near.length ? `did you mean "${near[0]}"? ` : ""}${looksLikeHeader(fileColumns) ? `available columns: ${fileColumns.join(", ")}` : notAHeader}`,
      });
    }
    mapping.set(field, column);
  }
  const mappedColumns = new Set(mapping.values());
  for (const c of fileColumns) {
    // Canonical names are kept as written (summary.T); other columns become snake_case.
    const field = canonicalType(src.role, c) ? c : snake(c);
    if (!mappedColumns.has(c) && !mapping.has(field)) mapping.set(field, c);
  }
  if (!mapping.has("customer_id") && src.role !== "lifetimes") {
    notTabular();
    throw new ChurnbookError("missing-column", `dataset "${src.name}" has no customer_id column`, {
      location: { dataset: src.name },
      hint: looksLikeHeader(fileColumns) ? `map one of its columns to customer_id (columns: ${fileColumns.join(", ")})` : `${notAHeader}`,
    });
  }
  return mapping;
}


/** What the typed role table needs to be finished: the loader's facts so far. */
export interface TypedTable {
  src: Pick<DatasetSource, "name" | "role" | "derive">;
  /** The role table (quoted), typed, with the source row numbers and bad-value marks; for a
   * role served as a view, the (temporary) view the checks read. */
  table: string;
  /** The SQL of a row's number in `table` (data rows: 1 = the line after the header): a column
   * (`__row`, dropped at the end) or `rowid + 1` (a table in the file's order; deleting rows
   * keeps the others' rowids). Default `__row`. */
  rowNo?: string;
  /** Set when the role is to be a view: the typed rows (no row numbers, no marks), whose rows
   * left out are filtered out in the view instead of deleted. `table` is then dropped. */
  view?: string;
  /** canonical field → source column */
  mapping: Map<string, string>;
  typeOf: Map<string, FieldType>;
  /** Mark columns to drop with __row. */
  marks: string[];
  /** Rows read (before duplicates were dropped). */
  total: number;
  findings: DataFinding[];
  runDate: string;
  /** The row of a scan of `table` that computed roleAggregates (beside the loader's own checks). */
  found?: Row;
}

/** The checks finishRoleTable makes, as SQL over the typed rows' canonical fields. */
function checksOf(t: Pick<TypedTable, "src" | "mapping" | "typeOf" | "runDate">) {
  const { src, mapping, typeOf, runDate } = t;
  // Rows left out: no customer; a range that ends before it starts. Dates of events after the
  // run date: kept, reported.
  const has = (f: string) => mapping.has(f) && typeOf.get(f) === "date";
  const excluded: { code: DataFinding["code"]; cond: string }[] = [];
  if (src.role !== "lifetimes") excluded.push({ code: "missing-customer-id", cond: "customer_id IS NULL" });
  if (src.role === "subscriptions" && has("start_date") && has("end_date")) excluded.push({ code: "end-before-start", cond: "end_date < start_date" });
  if (src.role === "tickets" && has("date") && has("resolved_date")) excluded.push({ code: "resolved-before-date", cond: "resolved_date < date" });
  // Each exclusion counts the rows no earlier one left out.
  const conds = excluded.map((x, i) => [...excluded.slice(0, i).map((p) => `NOT coalesce(${p.cond}, FALSE)`), x.cond].join(" AND "));
  const keep = excluded.length ? excluded.map((x) => `NOT coalesce(${x.cond}, FALSE)`).join(" AND ") : "TRUE";
  const future = (eventDates[src.role] ?? []).filter(has);
  const after = (f: string) => `${quoteIdent(f)} > DATE ${quoteLiteral(runDate)}`;
  const futureCond = future.length ? `(${keep}) AND (${future.map(after).join(" OR ")})` : null;
  const counted = [...conds, ...(futureCond ? [futureCond, ...future.map((f) => `(${keep}) AND ${after(f)}`)] : [])];
  const dateFields = [...typeOf].filter(([, ty]) => ty === "date").map(([f]) => f);
  // Two rows of one subscription can overlap, and an id meant to be unique can repeat, only if
  // the kept rows hold fewer distinct ids than ids.
  const overlaps = src.role === "subscriptions" && mapping.has("subscription_id") && has("start_date");
  const unique = uniqueFields[src.role];
  const repeats = (f: string) => `count(${quoteIdent(f)}) FILTER (WHERE ${keep}) - count(DISTINCT ${quoteIdent(f)}) FILTER (WHERE ${keep})`;
  const aggregates = [
    `count(*) FILTER (WHERE ${keep}) AS kept`,
    ...counted.map((c, i) => `count(*) FILTER (WHERE ${c}) AS x${i}`),
    ...dateFields.map((f, i) => `min(${quoteIdent(f)}) FILTER (WHERE ${keep}) AS lo${i}, max(${quoteIdent(f)}) FILTER (WHERE ${keep}) AS hi${i}`),
    ...(overlaps ? [`${repeats("subscription_id")} AS repeated_ids`] : []),
    ...(unique && mapping.has(unique) ? [`${repeats(unique)} AS repeated_unique`] : []),
  ];
  return { has, excluded, conds, keep, future, futureCond, dateFields, overlaps, unique: unique && mapping.has(unique) ? unique : null, aggregates };
}

/**
 * What finishRoleTable counts in its one scan of the typed rows (SQL aggregates over `table`):
 * a loader that scans the rows for checks of its own runs these in the same scan and hands
 * finishRoleTable the row (`found`).
 */
export function roleAggregates(t: Pick<TypedTable, "src" | "mapping" | "typeOf" | "runDate">): string[] {
  return checksOf(t).aggregates;
}

/**
 * The checks and clean-up every source shares once its rows are typed in the role table (a file
 * here, a PostgreSQL table or query in load-postgres.ts; plain SQL that both engines run): rows
 * left out (no customer, ranges ending before they start), dates after the run date, overlapping
 * subscriptions, derived fields, unique ids, the date extent. One scan counts them all (or the
 * caller's, `found`); row numbers are looked up only for what was found.
 */
export async function finishRoleTable(engine: Engine, t: TypedTable): Promise<{ rows: number; dropped: number; minDate: string | null; maxDate: string | null }> {
  const { src, table, mapping, marks, total, findings, runDate } = t;
  const rowNo = t.rowNo ?? "__row";
  const addFinding = (f: Omit<DataFinding, "message">) => findings.push({ ...f, message: findingMessage(f) });
  const { has, excluded, conds, keep, future, futureCond, dateFields, overlaps, unique, aggregates } = checksOf(t);
  const found = t.found ?? (await engine.query(`SELECT ${aggregates.join(", ")} FROM ${table}`))[0]!;
  const examples = async (where: string) => (await engine.query(`SELECT ${rowNo} AS __row FROM ${table} WHERE ${where} ORDER BY 1 LIMIT ${exampleRows}`)).map((r) => Number(r.__row));
  for (const [i, x] of excluded.entries()) {
    const count = Number(found[`x${i}`]);
    if (count) addFinding({ code: x.code, count, rows: await examples(conds[i]!), excluded: true });
  }
  if (futureCond) {
    const count = Number(found[`x${conds.length}`]);
    if (count) addFinding({ code: "future-date", count, rows: await examples(futureCond), fields: future.filter((_, i) => Number(found[`x${conds.length + 1 + i}`]) > 0), date: runDate, excluded: false });
  }

  if (overlaps && Number(found.repeated_ids) > 0) await checkSubscriptionOverlaps(engine, table, rowNo, keep, src, mapping, has("end_date"));

  // The table keeps the file's order (no sort): rows left out are deleted, the row numbers
  // and marks dropped, derived fields added. A view filters them out instead.
  const derived = Object.entries(src.derive).map(([name, expr]) => `${deriveSql(expr, [...mapping.keys()], src.name, name)} AS ${quoteIdent(name)}`);
  const role = quoteIdent(src.role);
  const leftOut = findings.some((f) => f.excluded && f.code !== "duplicate-rows");
  if (t.view !== undefined) {
    await engine.query(`CREATE OR REPLACE VIEW ${role} AS SELECT *${derived.map((d) => `, ${d}`).join("")} FROM (${t.view}) AS typed${leftOut ? ` WHERE ${keep}` : ""}`);
    await engine.query(`DROP VIEW IF EXISTS ${table}`);
  } else {
    if (leftOut) await engine.query(`DELETE FROM ${table} WHERE NOT (${keep})`);
    const drop = [...(rowNo === "__row" ? ["__row"] : []), ...marks];
    if (derived.length) await engine.query(`CREATE OR REPLACE TABLE ${table} AS SELECT *${drop.length ? ` EXCLUDE (${drop.join(", ")})` : ""}, ${derived.join(", ")} FROM ${table}`);
    else for (const c of drop) await engine.query(`ALTER TABLE ${table} DROP COLUMN ${c}`);
  }
  const rows = Number(found.kept);
  if (unique && Number(found.repeated_unique) > 0) {
    const dup = await engine.query(`SELECT ${quoteIdent(unique)} AS v, count(*) AS n FROM ${role} GROUP BY 1 HAVING count(*) > 1 ORDER BY n DESC, v LIMIT 3`);
    if (dup.length) {
      throw new ChurnbookError("duplicate-id", `duplicate ${unique} ${JSON.stringify(dup[0]!.v)} (${dup[0]!.n} rows) in dataset "${src.name}"; each customer must appear once`, {
        location: { dataset: src.name, column_name: mapping.get(unique) },
        hint: dup.length > 1 ? `also duplicated: ${dup.slice(1).map((d) => JSON.stringify(d.v)).join(", ")}` : undefined,
      });
    }
  }
  // ISO dates: their order as text is their order in time.
  const dates = (k: "lo" | "hi") => dateFields.map((_, i) => found[`${k}${i}`]).filter((v): v is string => v !== null && v !== undefined).map(String).sort();
  const lo = dates("lo"), hi = dates("hi");
  return { rows, dropped: total - rows, minDate: lo[0] ?? null, maxDate: hi.at(-1) ?? null };
}

/**
 * One subscription (one subscription_id) must not be listed twice for the same time: two rows
 * with the same id whose [start_date, end_date) ranges overlap (exact copies are already gone)
 * contradict each other, and summing them would count its MRR twice.
 */
async function checkSubscriptionOverlaps(engine: Engine, typed: string, rowNo: string, keep: string, src: Pick<DatasetSource, "name">, mapping: Map<string, string>, hasEnd: boolean): Promise<void> {
  const end = (t: string) => (hasEnd ? `coalesce(${t}.end_date, DATE '9999-12-31')` : "DATE '9999-12-31'");
  const numbered = rowNo === "__row" ? "*" : `${rowNo} AS __row, *`;
  const kept = `(SELECT ${numbered} FROM ${typed} WHERE ${keep})`;
  const [pair] = await engine.query(
    `SELECT a.__row AS r1, b.__row AS r2 FROM ${kept} a JOIN ${kept} b ON a.subscription_id = b.subscription_id AND a.__row < b.__row
     WHERE a.start_date < ${end("b")} AND b.start_date < ${end("a")} ORDER BY b.__row, a.__row LIMIT 1`,
  );
  if (!pair) return;
  const rows = await engine.query(`SELECT ${numbered} FROM ${typed} WHERE ${rowNo} IN (${Number(pair.r1)}, ${Number(pair.r2)}) ORDER BY ${rowNo}`);
  const [a, b] = rows as [Row, Row];
  const show = (v: unknown) => (v === null || v === undefined ? "(empty)" : JSON.stringify(v));
  const span = (r: Row) => `${r.start_date} – ${hasEnd && r.end_date !== null ? r.end_date : "open"}`;
  const differ = [...mapping.keys()].filter((f) => f !== "subscription_id" && String(a[f]) !== String(b[f])).map((f) => `${mapping.get(f)} ${show(a[f])} vs ${show(b[f])}`);
  const column = mapping.get("subscription_id")!;
  throw new ChurnbookError(
    "overlapping-subscription",
    `${column} ${JSON.stringify(a.subscription_id)} is on rows ${a.__row} and ${b.__row} with overlapping periods (${span(a)} and ${span(b)}) but different values${differ.length ? `: ${differ.join(", ")}` : ""}`,
    {
      location: { dataset: src.name, column_name: column, row: Number(b.__row) },
      hint: "a subscription may appear once for any stretch of time: if one row corrects the other, keep only the correct one; if they are separate subscriptions, give them different ids; a renewal must start when the previous period ends",
    },
  );
}

/** The last date with activity in the loaded data (for the default period), ignoring dates
 * after the run date when one is given. */
export async function lastActivityDate(engine: Engine, loaded: LoadedDataset[], runDate?: string): Promise<string | null> {
  return (await dataExtent(engine, loaded, runDate)).last;
}

function castSql(col: string, t: FieldType, fromText: boolean, dateFormat?: string): string {
  if (!fromText) return t === "string" ? `CAST(${col} AS VARCHAR)` : `TRY_CAST(${col} AS ${duckType[t]})`;
  const v = `nullif(trim(${col}), '')`;
  switch (t) {
    case "string":
      return v;
    case "number":
      return `TRY_CAST(${v} AS DOUBLE)`;
    case "integer":
      return `CASE WHEN TRY_CAST(${v} AS DOUBLE) = round(TRY_CAST(${v} AS DOUBLE)) THEN TRY_CAST(TRY_CAST(${v} AS DOUBLE) AS BIGINT) END`;
    case "boolean":
      return `CASE WHEN lower(${v}) IN ('true', '1', 'yes', 'y', 't') THEN TRUE WHEN lower(${v}) IN ('false', '0', 'no', 'n', 'f') THEN FALSE END`;
    case "date":
      return dateFormat
        ? `CAST(TRY_STRPTIME(${v}, ${quoteLiteral(dateFormat)}) AS DATE)`
        : `coalesce(TRY_CAST(${v} AS DATE), CASE WHEN regexp_full_match(${v}, '\\d{8}') THEN CAST(TRY_STRPTIME(${v}, '%Y%m%d') AS DATE) END, CAST(TRY_CAST(${v} AS TIMESTAMP) AS DATE))`;
  }
}

export function hintFor(t: FieldType, dateFormat?: string): string {
  switch (t) {
    case "date":
      return dateFormat ? `expected dates in the format ${dateFormat}` : "expected ISO dates (2026-10-31) or yyyymmdd; set date_format for other formats (e.g. %d/%m/%Y)";
    case "boolean":
      return "expected true/false, 1/0, yes/no or y/n";
    case "integer":
      return "expected a whole number";
    default:
      return "expected a number (use . as the decimal separator, no thousands separators)";
  }
}

function fromDuck(t: string): FieldType {
  if (/^(DATE|TIMESTAMP)/.test(t)) return "date";
  if (/^(BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER)/.test(t)) return "integer";
  if (/^(DOUBLE|FLOAT|DECIMAL|REAL)/.test(t)) return "number";
  if (t === "BOOLEAN") return "boolean";
  return "string";
}


/** A value for a message: quoted, and cut after 60 characters (a cell can hold megabytes). */
export function shortValue(v: unknown): string {
  const s = String(v);
  return JSON.stringify(s.length > 60 ? s.slice(0, 60) : s).replace(/"$/, s.length > 60 ? `…" (${s.length.toLocaleString("en-US")} characters)` : '"');
}

/**
 * Invisible characters in a header (a byte-order mark not at the start of the file, zero-width
 * spaces, surrounding blanks) would make "\uFEFFcustomer_id" a column that no mapping can name
 * (DuckDB even lists it without the mark): read such a header with cleaned names instead.
 */
function cleanNames(header: string[] | null | undefined): string {
  if (!header) return "";
  const clean = header.map((h) => h.replace(/[\uFEFF\u200B-\u200D\u2060]/g, "").trim());
  if (clean.every((c, i) => c === header[i]) || clean.some((c) => !c) || new Set(clean).size < clean.length) return "";
  return `, names = [${clean.map(quoteLiteral).join(", ")}]`;
}

function formatOf(file: string): "csv" | "parquet" | "json" {
  const ext = extname(file).toLowerCase();
  return ext === ".parquet" ? "parquet" : ext === ".json" || ext === ".ndjson" ? "json" : "csv";
}

/** Column names to snake_case: "Monthly Charges" → monthly_charges, "PlanTier" → plan_tier. */
export function snake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toLowerCase() || "column";
}

