// The PostgreSQL engine: the same `Engine` as the embedded DuckDB one, on one connection of the
// `pg` client. Role tables are the session's temporary tables (gone when it closes); analyses
// send their reductions here and only the compact results come back. Values come back as plain
// JSON values like DuckDB's: BIGINT and NUMERIC as numbers, DATE as ISO text, non-finite
// numbers as null.
// The connection is named in the definition as `env:VARIABLE`, never written in it: the URL
// (with its password) stays in the environment and is never printed.

import type { Row, Value } from "../core/vocabulary.js";
import { ChurnbookError } from "../util/errors.js";
import { postgres } from "./dialects/postgres.js";
import { quoteIdent, resourceError, type Engine } from "./engine.js";

/** Where a dataset's connection comes from, for the error messages. */
export interface ConnectionRef {
  /** The dataset that names the connection. */
  dataset: string;
  /** The environment variable holding the URL. */
  variable: string;
}

/** Resolves `env:VARIABLE` to its URL; a missing or empty variable is a located user error. */
export function resolveConnection(connection: string, dataset: string, env: NodeJS.ProcessEnv = process.env): ConnectionRef & { url: string } {
  const m = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(connection);
  if (!m) {
    // Never echo the value: it may be a URL with a password written where a reference belongs.
    throw new ChurnbookError("bad-connection", `dataset "${dataset}": connection must be a reference to an environment variable (env:NAME), not a URL or password`, {
      location: { dataset },
      hint: 'write connection: "env:CHURNBOOK_PG_URL" and set CHURNBOOK_PG_URL=postgresql://user:password@host:5432/db in the environment',
    });
  }
  const variable = m[1]!;
  const url = env[variable];
  if (!url) {
    throw new ChurnbookError("missing-connection", `dataset "${dataset}": the environment variable ${variable} (its connection) is not set`, {
      location: { dataset },
      hint: `set ${variable}=postgresql://user:password@host:5432/database before running churnbook`,
    });
  }
  return { dataset, variable, url };
}

const pgTypes: Record<string, string> = { VARCHAR: "text", DATE: "date", DOUBLE: "double precision", BIGINT: "bigint", INTEGER: "integer", BOOLEAN: "boolean" };

// Type OIDs (pg_type) whose text the client must turn into churnbook's plain values.
const INT8 = 20, NUMERIC = 1700, DATE = 1082, TIMESTAMP = 1114, TIMESTAMPTZ = 1184;

