// Loading datasets into the engine. Each file is read by DuckDB as text, checked and typed
// in SQL (a bad value is reported with its dataset, column, row and value), renamed to the
// canonical fields of its role and stored as a table named after the role. JavaScript never
// holds the rows: analyses query these tables.

import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { extname } from "node:path";
import { ChurnbookError, closeMatches } from "../util/errors.js";
import { canonicalType, type FieldType, type Role } from "./roles.js";
import { quoteIdent, quoteLiteral, type Engine } from "./engine.js";
import { deriveSql } from "./derive.js";
import type { DatasetDef } from "../definition/normalize.js";

/** A dataset of the definition, its path resolved to a file (the CLI's `analyze` builds one too). */
export type DatasetSource = Omit<DatasetDef, "path" | "line"> & {
  /** Absolute path of the file. */
  file: string;
};

export interface LoadedDataset {
  name: string;
  role: Role;
  file: string;
  /** sha256 of the file's bytes. */
  sha256: string;
  bytes: number;
  rows: number;
  dropped: number;
  droppedReasons: string[];
  fields: string[];
  minDate: string | null;
  maxDate: string | null;
}

const duckType: Record<FieldType, string> = { string: "VARCHAR", date: "DATE", number: "DOUBLE", integer: "BIGINT", boolean: "BOOLEAN" };

/** Fields whose values must be unique within a role. */
const uniqueFields: Partial<Record<Role, string>> = { customers: "customer_id", lifetimes: "customer_id", summary: "customer_id" };

