// The dialect of an analysis context (DuckDB unless the runner says otherwise).

import { duckdb } from "./duckdb.js";
import type { Dialect } from "./types.js";

export type { Dialect, DateUnit } from "./types.js";
export { duckdb } from "./duckdb.js";
export { postgres } from "./postgres.js";

export function dialectOf(ctx: { dialect?: Dialect }): Dialect {
  return ctx.dialect ?? duckdb;
}
