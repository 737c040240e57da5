// Loading a dataset that lives in PostgreSQL (`connection:` with `table:` or `query:`). Nothing
// leaves the server: the source rows are numbered into a temporary table, checked and typed in
// SQL as a file's are (load.ts: the same column mapping, duplicate policy, typing with the first
// bad value reported by row, and the shared finishRoleTable checks), and stored as the role's
// temporary table, which the analyses' reductions then read. Row numbers are the order in which
// the server returns the source (a query's ORDER BY, else the table's scan order).

import { createHash } from "node:crypto";
import type { DatasetDef } from "../definition/normalize.js";
import { ChurnbookError } from "../util/errors.js";
import { quoteIdent, type Engine } from "./engine.js";
import { eventLogs, finishRoleTable, hintFor, mapColumns, shortValue, snake, type LoadedDataset, type LoadOptions } from "./load.js";
import { countRows, findingMessage, type DataFinding } from "./quality.js";
import { canonicalType, type FieldType } from "./roles.js";

export type TableSource = Omit<DatasetDef, "path" | "line" | "source"> & { source: NonNullable<DatasetDef["source"]> };

/** The source as a FROM item: a table name (schema-qualified or not) or a query. */
function fromItem(src: TableSource): string {
  if (src.source.query !== undefined) return `(${src.source.query.trim().replace(/;\s*$/, "")}) AS src`;
  return `${src.source.table!.split(".").map(quoteIdent).join(".")} AS src`;
}

/** How the source is named in messages and in the report's coverage table. */
export function describeSource(src: TableSource): string {
  return src.source.query !== undefined ? `query (${src.source.connection})` : `table ${src.source.table} (${src.source.connection})`;
}

const textTypes = /^(text|character varying|character|varchar|char|name|citext)/;

function fromPg(t: string): FieldType {
  if (/^(date|timestamp)/.test(t)) return "date";
  if (/^(smallint|integer|bigint)/.test(t)) return "integer";
  if (/^(numeric|double precision|real|money)/.test(t)) return "number";
  if (t === "boolean") return "boolean";
  return "string";
}

