// The contract every analysis meets. An analysis is data — an id, a params schema, the dataset
// roles and fields it needs, its declared outputs — and stages: `plan` resolves the params and
// the context once, `reductions` declares the SQL it asks of the engine, `products` the shared
// computations it uses, and a pure `compute` turns their (compact) rows into the result, which
// `definition` and `chart` describe. Results are plain data: `{scalars, tables}`.

import type { TObject } from "@sinclair/typebox";
import type { Role } from "../data/roles.js";
import type { Period } from "../core/vocabulary.js";
import type { Dialect } from "../data/dialects/types.js";

// The shared vocabulary lives in core/; re-exported here for the analyses and their users.
export { locales, type ChurnBasis, type Locale, type Localized, type ReturnsConvention, type Row, type Value } from "../core/vocabulary.js";
import type { ChurnBasis, Locale, Localized, ReturnsConvention, Row, Value } from "../core/vocabulary.js";

/**
 * The result of an analysis. Tables are arrays of rows with snake_case keys in a declared
 * order (the first row's key order is the column order); dates are ISO strings, missing
 * values are null, never NaN or Infinity.
 */
export interface AnalysisResult {
  scalars: Record<string, Value>;
  tables: Record<string, Row[]>;
  /**
   * Tables that stay in the engine (see EngineTable), by table name: `tables[name]` then holds
   * only their head, and the runner streams the whole table from the engine into the outputs.
   */
  engineTables?: Record<string, EngineTable>;
  /** Messages for the reader (e.g. "no customers at the start of the period"). */
  notes?: string[];
}

/**
 * A table too long to hold in JavaScript — one row per customer at a million customers — that
 * stays in the engine: the analysis returns the query that gives it instead of its rows.
 *
 * - `sql` is a SELECT over the role tables, like a reduction, giving the whole table: the same
 *   columns in the same order as `tables[name]`, with plain values (dates as ISO text), sorted
 *   by an ORDER BY that breaks every tie (the outputs are deterministic).
 * - `rowCount` is its number of rows, counted by a reduction of the analysis.
 * - `tables[name]` holds the head: the query's first rows (at most `engineTableHead`, all of
 *   them when the table is shorter), computed by a reduction with the same ORDER BY and a LIMIT.
 *   Charts, KPIs and report tables read the head: a table cell may show its first rows (a
 *   `limit:` up to the head's length, no `sort:`), and anything that needs more of a longer table
 *   (a chart, a sort, a transform, the whole table in a cell) is refused with a located error.
 * - The runner (runner/engine-tables.ts) runs `sql` once, right after the analysis, streaming it
 *   in batches into a spool file (in the cache folder, or a temporary one): tables/<cell>.csv and
 *   tables.xlsx are written from that file with the same cell formatting and formula
 *   neutralisation as rows held in JavaScript. A cached result is used only while its spool
 *   file exists; without it the analysis runs again.
 */
export interface EngineTable {
  sql: string;
  rowCount: number;
}

/** The most rows an engine table's head (`tables[name]`) holds. */
export const engineTableHead = 1000;

/** What the runner knows when it runs an analysis. */
export interface AnalysisContext {
  /** The report period (the period under analysis). */
  period: Period;
  locale: Locale;
  currency: string;
  churn: ChurnBasis;
  /** Returns and cancellations in money figures (default "net"). */
  returns?: ReturnsConvention;
  /** The fields available in each loaded role (canonical names plus attributes). */
  fields: Partial<Record<Role, string[]>>;
  /** The SQL dialect of the engine the reductions run on (default DuckDB): read it with
   * `dialectOf(ctx)` (data/dialects/) for the pieces of SQL that differ between engines. */
  dialect?: Dialect;
}

export interface RoleNeed {
  role: Role;
  /** Fields that must be present. */
  fields: string[];
  /** Fields used when present. */
  optional?: string[];
}

/** A param that stands in for data when set (e.g. survivor counts given on the command line). */
export interface ParamNeed {
  param: string;
}

export type Need = RoleNeed | ParamNeed;

export function isParamNeed(n: Need): n is ParamNeed {
  return "param" in n;
}

export { outputFormats, outputTypes, type OutputFormat, type OutputType } from "../core/vocabulary.js";
import type { OutputFormat, OutputType } from "../core/vocabulary.js";

export interface ScalarDecl {
  /** One type, or the types a value may take (e.g. the mixed value column of a card). */
  type: OutputType | OutputType[];
  format?: OutputFormat;
  unit?: string;
  description: Localized;
  /** Present only with some params or data. */
  optional?: true;
}

export interface ColumnDecl {
  type: OutputType | OutputType[];
  format?: OutputFormat;
  /** What the column means (docs/analyses.md); also the table header unless `label` is given. */
  description?: Localized;
  /** The table header, when the description is longer than a header should be. */
  label?: Localized;
  /** Why a value of the column can be missing (null, printed "—"): the footnote under a table that shows one. */
  missing?: Localized;
  optional?: true;
}

export interface TableDecl {
  description: Localized;
  columns: Record<string, ColumnDecl>;
  /** Present only with some params or data. */
  optional?: true;
  /** Columns named after the data (e.g. one per attribute value or per age): not declared one by one. */
  openColumns?: true;
}