export async function loadDataset(engine: Engine, src: DatasetSource): Promise<LoadedDataset> {
  const info = await stat(src.file).catch(() => null);
  if (!info?.isFile()) {
    throw new ChurnbookError("missing-file", `file not found: ${src.file}`, { location: { dataset: src.name }, hint: "check the dataset's path (relative to the report file) and its parameters" });
  }
  const raw = `__raw_${src.name}`;
  const format = src.format ?? formatOf(src.file);
  const reader =
    format === "parquet"
      ? `read_parquet(${quoteLiteral(src.file)})`
      : format === "json"
        ? `read_json_auto(${quoteLiteral(src.file)})`
        : `read_csv(${quoteLiteral(src.file)}, all_varchar = true, header = true${src.delimiter ? `, delim = ${quoteLiteral(src.delimiter)}` : ""}, null_padding = true, parallel = false)`;
  try {
    await engine.query(`CREATE OR REPLACE TEMP TABLE ${quoteIdent(raw)} AS SELECT row_number() OVER () AS __row, * FROM ${reader}`);
  } catch (e) {
    throw new ChurnbookError("unreadable-file", `cannot read ${format.toUpperCase()} file ${src.file}: ${firstLine(e)}`, { location: { dataset: src.name } });
  }
  const described = await engine.query(`SELECT column_name, column_type AS data_type FROM (DESCRIBE ${quoteIdent(raw)})`);
  const fileColumns = described.map((r) => String(r.column_name)).filter((c) => c !== "__row");
  const fileTypes = new Map(described.map((r) => [String(r.column_name), String(r.data_type)]));

  // Map canonical fields to file columns: explicit mapping first, then same-named columns.
  const mapping = new Map<string, string>();
  for (const [field, column] of Object.entries(src.columns)) {
    if (!fileColumns.includes(column)) {
      const near = closeMatches(column, fileColumns);
      throw new ChurnbookError("missing-column", `column "${column}" (mapped to ${field}) is not in ${src.file}`, {
        location: { dataset: src.name, column_name: column },
        hint: `${near.length ? `did you mean "${near[0]}"? ` : ""}available columns: ${fileColumns.join(", ")}`,
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
    throw new ChurnbookError("missing-column", `dataset "${src.name}" has no customer_id column`, {
      location: { dataset: src.name },
      hint: `map one of its columns to customer_id (columns: ${fileColumns.join(", ")})`,
    });
  }

  // Types: canonical fields by role, then declared types, then inferred for attributes.
  const typeOf = new Map<string, FieldType>();
  const toInfer: string[] = [];
  for (const [field, column] of mapping) {
    const t = canonicalType(src.role, field) ?? src.types[field];
    if (t) typeOf.set(field, t);
    else if (fileTypes.get(column) === "VARCHAR") toInfer.push(field);
    else typeOf.set(field, fromDuck(fileTypes.get(column)!));
  }
  if (toInfer.length) {
    const counts = await engine.query(
      `SELECT ${toInfer.map((f, i) => `count(*) FILTER (WHERE nullif(trim(${quoteIdent(mapping.get(f)!)}), '') IS NOT NULL AND TRY_CAST(trim(${quoteIdent(mapping.get(f)!)}) AS DOUBLE) IS NULL) AS bad${i}, count(nullif(trim(${quoteIdent(mapping.get(f)!)}), '')) AS n${i}`).join(", ")} FROM ${quoteIdent(raw)}`,
    );
    toInfer.forEach((f, i) => typeOf.set(f, counts[0]![`bad${i}`] === 0 && Number(counts[0]![`n${i}`]) > 0 ? "number" : "string"));
  }

  // Coerce each column; report the first value that does not parse. One scan finds, for
  // every typed column, the first row whose text does not convert.
  const selects: string[] = [];
  const checks: { field: string; column: string; t: FieldType; bad: string }[] = [];
  for (const [field, column] of mapping) {
    const t = typeOf.get(field)!;
    const expr = castSql(quoteIdent(column), t, fileTypes.get(column) === "VARCHAR", src.dateFormat);
    if (fileTypes.get(column) === "VARCHAR" && t !== "string") checks.push({ field, column, t, bad: `nullif(trim(${quoteIdent(column)}), '') IS NOT NULL AND (${expr}) IS NULL` });
    selects.push(`${expr} AS ${quoteIdent(field)}`);
  }
  if (checks.length) {
    const [first] = await engine.query(`SELECT ${checks.map((c, i) => `min(CASE WHEN ${c.bad} THEN __row END) AS c${i}`).join(", ")} FROM ${quoteIdent(raw)}`);
    const failed = checks
      .map((c, i) => ({ ...c, row: first![`c${i}`] as number | null }))
      .filter((c) => c.row !== null)
      .sort((a, b) => a.row! - b.row!)[0];
    if (failed) {
      const [bad] = await engine.query(`SELECT ${quoteIdent(failed.column)} AS v FROM ${quoteIdent(raw)} WHERE __row = ${failed.row}`);
      throw new ChurnbookError("bad-value", `cannot read ${JSON.stringify(bad!.v)} as ${failed.t === "integer" ? "an integer" : `a ${failed.t}`}`, {
        location: { dataset: src.name, column_name: failed.column, row: Number(failed.row) },
        hint: hintFor(failed.t, src.dateFormat),
      });
    }
  }
  const typed = `SELECT __row, ${selects.join(", ")} FROM ${quoteIdent(raw)}`;
  const derived = Object.entries(src.derive).map(([name, expr]) => `${deriveSql(expr, [...mapping.keys()], src.name, name)} AS ${quoteIdent(name)}`);
  const keep = src.role === "lifetimes" ? "TRUE" : "customer_id IS NOT NULL";
  await engine.query(`CREATE OR REPLACE TABLE ${quoteIdent(src.role)} AS SELECT * EXCLUDE (__row)${derived.length ? ", " + derived.join(", ") : ""} FROM (${typed}) WHERE ${keep}`);
  const [counts] = await engine.query(`SELECT (SELECT count(*) FROM ${quoteIdent(raw)}) AS total, (SELECT count(*) FROM ${quoteIdent(src.role)}) AS kept`);
  const dropped = Number(counts!.total) - Number(counts!.kept);
  await engine.query(`DROP TABLE ${quoteIdent(raw)}`);

  const unique = uniqueFields[src.role];
  if (unique && mapping.has(unique)) {
    const dup = await engine.query(`SELECT ${quoteIdent(unique)} AS v, count(*) AS n FROM ${quoteIdent(src.role)} GROUP BY 1 HAVING count(*) > 1 ORDER BY n DESC, v LIMIT 3`);
    if (dup.length) {
      throw new ChurnbookError("duplicate-id", `duplicate ${unique} ${JSON.stringify(dup[0]!.v)} (${dup[0]!.n} rows) in dataset "${src.name}"; each customer must appear once`, {
        location: { dataset: src.name, column_name: mapping.get(unique) },
        hint: dup.length > 1 ? `also duplicated: ${dup.slice(1).map((d) => JSON.stringify(d.v)).join(", ")}` : undefined,
      });
    }
  }
  const dateFields = [...typeOf].filter(([, t]) => t === "date").map(([f]) => f);
  let minDate: string | null = null, maxDate: string | null = null;
  if (dateFields.length) {
    const [r] = await engine.query(`SELECT least(${dateFields.map((f) => `min(${quoteIdent(f)})`).join(", ")}) AS lo, greatest(${dateFields.map((f) => `max(${quoteIdent(f)})`).join(", ")}) AS hi FROM ${quoteIdent(src.role)}`);
    minDate = (r!.lo as string | null) ?? null;
    maxDate = (r!.hi as string | null) ?? null;
  }
  return {
    name: src.name,
    role: src.role,
    file: src.file,
    sha256: await sha256File(src.file),
    bytes: info.size,
    rows: Number(counts!.kept),
    dropped,
    droppedReasons: dropped ? [`${dropped} rows without customer_id`] : [],
    fields: [...mapping.keys(), ...Object.keys(src.derive)],
    minDate,
    maxDate,
  };
}

/** The last date with activity in the loaded data (for the default period). */
export async function lastActivityDate(engine: Engine, loaded: LoadedDataset[]): Promise<string | null> {
  const activity: Partial<Record<Role, string[]>> = { subscriptions: ["start_date", "end_date"], transactions: ["date"], tickets: ["date"], churn_events: ["date"], usage: ["date"] };
  const parts: string[] = [];
  for (const d of loaded) for (const f of activity[d.role] ?? []) if (d.fields.includes(f)) parts.push(`SELECT max(${quoteIdent(f)}) AS m FROM ${quoteIdent(d.role)}`);
  if (!parts.length) return null;
  const [r] = await engine.query(`SELECT max(m) AS m FROM (${parts.join(" UNION ALL ")})`);
  return (r?.m as string | null) ?? null;
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

function hintFor(t: FieldType, dateFormat?: string): string {
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

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split("\n")[0]!;
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

