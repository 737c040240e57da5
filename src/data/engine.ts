// The engine: an embedded DuckDB database holding one typed table per dataset role.
// Analyses send it SQL reductions and get compact, plain rows back (bigint → number,
// DATE → ISO string, DECIMAL → number), so no analysis needs the raw events in JavaScript.

import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DuckDBConnection, DuckDBInstance, DuckDBResultReader, DuckDBTypeId as TypeIds } from "@duckdb/node-api";
import type { Row, Value } from "../core/vocabulary.js";
import { ChurnbookError } from "../util/errors.js";
import { duckdb, type Dialect } from "./dialects/index.js";

/** An SQL engine holding the role tables (DuckDB here; PostgreSQL in data/postgres.ts). */
export interface Engine {
  /** Its SQL differences (data/dialects/). */
  readonly dialect: Dialect;
  query(sql: string): Promise<Row[]>;
  /**
   * A query's rows in batches of about `batchRows`, as the engine produces them (DuckDB's streamed
   * chunks, a PostgreSQL cursor): the same plain values as `query`, never the whole result at
   * once. Run nothing else on the engine until the iteration ends (or is left).
   */
  stream(sql: string, batchRows: number): AsyncIterable<Row[]>;
  /** Creates (or replaces) a table from plain rows; the column types are DuckDB type names
   * (VARCHAR, DATE, DOUBLE, BIGINT, INTEGER, BOOLEAN), which every engine maps to its own. */
  loadRows(name: string, columns: Record<string, string>, rows: Row[]): Promise<void>;
  close(): void;
}

/**
 * DuckDB's settings. Tables and intermediate results beyond its memory limit spill to a
 * temporary folder (measured: two copies of 10M transactions under a 400 MB limit stay at
 * 0.6 GB RSS): that folder is one per process under the system's temporary folder, not DuckDB's
 * default `.tmp` in whatever folder churnbook runs from, and DuckDB removes it on close.
 * CHURNBOOK_MEMORY_LIMIT (a DuckDB size such as "8GB") caps its memory — by default 80% of the
 * machine's RAM, too much for one process on a shared machine or beside a large Node heap.
 */
export function engineSettings(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const settings: Record<string, string> = { threads: "2", temp_directory: join(tmpdir(), `churnbook-duckdb-${process.pid}`) };
  const limit = env.CHURNBOOK_MEMORY_LIMIT?.trim();
  if (limit) {
    if (!/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(limit)) {
      throw new ChurnbookError("bad-memory-limit", `CHURNBOOK_MEMORY_LIMIT="${env.CHURNBOOK_MEMORY_LIMIT}" is not a memory size`, { hint: "write a number and a unit, e.g. CHURNBOOK_MEMORY_LIMIT=8GB (or unset it: 80% of the machine's RAM)" });
    }
    settings.memory_limit = limit;
  }
  return settings;
}