/** The declared shape of an analysis's result: checked against every result in the tests. */
export interface AnalysisOutputs {
  scalars: Record<string, ScalarDecl>;
  tables: Record<string, TableDecl>;
}

/**
 * A computed product that several analyses share — the trained churn model that scores the
 * active base for risk-list and playbook: its own SQL reductions and a pure computation over
 * their rows. An analysis asks for it in `products`; the runner computes each distinct product
 * (id, params and SQL) once per report run and hands the value to every analysis that asks.
 */
export interface Product<Q = any, T = unknown> {
  id: string;
  reductions(params: Q, ctx: AnalysisContext): Record<string, string>;
  compute(data: Record<string, Row[]>, params: Q, ctx: AnalysisContext): T;
  /**
   * Tables the product leaves in the engine for the analyses that use it (name → the SELECT that
   * fills it): the runner creates them as the session's temporary tables right after compute, so
   * that per-customer results stay in the engine and the analyses query only what they show.
   */
  tables?(value: T, params: Q, ctx: AnalysisContext): Record<string, string>;
  /**
   * Params that serve two needs with one computation (e.g. the union of two period lists), or
   * null when they cannot share one. The runner merges a run's needs ahead of its cells, so a
   * product asked for by several cells is computed once, for all of them.
   */
  merge?(a: Q, b: Q): Q | null;
}

/** One product an analysis uses, with the params it is computed with. */
export interface ProductNeed<Q = any, T = unknown> {
  product: Product<Q, T>;
  params: Q;
}

/**
 * What the stages after `plan` know of the run: the context without the report period. An
 * analysis resolves its period (and the previous, last-year and as-of dates, the cohorts…) once,
 * in `plan`; a later stage cannot reach for `ctx.period` to resolve it again — the type does not
 * offer it, and `runContext` leaves it out at run time too.
 */
export type RunContext = Omit<AnalysisContext, "period">;

/** The run context without its period (see RunContext), for a plan to carry. */
export function runContext(ctx: AnalysisContext): RunContext {
  const { period: _period, ...rest } = ctx;
  return rest;
}

/** What every analysis has besides its stages: what `churnbook analyses`, validate and the renderer read. */
export interface AnalysisInfo {
  /** kebab-case id, equal to the file name. */
  id: string;
  title: Localized;
  /** One line for `churnbook analyses`. */
  summary: Localized;
  /** TypeBox object schema of the params, with defaults and descriptions. */
  params: TObject;
  /** Roles needed. An inner array means "one of these"; a param alternative is met when set. */
  needs: Array<Need | Need[]>;
  /** The table printed by `analyze --format csv` and shown by a table cell by default. */
  mainTable: string;
  /**
   * The declared outputs: every scalar and table (with its columns) the result may hold, with
   * type, format and meaning. Every analysis of the registry declares them (the contract test
   * checks results against them); only the runner's pseudo-analyses of transform cells, whose
   * tables have no declared shape, leave them out.
   */
  outputs?: AnalysisOutputs;
}

/**
 * An analysis, in stages (the way Vega-Lite parses a spec once and compiles the parsed model):
 *
 * 1. `plan(params, ctx)` validates and resolves everything once — the period and its previous and
 *    last-year periods, cohorts, the as-of date, the revenue basis, thresholds — into the plan L,
 *    which carries what the later stages need of the context (a RunContext: no period to resolve
 *    again). Its errors are ChurnbookErrors, raised before any SQL runs. The runner calls it once
 *    per cell and hands the same plan to every later stage.
 * 2. `reductions(plan)` only declares SQL; `products(plan)` declares the shared products it uses.
 * 3. `compute(rows, plan, products)` is pure.
 * 4. `definition(plan, result)` and `chart(result, plan)` read the plan too.
 *
 * Write one with `defineAnalysis`, which infers P and L from `plan`'s annotated signature.
 */
export interface Analysis<P = any, L = any> extends AnalysisInfo {
  plan(params: P, ctx: AnalysisContext): L;
  /** SQL reductions over the role tables (named after their role), keyed by name. */
  reductions(plan: L): Record<string, string>;
  /** Computed products the analysis uses, by name (see Product); their values reach compute. */
  products?(plan: L): Record<string, ProductNeed>;
  /** SQL reductions over what its products computed (e.g. their tables in the engine), run with
   * the plain reductions; their rows reach compute under their names too. */
  productReductions?(plan: L, products: Record<string, unknown>): Record<string, string>;
  /** Pure computation over the reductions' rows (and the values of the products it asked for). */
  compute(data: Record<string, Row[]>, plan: L, products?: Record<string, unknown>): AnalysisResult;
  /**
   * The exact definition of every metric, printed in the report's appendix. A function gets the
   * plan the cell ran with and its result (facts of the data, such as a computed threshold; null
   * when there is none), so the appendix states what was computed rather than the defaults.
   */
  definition: Localized | ((plan: L, result: AnalysisResult | null) => Localized);
  /** The default chart (a declarative Plot spec over the result's tables), if any. */
  chart?(result: AnalysisResult, plan: L): import("../charts/spec.js").ChartSpec | null;
}

/** An analysis, typed from its plan stage: P from `plan`'s params, L from what it returns. */
export function defineAnalysis<P, L>(analysis: Analysis<P, L>): Analysis<P, L> {
  return analysis;
}
