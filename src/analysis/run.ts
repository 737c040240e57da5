// Running one analysis, stage by stage (types.ts Analysis): plan it once (checking the engine,
// the roles and fields it needs, and its params), send its SQL reductions to the engine, then
// call its pure `compute` with the same plan. The result is checked to be plain data.

import { quoteIdent, type Engine } from "../data/engine.js";
import { ChurnbookError } from "../util/errors.js";
import { isParamNeed, type Analysis, type AnalysisContext, type AnalysisInfo, type AnalysisResult, type Locale, type Localized, type ParamNeed, type ProductNeed, type RoleNeed, type Row, type Value } from "./types.js";
import { msg } from "../locales/index.js";

/**
 * What the cells of one report run share: the rows of reductions already run, by SQL text (cells
 * that ask the engine the same SQL get the same rows), and the products already computed, by
 * product id, params and SQL (see Product). Analyses never mutate either.
 */
export interface RunShared {
  rows: Map<string, Row[]>;
  products: Map<string, unknown>;
  /** Needs merged ahead of the run (planProducts): a need's key → the params computed for it. */
  merged: Map<string, unknown>;
}

export function runShared(): RunShared {
  return { rows: new Map(), products: new Map(), merged: new Map() };
}

const needKey = (need: ProductNeed, ctx: AnalysisContext) => JSON.stringify([need.product.id, need.params, ctx]);

/** One cell's analysis with its plan: what every later stage of the cell reads. */
export interface Planned<P = any, L = any> {
  analysis: Analysis<P, L>;
  params: P;
  /** The context the plan was made in (with the dialect of the engine that runs the SQL). */
  ctx: AnalysisContext;
  plan: L;
}

/**
 * The first stage of a cell, run once: checks that the data has the roles and fields the analysis
 * needs (every analysis runs on every engine: data/dialects/), then resolves its plan. Every
 * error here is a user error raised before any SQL runs; the plan then reaches every later stage
 * unchanged.
 */
export function planAnalysis<P, L>(a: Analysis<P, L>, params: P, ctx: AnalysisContext): Planned<P, L> {
  checkNeeds(a, ctx, params as Record<string, unknown>);
  return { analysis: a, params, ctx, plan: a.plan(params, ctx) };
}

/** The products a planned cell asks for (none when the analysis uses none). */
export function productNeeds(cell: Planned): Record<string, ProductNeed> {
  return cell.analysis.products?.(cell.plan) ?? {};
}

/**
 * Merges the products that the run's planned analysis cells will ask for (Product.merge), so that
 * each mergeable product is computed once for every cell that needs a part of it — the period
 * aggregates of churn-summary, churn-trend and leaky-bucket in one SQL pass. A cell whose plan
 * failed is left out by the caller (it fails when it runs, at its own line).
 */
export function planProducts(shared: RunShared, cells: Planned[]): void {
  const groups: ProductNeed[] = [];
  const members: [string, number][] = [];
  for (const cell of cells) {
    for (const need of Object.values(productNeeds(cell))) {
      const merge = need.product.merge;
      if (!merge) continue;
      let g = groups.findIndex((x) => x.product.id === need.product.id && merge(x.params, need.params) !== null);
      if (g < 0) g = groups.push({ ...need }) - 1;
      else groups[g] = { product: need.product, params: merge(groups[g]!.params, need.params) };
      members.push([needKey(need, cell.ctx), g]);
    }
  }
  for (const [key, g] of members) shared.merged.set(key, groups[g]!.params);
}

/** Plans and runs one analysis on an engine (its SQL in the engine's dialect): see runPlanned. */
export async function runAnalysis<P>(engine: Engine, analysis: Analysis<P>, params: P, ctx: AnalysisContext, shared: RunShared = runShared()): Promise<AnalysisResult> {
  return runPlanned(engine, planAnalysis(analysis, params, { ...ctx, dialect: engine.dialect }), shared);
}

/** Runs a planned cell: its products (computed once per `shared`), its reductions, then compute. */
export async function runPlanned(engine: Engine, cell: Planned, shared: RunShared = runShared()): Promise<AnalysisResult> {
  const fetch = async (reductions: Record<string, string>): Promise<Record<string, Row[]>> => {
    const data: Record<string, Row[]> = {};
    for (const [name, sql] of Object.entries(reductions)) {
      let rows = shared.rows.get(sql);
      if (!rows) {
        rows = await engine.query(sql);
        shared.rows.set(sql, rows);
      }
      data[name] = rows;
    }
    return data;
  };
  const { ctx, plan, analysis } = cell;
  const products: Record<string, unknown> = {};
  for (const [name, need] of Object.entries(productNeeds(cell))) {
    // The params planned for the whole run when the need was merged with others' (planProducts).
    const q = shared.merged.has(needKey(need, ctx)) ? shared.merged.get(needKey(need, ctx)) : need.params;
    const reductions = need.product.reductions(q, ctx);
    // The context too: its locale and currency reach texts and money signs, not the SQL.
    const key = JSON.stringify([need.product.id, q, reductions, ctx]);
    if (!shared.products.has(key)) {
      const value = need.product.compute(await fetch(reductions), q, ctx);
      for (const [table, select] of Object.entries(need.product.tables?.(value, q, ctx) ?? {})) {
        for (const statement of engine.dialect.createTemp(quoteIdent(table), select)) await engine.query(statement);
      }
      shared.products.set(key, value);
    }
    products[name] = shared.products.get(key);
  }
  const reductions = { ...analysis.reductions(plan), ...analysis.productReductions?.(plan, products) };
  return plainResult(analysis.compute(await fetch(reductions), plan, products));
}

