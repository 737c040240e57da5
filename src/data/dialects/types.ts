// The dialect layer: every difference between the SQL engines churnbook runs on lives in one
// file per engine (duckdb.ts, postgres.ts), behind this interface. The analyses write portable
// SQL (standard aggregates with FILTER, windows, CTEs, percentile_cont … WITHIN GROUP,
// array_agg(… ORDER BY …)[1:n], generate_series(…) AS g(x), CAST(… AS DATE) over date
// arithmetic) and ask the dialect, through their context (`dialectOf(ctx)`), for the pieces
// that differ: date differences and parts, intervals, finiteness, exact decimals, text-to-type
// conversion, type names and the hash that orders samples. Adding a warehouse is one file here
// (a PostgreSQL-compatible one such as Citus can start from postgres.ts) plus its engine.

import type { FieldType } from "../roles.js";

export type DateUnit = "day" | "month" | "year";

export interface Dialect {
  readonly name: "duckdb" | "postgres";
  /** The SQL type that holds each field type. */
  readonly types: Readonly<Record<FieldType, string>>;
  /** Whole `unit` boundaries crossed from date a to date b (day: b − a; month: calendar months
   * between their months, as DuckDB's date_diff counts), an integer. */
  dateDiff(unit: DateUnit, a: string, b: string): string;
  /** The year / month / day-of-month of a date, an integer. */
  datePart(part: DateUnit, d: string): string;
  /** The DATE `n` units after d (n: an integer SQL expression; months end-of-month clamped). */
  dateAdd(d: string, n: string | number, unit: DateUnit): string;
  /** A double that is neither NaN nor ±Infinity (false for null: callers coalesce). */
  isFinite(x: string): string;
  /** A double rounded half away from zero to `digits` decimals, as an exact DECIMAL(38, digits). */
  exactDecimal(x: string, digits: number): string;
  /** Text (or an already typed value) to a type, NULL when it does not convert (never an error). */
  tryCast(value: string, type: "number" | "integer" | "date" | "timestamp"): string;
  /** A deterministic pseudo-random BIGINT-like key over the values (sampling order): the same
   * inputs give the same order in every run of the same engine. */
  hash(values: string[]): string;
  /** The SQL type of a value as text, named as DuckDB names it (VARCHAR, DOUBLE, BIGINT, INTEGER,
   * BOOLEAN, DATE, DECIMAL…) on every engine, so that messages and rules read the same. */
  typeName(x: string): string;
  /** The Levenshtein distance between two texts (insertions, deletions, substitutions of characters). */
  editDistance(a: string, b: string): string;
  /** An expression ordering a role table's rows as they were loaded (the source's order). */
  readonly rowOrder: string;
  /** The role table `name` itself, even where a CTE of the same name shadows it. */
  table(name: string): string;
  /** Appended to a subquery whose computed columns the outer queries use many times, so that the
   * planner computes them once instead of substituting their expressions into every use. */
  readonly fence: string;
  /** Statements that (re)create the session's temporary table `name` (a quoted identifier) as
   * the result of `select`, replacing one of that name. */
  createTemp(name: string, select: string): string[];
}
