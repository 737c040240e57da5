// The rows of an output table, for the writers (csv.ts, xlsx.ts): either a table held in
// JavaScript (a Row[]) or a streamed table — one whose rows are read in batches from a file the
// runner spooled from the engine (runner/engine-tables.ts), so that no output needs every row in
// memory at once.

import type { Row } from "../analysis/types.js";

/** A table read in batches: its columns, how many rows, and the rows in order. */
export interface StreamedTable {
  /** The columns, in order (every row has each of them). */
  columns: string[];
  rowCount: number;
  /** The rows, in batches, in the table's order; each call reads the table again from the start. */
  batches(): AsyncIterable<Row[]>;
}

export type TableRows = Row[] | StreamedTable;

/** How many rows a writer formats between writes: large enough that a batch's bookkeeping is
 * nothing, small enough that a batch's text is a few megabytes. */
export const batchRows = 10_000;

/** The table's rows in batches (an in-memory table in slices, without copying its rows twice). */
export async function* rowBatches(table: TableRows): AsyncIterable<Row[]> {
  if (!Array.isArray(table)) {
    yield* table.batches();
    return;
  }
  for (let i = 0; i < table.length; i += batchRows) yield table.slice(i, i + batchRows);
}

export const rowCount = (table: TableRows): number => (Array.isArray(table) ? table.length : table.rowCount);
