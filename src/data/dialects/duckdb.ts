// DuckDB (embedded, the default engine): its own functions for the dialect's pieces.

import type { Dialect } from "./types.js";

export const duckdb: Dialect = {
  name: "duckdb",
  types: { string: "VARCHAR", date: "DATE", number: "DOUBLE", integer: "BIGINT", boolean: "BOOLEAN" },
  dateDiff: (unit, a, b) => `date_diff('${unit}', ${a}, ${b})`,
  datePart: (part, d) => `${part}(${d})`,
  dateAdd: (d, n, unit) => `CAST(${d} + to_${unit}s(CAST(${n} AS INTEGER)) AS DATE)`,
  isFinite: (x) => `isfinite(CAST(${x} AS DOUBLE))`,
  exactDecimal: (x, digits) => `CAST(ROUND(${x}, ${digits}) AS DECIMAL(38, ${digits}))`,
  tryCast: (text, type) => `TRY_CAST(${text} AS ${{ number: "DOUBLE", integer: "BIGINT", date: "DATE", timestamp: "TIMESTAMP" }[type]})`,
  hash: (values) => `hash(${values.join(", ")})`,
  typeName: (x) => `typeof(${x})`,
  editDistance: (a, b) => `levenshtein(${a}, ${b})`,
  rowOrder: "rowid",
  table: (name) => `main.${name}`,
  fence: "",
  createTemp: (name, select) => [`CREATE OR REPLACE TEMPORARY TABLE ${name} AS ${select}`],
};
