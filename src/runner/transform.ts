// Running transform cells: Arquero verbs over the (compact) result tables of the cells above —
// never over raw events, which stay in DuckDB. The definition stage has checked every verb and
// parsed every expression with Arquero's parser (definition/transform.ts); here the column names
// are checked against the actual table (a located error with a did-you-mean), then the verbs run.
// The result is one table named after the cell, which table, chart, KPI and markdown cells read
// like an analysis's table.
//
// The result table is declared like an analysis's (transformOutputs): the declaration of the
// input table flows through the verbs, so a kept or renamed column keeps its declared type and
// format, an aggregate keeps the format where that is sound (a sum of currency is currency, a
// mean of percents a percent, a count a count), a column the author gives a `format:` has it, and
// any other new column is typed from its values (integer, number, date, text) — never from its name.

import { desc, from as fromRows, type ColumnTable } from "arquero";
import type { Analysis, AnalysisOutputs, ColumnDecl, OutputFormat, Row, Value } from "../analysis/types.js";
import { typeOfValues } from "../analysis/outputs.js";
import type { ReportCell } from "../definition/index.js";
import { parseTransformAst, parseTransformExpression, type ExpressionNode, type TransformStep } from "../definition/transform.js";
import { ChurnbookError, closeMatches } from "../util/errors.js";
import { refuseEngineTable, type CellResult, type ResultsById } from "./cells.js";

type TransformCell = Extract<ReportCell, { kind: "transform" }>;

/** The cells a transform reads: its `from` and every join's `with`. */
export function transformInputs(cell: TransformCell): string[] {
  return [...new Set([cell.from, ...cell.steps.flatMap((s) => (s.verb === "join" ? [s.with] : []))].map((r) => r.split(".")[0]!))];
}

/** A transform's result as a cell result: one table named after the cell (also its main table), declared by transformOutputs. */
export function transformResult(cell: TransformCell, rows: Row[], results: ResultsById): CellResult {
  const id = cell.id;
  const analysis: Analysis = {
    id: "transform",
    title: { "zh-CN": id, "en-US": id },
    summary: { "zh-CN": "转换", "en-US": "Transform" },
    definition: { "zh-CN": "", "en-US": "" },
    params: { type: "object", properties: {} } as unknown as Analysis["params"],
    needs: [],
    plan: () => ({}),
    reductions: () => ({}),
    compute: () => ({ scalars: {}, tables: { [id]: rows } }),
    mainTable: id,
    outputs: transformOutputs(cell, rows, results),
  };
  return { analysis, params: {}, plan: {}, result: { scalars: { rows: rows.length }, tables: { [id]: rows } } };
}

/**
 * The declared outputs of a transform's result: its row count and its table, whose columns carry
 * the declarations of the columns they come from (see the top of this file). `rows` are the
 * result's rows (a column no rule declares is typed from them).
 */
export function transformOutputs(cell: TransformCell, rows: Row[], results: ResultsById): AnalysisOutputs {
  let cols = inputColumns(cell.from, results);
  let groups: string[] = [];
  for (const step of cell.steps) {
    switch (step.verb) {
      case "filter":
      case "orderby":
      case "slice":
        break;
      case "groupby":
        groups = step.columns;
        break;
      case "select":
        cols = new Map(step.columns.map((c) => [c, cols.get(c)]));
        break;
      case "derive":
      case "rollup": {
        const next = step.verb === "derive" ? new Map(cols) : new Map(groups.map((g) => [g, cols.get(g)]));
        for (const [name, expr] of Object.entries(step.exprs)) {
          const format = step.formats[name];
          next.set(name, format ? { format } : derivedColumn(name, expr, cols));
        }
        cols = next;
        if (step.verb === "rollup") groups = [];
        break;
      }
      case "join": {
        // Arquero's join keeps the keys once and suffixes other names both tables have with _1 and _2.
        const other = inputColumns(step.with, results);
        const next = new Map<string, Partial<ColumnDecl> | undefined>();
        for (const [c, d] of cols) next.set(!step.on.includes(c) && other.has(c) ? `${c}_1` : c, d);
        for (const [c, d] of other) if (!step.on.includes(c)) next.set(cols.has(c) ? `${c}_2` : c, d);
        cols = next;
        break;
      }
    }
  }
  const names = rows.length ? Object.keys(rows[0]!) : [...cols.keys()];
  const columns = Object.fromEntries(names.map((c): [string, ColumnDecl] => [c, { ...cols.get(c), type: cols.get(c)?.type ?? typeOfValues(rows, c) }]));
  return {
    scalars: { rows: { type: "integer", format: "count", description: { "zh-CN": "行数", "en-US": "Rows" } } },
    tables: { [cell.id]: { description: { "zh-CN": cell.id, "en-US": cell.id }, columns } },
  };
}