/** Every SQL text a planned cell sends: its own reductions and its products'. */
export function reductionSql(cell: Planned): string[] {
  const own = Object.values(cell.analysis.reductions(cell.plan));
  const products = Object.values(productNeeds(cell)).flatMap((n) => Object.values(n.product.reductions(n.params, cell.ctx)));
  return [...own, ...products];
}

/** The analysis's definition text for the plan it ran with (and its result's facts, when known). */
export function describePlan<L>(analysis: Analysis<any, L>, plan: L, result: AnalysisResult | null = null): Localized {
  return typeof analysis.definition === "function" ? analysis.definition(plan, result) : analysis.definition;
}

/** The definition text for these params and context (planned here: `churnbook analyses`, tests). */
export function definitionOf<P>(a: Analysis<P>, params: P, ctx: AnalysisContext, result: AnalysisResult | null = null): Localized {
  // A fixed text needs no plan (and so no data to plan against).
  return typeof a.definition === "function" ? a.definition(a.plan(params, ctx), result) : a.definition;
}

/**
 * An analysis's definition as the appendix prints it: `plain`, its metrics in words a manager
 * reads (the catalogue's plainDefinitions); `full`, those words followed by the exact definition
 * (formulas, model details). An analysis without plain words (a transform cell's pseudo-analysis)
 * prints its definition as it is at both levels.
 */
export function appendixDefinition<L>(analysis: Analysis<any, L>, plan: L, locale: Locale, result: AnalysisResult | null, level: "plain" | "full"): string {
  const plain = (msg(locale).plainDefinitions as Record<string, string | undefined>)[analysis.id];
  const exact = describePlan(analysis, plan, result)[locale];
  if (plain === undefined) return exact;
  return level === "plain" ? plain : [plain, exact].filter(Boolean).join("\n");
}

/** Throws a clear error naming the missing role or field and the fields that exist. */
export function checkNeeds(analysis: AnalysisInfo, ctx: AnalysisContext, params: Record<string, unknown> = {}): void {
  for (const need of analysis.needs) {
    const alternatives = Array.isArray(need) ? need : [need];
    const set = (n: ParamNeed) => params[n.param] !== undefined && params[n.param] !== null && params[n.param] !== "";
    const met = alternatives.find((n) => (isParamNeed(n) ? set(n) : ctx.fields[n.role] && missingFields(n, ctx).length === 0));
    if (met) continue;
    const options = alternatives.filter((n): n is RoleNeed => !isParamNeed(n));
    const orParam = alternatives.filter(isParamNeed).map((n) => `, or --param ${n.param}=…`).join("");
    const first = options.find((n) => ctx.fields[n.role]) ?? options[0]!;
    const available = ctx.fields[first.role];
    if (!available) {
      throw new ChurnbookError("missing-role", `analysis "${analysis.id}" needs a "${options.map((o) => o.role).join('" or "')}" dataset${orParam}`, {
        hint: `map a dataset to ${options.map((o) => `role ${o.role} (${o.fields.join(", ")})`).join(" or ")}`,
      });
    }
    const missing = missingFields(first, ctx);
    throw new ChurnbookError("missing-field", `analysis "${analysis.id}" needs field${missing.length > 1 ? "s" : ""} ${missing.map((m) => `"${m}"`).join(", ")} in the ${first.role} dataset${orParam}`, {
      hint: `available fields: ${available.join(", ")}; map a column to it, e.g. --map ${first.role}.${missing[0]}=<column>`,
    });
  }
}

function missingFields(need: RoleNeed, ctx: AnalysisContext): string[] {
  const have = ctx.fields[need.role] ?? [];
  return need.fields.filter((f) => !have.includes(f));
}

/**
 * Replaces non-finite numbers by null and freezes nothing: results go straight to JSON. Rows
 * and tables without a non-finite number are kept as they are (no copy of a 10^6-row table).
 */
export function plainResult(result: AnalysisResult): AnalysisResult {
  const bad = (v: unknown) => typeof v === "number" && !Number.isFinite(v);
  const fix = (v: Value): Value => (bad(v) ? null : v);
  const scalars: Record<string, Value> = {};
  for (const [k, v] of Object.entries(result.scalars)) scalars[k] = fix(v);
  const tables: Record<string, Row[]> = {};
  for (const [name, rows] of Object.entries(result.tables)) {
    let out: Row[] | null = null;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      let fixed: Row | null = null;
      for (const k in r) {
        if (bad(r[k])) (fixed ??= { ...r })[k] = null;
      }
      if (fixed) (out ??= rows.slice())[i] = fixed;
    }
    tables[name] = out ?? rows;
  }
  return { ...result, scalars, tables };
}