export async function loadPostgresDataset(engine: Engine, src: TableSource, options: LoadOptions = {}): Promise<LoadedDataset> {
  const d = engine.dialect;
  const where = describeSource(src);
  const runDate = (options.now ?? new Date()).toISOString().slice(0, 10);
  const raw = quoteIdent(`__raw_${src.name}`);
  const findings: DataFinding[] = [];
  const addFinding = (f: Omit<DataFinding, "message">) => findings.push({ ...f, message: findingMessage(f) });
  await engine.query(`DROP TABLE IF EXISTS pg_temp.${raw}`);
  try {
    await engine.query(`CREATE TEMP TABLE ${raw} AS SELECT row_number() OVER () AS __row, src.* FROM ${fromItem(src)}`);
  } catch (e) {
    if (e instanceof ChurnbookError) throw e;
    // The table or query is the user's: its error (no such table, a syntax error) is theirs.
    throw new ChurnbookError("unreadable-table", `cannot read the ${where}: ${String((e as Error).message).split("\n")[0]}`, {
      location: { dataset: src.name },
      hint: src.source.query !== undefined ? "check the query runs in psql" : "check the table's name (schema.table) and that the connection's user may read it",
    });
  }
  const described = await engine.query(
    `SELECT attname AS column_name, format_type(atttypid, atttypmod) AS data_type FROM pg_attribute WHERE attrelid = 'pg_temp.${raw.replaceAll("'", "''")}'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
  );
  const columns = described.map((r) => String(r.column_name)).filter((c) => c !== "__row");
  const sourceTypes = new Map(described.map((r) => [String(r.column_name), String(r.data_type)]));
  const isText = (c: string) => textTypes.test(sourceTypes.get(c)!);
  const mapping = mapColumns(src, columns, where, () => {});

  const typeOf = new Map<string, FieldType>();
  for (const [field, column] of mapping) {
    const t = canonicalType(src.role, field) ?? src.types[field];
    if (t) typeOf.set(field, t);
    else if (!isText(column)) typeOf.set(field, fromPg(sourceTypes.get(column)!));
    else {
      // An attribute held as text is a number when every value reads as one.
      const v = `nullif(trim(${quoteIdent(column)}), '')`;
      const [r] = await engine.query(`SELECT EXISTS (SELECT 1 FROM ${raw} WHERE ${v} IS NOT NULL AND ${d.tryCast(v, "number")} IS NULL) AS bad, EXISTS (SELECT 1 FROM ${raw} WHERE ${v} IS NOT NULL) AS any`);
      typeOf.set(field, r!.bad === false && r!.any === true ? "number" : "string");
    }
  }

  // Exact duplicate rows: the policy of load.ts (a copy of a fact is dropped; identical line
  // items of an event log without a row id are kept; a log that is half copies is refused).
  const [{ n: totalRows }] = (await engine.query(`SELECT count(*) AS n FROM ${raw}`)) as [{ n: number }];
  const total = Number(totalRows);
  if (columns.length) {
    const ranked = `(SELECT __row, row_number() OVER (PARTITION BY ${columns.map(quoteIdent).join(", ")} ORDER BY __row) AS __k FROM ${raw}) AS ranked`;
    const dup = await countRows(engine, ranked, "__k > 1");
    if (dup.count) {
      const rowId = columns.find((c) => c !== mapping.get("customer_id") && /(^|_)(id|uuid|line_?no|row_?id)$/i.test(snake(c)));
      if (eventLogs.has(src.role) && !rowId) {
        if (total >= 20 && dup.count * 2 >= total) {
          throw new ChurnbookError("duplicated-file", `${dup.count} of the ${total} rows of dataset "${src.name}" repeat an earlier row exactly: the ${where} looks like a union of a table with itself`, {
            location: { dataset: src.name, row: dup.rows[0] },
            hint: "remove the duplicated rows, or add a row id column (e.g. transaction_id) so that repeated identical purchases can be told from copies",
          });
        }
        addFinding({ code: "duplicate-line-items", count: dup.count, rows: dup.rows, excluded: false });
      } else {
        await engine.query(`DELETE FROM ${raw} WHERE __row IN (SELECT __row FROM ${ranked} WHERE __k > 1)`);
        addFinding({ code: "duplicate-rows", count: dup.count, rows: dup.rows, excluded: true });
      }
    }
  }

  // Typing: a column of the right type is cast; text is read as load.ts reads a file's text
  // (trimmed, empty = null; ISO dates or yyyymmdd; true/false, 1/0, yes/no, y/n), and the first
  // value that does not read is reported with its row.
  const selects: string[] = [];
  const checks: { column: string; t: FieldType; bad: string }[] = [];
  for (const [field, column] of mapping) {
    const t = typeOf.get(field)!;
    const col = quoteIdent(column);
    const native = !isText(column) && (t === "string" || fromPg(sourceTypes.get(column)!) === t || (t === "number" && fromPg(sourceTypes.get(column)!) === "integer"));
    let expr: string;
    if (native) expr = t === "string" ? `CAST(${col} AS text)` : `CAST(${col} AS ${d.types[t]})`;
    else {
      const v = `nullif(trim(CAST(${col} AS text)), '')`;
      const num = d.tryCast(v, "number");
      expr =
        t === "string"
          ? v
          : t === "number"
            ? num
            : t === "integer"
              ? `CASE WHEN ${num} = round(${num}) THEN CAST(${num} AS bigint) END`
              : t === "boolean"
                ? `CASE WHEN lower(${v}) IN ('true', '1', 'yes', 'y', 't') THEN TRUE WHEN lower(${v}) IN ('false', '0', 'no', 'n', 'f') THEN FALSE END`
                : `CASE WHEN ${v} ~ '^\\d{4}-\\d{1,2}-\\d{1,2}$' OR ${v} ~ '^\\d{8}$' THEN ${d.tryCast(v, "date")} WHEN ${v} ~ '^\\d{4}-\\d{1,2}-\\d{1,2}[ T]' THEN CAST(${d.tryCast(v, "timestamp")} AS date) END`;
      if (t !== "string") checks.push({ column, t, bad: `${v} IS NOT NULL AND (${expr}) IS NULL` });
    }
    selects.push(`${expr} AS ${quoteIdent(field)}`);
  }
  if (checks.length) {
    const [first] = await engine.query(`SELECT ${checks.map((c, i) => `min(CASE WHEN ${c.bad} THEN __row END) AS c${i}`).join(", ")} FROM ${raw}`);
    const failed = checks
      .map((c, i) => ({ ...c, row: first![`c${i}`] as number | null }))
      .filter((c) => c.row !== null)
      .sort((a, b) => a.row! - b.row!)[0];
    if (failed) {
      const [bad] = await engine.query(`SELECT CAST(${quoteIdent(failed.column)} AS text) AS v FROM ${raw} WHERE __row = ${Number(failed.row)}`);
      throw new ChurnbookError("bad-value", `cannot read ${shortValue(bad!.v)} as ${failed.t === "integer" ? "an integer" : `a ${failed.t}`}`, {
        location: { dataset: src.name, column_name: failed.column, row: Number(failed.row) },
        hint: hintFor(failed.t),
      });
    }
  }
  const table = quoteIdent(src.role);
  await engine.query(`DROP TABLE IF EXISTS pg_temp.${table}`);
  await engine.query(`CREATE TEMP TABLE ${table} AS SELECT __row, ${selects.join(", ")} FROM ${raw} ORDER BY __row`);
  await engine.query(`DROP TABLE ${raw}`);
  const kept = await finishRoleTable(engine, { src, table, mapping, typeOf, marks: [], total, findings, runDate });
  await engine.query(`ANALYZE ${table}`);
  return {
    name: src.name,
    role: src.role,
    file: where,
    database: true,
    // No file to fingerprint: the source's reference (a table's contents can change under it).
    sha256: createHash("sha256").update(JSON.stringify(src.source)).digest("hex"),
    bytes: 0,
    rows: kept.rows,
    dropped: kept.dropped,
    droppedReasons: findings.filter((f) => f.excluded).map((f) => f.message),
    findings,
    fields: [...mapping.keys()],
    minDate: kept.minDate,
    maxDate: kept.maxDate,
  };
}