/** The columns of an input table with their declarations (undefined: undeclared, typed from the values). */
function inputColumns(ref: string, results: ResultsById): Map<string, Partial<ColumnDecl> | undefined> {
  const [id, name] = ref.split(".") as [string, string | undefined];
  const r = results.get(id);
  const table = name ?? r?.analysis.mainTable ?? "";
  const declared = r?.analysis.outputs?.tables[table]?.columns ?? {};
  const rows = r?.result.tables[table] ?? [];
  const names = [...new Set([...Object.keys(rows[0] ?? {}), ...Object.keys(declared)])];
  return new Map(names.map((c) => [c, declared[c]]));
}

/**
 * A new column's declaration from its expression: a bare column (a rename or copy) has the
 * source's type and format, its meaning too when it keeps the name; anything else the format
 * that expressionFormat finds sound, its type from the values.
 */
function derivedColumn(name: string, expr: string, cols: Map<string, Partial<ColumnDecl> | undefined>): Partial<ColumnDecl> | undefined {
  const { ast } = parseTransformAst(expr);
  if (ast.type === "Column") {
    const src = cols.get(ast.name!);
    if (!src || ast.name === name) return src;
    return { type: src.type, format: src.format };
  }
  const format = expressionFormat(ast, cols);
  return format ? { format } : undefined;
}

// Formats that survive a sum, a mean, or adding a constant (the unit stays the same).
const summable = new Set<OutputFormat>(["currency", "count", "number", "days", "months"]);
const averageable = new Set<OutputFormat>(["percent", "currency", "number", "ratio", "days", "months"]);
const scalable = new Set<OutputFormat>(["currency", "days", "months"]);
const additive = new Set<OutputFormat>(["percent", "currency", "count", "number", "ratio", "days", "months"]);

/**
 * The format of an expression's value where it follows from the formats of the columns it reads
 * (undefined: none does, the column is typed from its values). Only unit-preserving operations
 * keep a format: a sum of currency is currency and a count a count, a mean of percents a percent,
 * a difference of two percents a percent (in points), a currency times a constant a currency; a
 * ratio (of two columns, or of a column and a constant), a sum of percents or a percent times 100
 * has no format of its own.
 */
export function expressionFormat(node: ExpressionNode, cols: Map<string, Partial<ColumnDecl> | undefined>): OutputFormat | undefined {
  const of = (n: unknown) => expressionFormat(n as ExpressionNode, cols);
  const isNumber = (n: unknown) => (n as ExpressionNode).type === "Literal" && typeof (n as ExpressionNode).value === "number";
  const isNull = (n: unknown) => (n as ExpressionNode).type === "Literal" && (n as ExpressionNode).value === null;
  switch (node.type) {
    case "Column":
      return cols.get(node.name!)?.format;
    case "UnaryExpression":
      return node.operator === "-" || node.operator === "+" ? of(node.argument) : undefined;
    case "BinaryExpression": {
      const [l, r] = [node.left, node.right];
      if (node.operator === "+" || node.operator === "-") {
        if (isNumber(l) || isNumber(r)) {
          const f = of(isNumber(l) ? r : l);
          return f && scalable.has(f) ? f : undefined;
        }
        const f = of(l);
        return f && additive.has(f) && f === of(r) ? f : undefined;
      }
      // Scaling by a constant keeps the unit (lost MRR × 12 is money); a division is read as a share (mrr / 9300), so it has none.
      if (node.operator === "*") {
        const f = isNumber(r) ? of(l) : isNumber(l) ? of(r) : undefined;
        return f && scalable.has(f) ? f : undefined;
      }
      return undefined;
    }
    case "ConditionalExpression": {
      const [a, b] = [node.consequent, node.alternate];
      if (isNull(a)) return of(b);
      if (isNull(b)) return of(a);
      const f = of(a);
      return f === of(b) ? f : undefined;
    }
    case "CallExpression": {
      const fn = (node.callee as ExpressionNode | undefined)?.name ?? "";
      const args = (node.arguments as ExpressionNode[] | undefined) ?? [];
      const f = args[0] ? of(args[0]) : undefined;
      if (["count", "distinct", "valid", "invalid", "row_number", "rank", "dense_rank"].includes(fn)) return "count";
      if (fn === "sum") return f && summable.has(f) ? f : undefined;
      if (["mean", "average", "median", "quantile"].includes(fn)) return f && averageable.has(f) ? f : undefined;
      if (["min", "max", "any", "mode", "first_value", "last_value", "lag", "lead", "abs"].includes(fn)) return f;
      if (["round", "floor", "ceil"].includes(fn)) return f && (summable.has(f) && f !== "number") ? f : undefined;
      return undefined;
    }
    default:
      return undefined;
  }
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
  // A table left in the engine (a row per customer at scale) is not pulled into Arquero.
  refuseEngineTable(r, table, what);
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
