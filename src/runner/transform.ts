// Running transform cells: Arquero verbs over the (compact) result tables of the cells above —
// never over raw events, which stay in DuckDB. The definition stage has checked every verb and
// parsed every expression with Arquero's parser (definition/transform.ts); here the column names
// are checked against the actual table (a located error with a did-you-mean), then the verbs run.
// The result is one table named after the cell, which table, chart, KPI and markdown cells read
// like an analysis's table.

import { desc, from as fromRows, type ColumnTable } from "arquero";
import type { Analysis, Row, Value } from "../analysis/types.js";
import type { ReportCell } from "../definition/index.js";
import { parseTransformExpression, type TransformStep } from "../definition/transform.js";
import { ChurnbookError, closeMatches } from "../util/errors.js";
import type { CellResult, ResultsById } from "./cells.js";

type TransformCell = Extract<ReportCell, { kind: "transform" }>;

/** The cells a transform reads: its `from` and every join's `with`. */
export function transformInputs(cell: TransformCell): string[] {
  return [...new Set([cell.from, ...cell.steps.flatMap((s) => (s.verb === "join" ? [s.with] : []))].map((r) => r.split(".")[0]!))];
}

/** A transform's result as a cell result: one table named after the cell (also its main table). */
export function transformResult(id: string, rows: Row[]): CellResult {
  const analysis: Analysis = {
    id: "transform",
    title: { "zh-CN": id, "en-US": id },
    summary: { "zh-CN": "转换", "en-US": "Transform" },
    definition: { "zh-CN": "", "en-US": "" },
    params: { type: "object", properties: {} } as unknown as Analysis["params"],
    needs: [],
    reductions: () => ({}),
    compute: () => ({ scalars: {}, tables: { [id]: rows } }),
    mainTable: id,
  };
  return { analysis, params: {}, result: { scalars: { rows: rows.length }, tables: { [id]: rows } } };
}

function inputTable(ref: string, results: ResultsById, what: string): Row[] {
  const [id, name] = ref.split(".") as [string, string | undefined];
  const r = results.get(id);
  if (!r) throw new ChurnbookError("unknown-cell", `${what}: no result "${id}"`, { hint: `cells with results above: ${[...results.keys()].join(", ")}` });
  const table = name ?? r.analysis.mainTable;
  const rows = r.result.tables[table];
  if (!rows) {
    const near = closeMatches(table, Object.keys(r.result.tables));
    throw new ChurnbookError("unknown-table", `${what}: cell "${id}" has no table "${table}"`, { hint: `${near.length ? `did you mean "${near[0]}"? ` : ""}tables: ${Object.keys(r.result.tables).join(", ")}` });
  }
  return rows;
}

/** Runs the steps; a problem is a ChurnbookError located at the step's line. */
export function runTransform(cell: TransformCell, results: ResultsById, file: string): Row[] {
  const input = inputTable(cell.from, results, `transform "${cell.id}"`);
  let t: ColumnTable = fromRows(input);
  let columns = input.length ? Object.keys(input[0]!) : [];
  for (const step of cell.steps) {
    const at = (e: ChurnbookError) => e.at({ file, line: step.line, cellId: cell.id });
    const check = (names: string[], have = columns) => {
      for (const n of names) {
        if (have.includes(n)) continue;
        const near = closeMatches(n, have);
        throw at(new ChurnbookError("unknown-column", `${step.verb}: the table has no column "${n}"`, { hint: `${near.length ? `did you mean "${near[0]}"? ` : ""}columns: ${have.join(", ") || "(an empty table)"}` }));
      }
    };
    const exprColumns = (expr: string) => {
      try {
        return parseTransformExpression(expr);
      } catch (e) {
        throw at(new ChurnbookError("invalid-expression", `${step.verb}: invalid expression ${JSON.stringify(expr)}: ${(e as Error).message}`));
      }
    };
    try {
      t = apply(t, step, results, cell, check, exprColumns, columns);
    } catch (e) {
      if (e instanceof ChurnbookError) throw e.location.line ? e : at(e);
      throw at(new ChurnbookError("transform-failed", `${step.verb}: ${(e as Error).message ?? String(e)}`));
    }
    columns = t.columnNames();
  }
  return t.objects().map((r) => {
    const o: Row = {};
    for (const [k, v] of Object.entries(r as Record<string, unknown>)) o[k] = plain(v);
    return o;
  });
}

function apply(t: ColumnTable, step: TransformStep, results: ResultsById, cell: TransformCell, check: (names: string[], have?: string[]) => void, exprColumns: (e: string) => string[], columns: string[]): ColumnTable {
  // An empty table has no columns to check against: its verbs run on nothing.
  const known = columns.length > 0;
  switch (step.verb) {
    case "filter":
      if (known) check(exprColumns(step.expr));
      return t.filter(step.expr);
    case "derive":
      if (known) for (const e of Object.values(step.exprs)) check(exprColumns(e));
      return t.derive(step.exprs);
    case "rollup":
      if (known) for (const e of Object.values(step.exprs)) check(exprColumns(e));
      return t.rollup(step.exprs);
    case "groupby":
      if (known) check(step.columns);
      return t.groupby(step.columns);
    case "select":
      if (known) check(step.columns);
      return t.select(step.columns);
    case "orderby":
      if (known) check(step.columns.map((c) => c.name));
      return t.orderby(step.columns.map((c) => (c.desc ? desc(c.name) : c.name)));
    case "join": {
      const rows = inputTable(step.with, results, `transform "${cell.id}": join`);
      const other = fromRows(rows);
      if (known) check(step.on);
      if (rows.length) check(step.on, Object.keys(rows[0]!));
      const how = { inner: "join", left: "join_left", right: "join_right", full: "join_full" } as const;
      return t[how[step.how]](other, step.on as unknown as Parameters<ColumnTable["join"]>[1]) as ColumnTable;
    }
    case "slice":
      return t.slice(step.start, step.end ?? undefined);
  }
}

/** Result values are plain JSON values: dates as ISO strings, non-finite numbers as null. */
function plain(v: unknown): Value {
  if (v === undefined || v === null) return null;
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" || typeof v === "boolean") return v;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString().slice(0, 10);
  if (typeof v === "bigint") return Number(v);
  return JSON.stringify(v);
}