export async function createPostgresEngine(ref: ConnectionRef & { url: string }): Promise<Engine> {
  const { default: pg } = await import("pg");
  const number = (s: string) => Number(s);
  const types = {
    getTypeParser(oid: number, format?: string) {
      if (oid === INT8 || oid === NUMERIC) return number;
      // Dates stay ISO text (never a JavaScript Date in the server's or this machine's zone).
      if (oid === DATE) return (s: string) => s;
      if (oid === TIMESTAMP || oid === TIMESTAMPTZ) return (s: string) => (/^\d{4}-\d{2}-\d{2} 00:00:00(\+00)?$/.test(s) ? s.slice(0, 10) : s);
      return pg.types.getTypeParser(oid, format as "text");
    },
  };
  const client = new pg.Client({ connectionString: ref.url, types, application_name: "churnbook" });
  // A connection dropped later (server restart) must not crash the process from an event.
  client.on("error", () => {});
  try {
    await client.connect();
    for (const sql of postgres.setup) await client.query(sql);
  } catch (e) {
    await client.end().catch(() => {});
    throw connectionError(e, ref);
  }
  const run = async (sql: string, values?: unknown[]) => {
    try {
      return await client.query(sql, values);
    } catch (e) {
      throw resourceError(e) ?? lostConnection(e, ref) ?? e;
    }
  };
  return {
    dialect: postgres,
    async query(sql) {
      const result = await run(sql);
      // A multi-statement text returns one result per statement: the rows are the last one's.
      const last = Array.isArray(result) ? result[result.length - 1] : result;
      return (last?.rows ?? []).map(plainRow);
    },
    async *stream(sql, batchRows) {
      // A cursor in a transaction of its own: the server keeps the result, the client holds one
      // batch at a time. (The role tables are this session's temporary tables, so the same
      // connection must read them.)
      await run("BEGIN");
      let open = true;
      try {
        await run(`DECLARE churnbook_stream NO SCROLL CURSOR FOR ${sql}`);
        for (;;) {
          const result = await run(`FETCH FORWARD ${Math.max(1, Math.floor(batchRows))} FROM churnbook_stream`);
          if (!result.rows.length) break;
          yield result.rows.map(plainRow);
        }
        await run("CLOSE churnbook_stream");
        await run("COMMIT");
        open = false;
      } finally {
        // Left early or failed: the transaction (and its cursor) goes.
        if (open) await client.query("ROLLBACK").catch(() => {});
      }
    },
    async loadRows(name, columns, rows) {
      const cols = Object.entries(columns);
      await run(`DROP TABLE IF EXISTS pg_temp.${quoteIdent(name)}`);
      await run(`CREATE TEMP TABLE ${quoteIdent(name)} (${cols.map(([c, t]) => `${quoteIdent(c)} ${pgTypes[t] ?? t}`).join(", ")})`);
      // Batches well under the protocol's 65,535 parameters.
      const per = Math.max(1, Math.floor(30_000 / Math.max(1, cols.length)));
      for (let i = 0; i < rows.length; i += per) {
        const batch = rows.slice(i, i + per);
        const values: unknown[] = [];
        const tuples = batch.map((row) => `(${cols.map(([c, t]) => {
          const v = row[c];
          values.push(v === null || v === undefined || v === "" ? null : t === "BOOLEAN" ? Boolean(v) : t === "VARCHAR" || t === "DATE" ? String(v) : Number(v));
          return `$${values.length}::${pgTypes[t] ?? t}`;
        }).join(", ")})`);
        if (cols.length) await run(`INSERT INTO ${quoteIdent(name)} VALUES ${tuples.join(", ")}`, values);
      }
    },
    close() {
      void client.end().catch(() => {});
    },
  };
}

function plainRow(r: Record<string, unknown>): Row {
  const o: Row = {};
  for (const [k, v] of Object.entries(r)) o[k] = plain(v);
  return o;
}

function plain(v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return Number(v);
  return Array.isArray(v) ? JSON.stringify(v) : String(v);
}

/** The server's reason, with any password of the URL blanked out. */
function reason(e: unknown, url?: string): string {
  let text = String((e as Error)?.message ?? e).split("\n")[0]!;
  const password = url ? safeUrl(url)?.password : "";
  if (password) text = text.replaceAll(password, "***").replaceAll(decodeURIComponent(password), "***");
  return text;
}

function safeUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

function connectionError(e: unknown, ref: ConnectionRef & { url: string }): ChurnbookError {
  const u = safeUrl(ref.url);
  const where = u ? `${u.hostname || "localhost"}:${u.port || 5432}${u.pathname}` : "the server";
  return new ChurnbookError("connection-failed", `dataset "${ref.dataset}": cannot connect to PostgreSQL at ${where} (from ${ref.variable}): ${reason(e, ref.url)}`, {
    location: { dataset: ref.dataset },
    hint: `check that the server is running and that ${ref.variable} holds a valid URL (postgresql://user:password@host:5432/database) for a user allowed to connect`,
  });
}

/** The server going away mid-run is not a bug in the analyses' SQL. */
function lostConnection(e: unknown, ref: ConnectionRef & { url: string }): ChurnbookError | null {
  const code = (e as { code?: string })?.code ?? "";
  const message = String((e as Error)?.message ?? e);
  if (!/^(08|57P)/.test(code) && !/Connection terminated|ECONNRESET|not queryable/i.test(message)) return null;
  return new ChurnbookError("connection-lost", `dataset "${ref.dataset}": the PostgreSQL connection (${ref.variable}) was lost: ${reason(e, ref.url)}`, { location: { dataset: ref.dataset }, cause: e });
}
