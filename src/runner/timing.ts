// Phase timings of a run (manifest.json's `timings`, the bench's phase table): wall time and the
// process's CPU time over the phase (user + system of every thread: Node's and DuckDB's). On a
// shared machine other programs stretch the wall time; the CPU time moves far less.

import type { Engine } from "../data/engine.js";

export interface Timing {
  phase: string;
  id?: string;
  ms: number;
  cpuMs: number;
  /** An analysis cell's transfer from the engine into JavaScript (see countTransfers). */
  transfer?: Transfer;
}

/**
 * What crossed from the engine into JavaScript: result rows and values (rows × columns) over
 * every query. An analysis cell's transfer is what its reductions and the products it is the
 * first to ask for returned (rows another cell already fetched are shared, not fetched again):
 * the measure of issue 14's "no analysis materialises raw events or per-customer rows in
 * JavaScript" — it must not grow with the customers beyond what the cell shows or samples
 * (test/runner/bounded-transfer.test.ts).
 */
export interface Transfer {
  queries: number;
  rows: number;
  values: number;
}

/** The engine with every query's result counted into `tally` (the queries and rows are the engine's). */
export function countTransfers(engine: Engine, tally: Transfer): Engine {
  return {
    dialect: engine.dialect,
    async query(sql) {
      const rows = await engine.query(sql);
      tally.queries += 1;
      tally.rows += rows.length;
      tally.values += rows.length * (rows[0] ? Object.keys(rows[0]).length : 0);
      return rows;
    },
    // An engine table's rows pass through in batches into its spool file (runner/engine-tables.ts),
    // never held together: not a transfer.
    stream: (sql, batchRows) => engine.stream(sql, batchRows),
    loadRows: (name, columns, rows) => engine.loadRows(name, columns, rows),
    close: () => engine.close(),
  };
}

/** Starts a clock; calling the result gives the wall and CPU milliseconds since. */
export function stopwatch(): () => { ms: number; cpuMs: number } {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const d = process.cpuUsage(cpu);
    return { ms: performance.now() - wall, cpuMs: (d.user + d.system) / 1000 };
  };
}
