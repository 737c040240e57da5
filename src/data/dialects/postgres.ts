// PostgreSQL (15 and later) and engines that speak its SQL. What DuckDB has built in and
// PostgreSQL lacks is spelled out here: date_diff (date − date is whole days; months from
// EXTRACT), isfinite over doubles, ROUND(double, n) (a cast to NUMERIC rounds half away from
// zero), TRY_CAST (session functions in pg_temp that return NULL instead of failing; see
// `setup`), hash(), levenshtein() (a session function too), rowid and typeof(). Role tables are the session's temporary tables (pg_temp).

import type { Dialect } from "./types.js";

/** PostgreSQL's names of the types role tables hold → DuckDB's (Dialect.typeName). */
const duckdbTypeNames: Record<string, string> = { text: "VARCHAR", "character varying": "VARCHAR", "double precision": "DOUBLE", bigint: "BIGINT", integer: "INTEGER", boolean: "BOOLEAN", date: "DATE", numeric: "DECIMAL", "timestamp without time zone": "TIMESTAMP" };

export const postgres: Dialect & { setup: string[] } = {
  name: "postgres",
  types: { string: "text", date: "date", number: "double precision", integer: "bigint", boolean: "boolean" },
  dateDiff: (unit, a, b) => {
    if (unit === "day") return `(${b} - ${a})`;
    const years = `(EXTRACT(YEAR FROM ${b}) - EXTRACT(YEAR FROM ${a}))`;
    return unit === "year" ? `CAST(${years} AS INTEGER)` : `CAST(${years} * 12 + EXTRACT(MONTH FROM ${b}) - EXTRACT(MONTH FROM ${a}) AS INTEGER)`;
  },
  datePart: (part, d) => `CAST(EXTRACT(${part.toUpperCase()} FROM ${d}) AS INTEGER)`,
  dateAdd: (d, n, unit) => (unit === "day" ? `CAST(${d} + CAST(${n} AS INTEGER) AS DATE)` : `CAST(${d} + CAST(${n} AS INTEGER) * INTERVAL '1 ${unit}' AS DATE)`),
  isFinite: (x) => `(CAST(${x} AS double precision) NOT IN ('NaN', 'Infinity', '-Infinity'))`,
  // float8 → numeric goes through the double's 15 significant digits, then rounds half away from zero.
  exactDecimal: (x, digits) => `CAST(${x} AS NUMERIC(38, ${digits}))`,
  // The value as text first: a column that is already typed converts through its text.
  tryCast: (value, type) => `pg_temp.churnbook_try_${type}(CAST(${value} AS text))`,
  // The first 8 bytes of md5 as a signed BIGINT: stable across sessions and servers.
  hash: (values) => `('x' || substr(md5(concat_ws('|', ${values.map((v) => `CAST(${v} AS text)`).join(", ")})), 1, 16))::bit(64)::bigint`,
  typeName: (x) => `CASE pg_typeof(${x})::text ${Object.entries(duckdbTypeNames).map(([pg, duck]) => `WHEN '${pg}' THEN '${duck}'`).join(" ")} ELSE upper(pg_typeof(${x})::text) END`,
  // levenshtein() is in the fuzzystrmatch extension, which a warehouse may lack: a session function.
  editDistance: (a, b) => `pg_temp.churnbook_levenshtein(${a}, ${b})`,
  // A role table is written once in the source's order (load-postgres.ts) and never updated, so
  // its physical row order is that order.
  rowOrder: "ctid",
  table: (name) => `pg_temp.${name}`,
  // PostgreSQL pulls simple subqueries up into their parent, copying each column's expression to
  // every use (exponential over nested layers); OFFSET 0 keeps a subquery a separate step.
  fence: " OFFSET 0",
  createTemp: (name, select) => [`DROP TABLE IF EXISTS pg_temp.${name}`, `CREATE TEMPORARY TABLE ${name} AS ${select}`],
  // Run once per session. PostgreSQL has no TRY_CAST; a PL/pgSQL block catches the conversion error.
  setup: [
    "SET TimeZone = 'UTC'",
    "SET DateStyle = 'ISO, YMD'",
    ...(["number:double precision", "integer:bigint", "date:date", "timestamp:timestamp"] as const).map((pair) => {
      const [name, type] = pair.split(":") as [string, string];
      return `CREATE FUNCTION pg_temp.churnbook_try_${name}(v text) RETURNS ${type} LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN CAST(v AS ${type}); EXCEPTION WHEN others THEN RETURN NULL; END $$`;
    }),
    // The classic two-row dynamic programme over characters (as DuckDB's levenshtein).
    `CREATE FUNCTION pg_temp.churnbook_levenshtein(a text, b text) RETURNS integer LANGUAGE plpgsql IMMUTABLE STRICT AS $$
      DECLARE prev integer[]; cur integer[]; n integer := length(b);
      BEGIN
        prev := array(SELECT generate_series(0, n));
        FOR i IN 1..length(a) LOOP
          cur := array[i];
          FOR j IN 1..n LOOP
            cur := cur || least(prev[j + 1] + 1, cur[j] + 1, prev[j] + CASE WHEN substr(a, i, 1) = substr(b, j, 1) THEN 0 ELSE 1 END);
          END LOOP;
          prev := cur;
        END LOOP;
        RETURN prev[n + 1];
      END $$`,
  ],
};