export async function createEngine(): Promise<Engine> {
  const { DuckDBInstance, DuckDBTypeId } = await import("@duckdb/node-api");
  const instance: DuckDBInstance = await DuckDBInstance.create(":memory:", engineSettings());
  const connection: DuckDBConnection = await instance.connect();
  return {
    dialect: duckdb,
    async query(sql) {
      const reader = await connection.runAndReadAll(sql).catch((e: unknown) => {
        throw resourceError(e) ?? e;
      });
      return plainRows(reader, DuckDBTypeId);
    },
    async *stream(sql, batchRows) {
      const result = await connection.stream(sql).catch((e: unknown) => {
        throw resourceError(e) ?? e;
      });
      const names = result.columnNames();
      const converters = names.map((_, c) => converter(result.columnTypeId(c), DuckDBTypeId));
      let batch: Row[] = [];
      for (;;) {
        const chunk = await result.fetchChunk().catch((e: unknown) => {
          throw resourceError(e) ?? e;
        });
        if (!chunk || chunk.rowCount === 0) break;
        batch.push(...convertColumns(names, converters, chunk.getColumns(), chunk.rowCount));
        if (batch.length >= batchRows) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    },
    async loadRows(name, columns, rows) {
      const cols = Object.entries(columns);
      await connection.run(`CREATE OR REPLACE TABLE ${quoteIdent(name)} (${cols.map(([c, t]) => `${quoteIdent(c)} ${t}`).join(", ")})`);
      if (rows.length === 0) return;
      const appender = await connection.createAppender(name);
      for (const row of rows) {
        for (const [c, t] of cols) {
          const v = row[c];
          if (v === null || v === undefined || v === "") appender.appendNull();
          else if (t === "DATE") appender.appendVarchar(String(v));
          else if (t === "DOUBLE") appender.appendDouble(Number(v));
          else if (t === "BIGINT" || t === "INTEGER") appender.appendDouble(Number(v));
          else if (t === "BOOLEAN") appender.appendBoolean(Boolean(v));
          else appender.appendVarchar(String(v));
        }
        appender.endRow();
      }
      appender.closeSync();
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * A result as plain rows, converted column by column: each column's converter is chosen once
 * from its type (text and numbers pass through; a DATE is printed once per distinct day), not
 * found per value — the same values as toPlain, for results of hundreds of thousands of rows.
 */
function plainRows(reader: DuckDBResultReader, ids: typeof TypeIds): Row[] {
  const names = reader.columnNames();
  return convertColumns(names, names.map((_, c) => converter(reader.columnTypeId(c), ids)), reader.getColumns(), reader.currentRowCount);
}

/** n rows from columns of DuckDB values, each column through its converter. */
function convertColumns(names: string[], converters: ((v: unknown) => Value)[], columns: unknown[][], n: number): Row[] {
  const rows: Row[] = new Array(n);
  for (let r = 0; r < n; r++) rows[r] = {};
  for (let c = 0; c < names.length; c++) {
    const name = names[c]!, values = columns[c]!, convert = converters[c]!;
    for (let r = 0; r < n; r++) rows[r]![name] = convert(values[r]);
  }
  return rows;
}

function converter(type: TypeIds, ids: typeof TypeIds): (v: unknown) => Value {
  switch (type) {
    case ids.VARCHAR:
    case ids.BOOLEAN:
      return (v) => (v === undefined ? null : (v as Value));
    case ids.DOUBLE:
    case ids.FLOAT:
      return (v) => (typeof v === "number" && Number.isFinite(v) ? v : null);
    case ids.DATE: {
      const days = new Map<number, Value>();
      return (v) => {
        if (v === null || v === undefined) return null;
        const d = (v as { days: number }).days;
        let s = days.get(d);
        if (s === undefined) days.set(d, (s = toPlain(v)));
        return s;
      };
    }
    case ids.DECIMAL:
      // value / 10^scale: both exact doubles (|value| ≤ 2^53, scale ≤ 22), and IEEE division
      // rounds the exact quotient correctly — the same number as parsing the printed decimal.
      return (v) => {
        if (v === null || v === undefined) return null;
        const { value, scale } = v as { value: bigint; scale: number };
        const n = Number(value);
        return Number.isSafeInteger(n) && scale < pow10.length ? n / pow10[scale]! : toPlain(v);
      };
    default:
      return toPlain;
  }
}

const pow10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

function toPlain(v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" || typeof v === "boolean") return v;
  // DuckDB value objects (DATE, TIMESTAMP, DECIMAL…) print themselves canonically.
  const s = String(v);
  if (/^\d{4}-\d{2}-\d{2}( 00:00:00)?$/.test(s)) return s.slice(0, 10);
  const n = Number(s);
  return Number.isFinite(n) && s.trim() !== "" ? n : s;
}

/**
 * The engine running out of memory or disk is the machine's limit, not a bug: a user error
 * (exit 1) that says what to do. Any other engine error stays a bug (exit 70): the analyses'
 * SQL is ours, and the data reached it typed and checked.
 */
export function resourceError(e: unknown): ChurnbookError | null {
  const message = String((e as Error)?.message ?? e);
  if (/Out of Memory|could not allocate|failed to allocate/i.test(message)) {
    return new ChurnbookError("out-of-memory", `the engine ran out of memory: ${message.split("\n")[0]}`, { hint: "free memory, or run on a sample (fewer customers or a shorter history); data from Parquet needs less memory than CSV", cause: e });
  }
  if (/No space left on device|disk (is )?full|ENOSPC/i.test(message)) {
    return new ChurnbookError("disk-full", `the engine ran out of disk space for temporary files: ${message.split("\n")[0]}`, { hint: "free disk space (DuckDB spills large sorts to the temporary folder)", cause: e });
  }
  return null;
}
