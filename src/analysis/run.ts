// Running one analysis: check the roles and fields it needs, send its SQL reductions to
// the engine, then call its pure `compute`. The result is checked to be plain data.

import type { Engine } from "../data/engine.js";
import { ChurnbookError } from "../util/errors.js";
import { isParamNeed, type Analysis, type AnalysisContext, type AnalysisResult, type Localized, type ParamNeed, type ProductNeed, type RoleNeed, type Row, type Value } from "./types.js";
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
  plan: Map<string, unknown>;
}

export function runShared(): RunShared {
  return { rows: new Map(), products: new Map(), plan: new Map() };
}

const needKey = (need: ProductNeed, ctx: AnalysisContext) => JSON.stringify([need.product.id, need.params, ctx]);

/**
 * Merges the products that the run's analysis cells will ask for (Product.merge), so that each
 * mergeable product is computed once for every cell that needs a part of it — the period
 * aggregates of churn-summary, churn-trend and leaky-bucket in one SQL pass. `cells` gives
 * each cell's needs (analysis.products with its params); a cell whose analysis or params do not
 * resolve is left out here (it fails when it runs, at its own line).
 */
export function planProducts(shared: RunShared, cells: (() => Record<string, ProductNeed> | undefined)[], ctx: AnalysisContext): void {
  const groups: ProductNeed[] = [];
  const members: [string, number][] = [];
  for (const needsOf of cells) {
    let needs: ProductNeed[];
    try {
      needs = Object.values(needsOf() ?? {});
    } catch {
      continue;
    }
    for (const need of needs) {
      const merge = need.product.merge;
      if (!merge) continue;
      let g = groups.findIndex((x) => x.product.id === need.product.id && merge(x.params, need.params) !== null);
      if (g < 0) g = groups.push({ ...need }) - 1;
      else groups[g] = { product: need.product, params: merge(groups[g]!.params, need.params) };
      members.push([needKey(need, ctx), g]);
    }
  }
  for (const [key, g] of members) shared.plan.set(key, groups[g]!.params);
}

/** Runs one analysis: its products (computed once per `shared`), its reductions, then compute. */
/**
 * The analyses whose SQL is portable (data/dialects/) and checked equal on DuckDB and PostgreSQL
 * (test/e2e/postgres.test.ts runs the flagship's; the others were compared on the same data). The
 * rest still use DuckDB functions: on another engine they are refused, never run half-ported.
 */
const portable = new Set(["rfm", "cpm", "deciles", "segments", "customer-value", "cohort-revenue", "churn-summary", "churn-trend", "leaky-bucket", "mrr-movements", "cohort-retention", "early-churn", "cohort-projection", "churn-reasons", "churned-value", "survival", "hazard", "cox", "churn-drivers", "churn-model", "risk-list", "playbook"]);

export async function runAnalysis<P>(engine: Engine, analysis: Analysis<P>, params: P, ctx: AnalysisContext, shared: RunShared = runShared()): Promise<AnalysisResult> {
  if (engine.dialect.name !== "duckdb" && !portable.has(analysis.id)) {
    throw new ChurnbookError("engine-unsupported", `analysis "${analysis.id}" does not run on ${engine.dialect.name} yet (its SQL still uses DuckDB functions)`, {
      hint: `analyses that run there: ${[...portable].sort().join(", ")}; or export the tables to files (CSV or Parquet) for DuckDB`,
    });
  }
  checkNeeds(analysis, ctx, params as Record<string, unknown>);
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
  // The reductions are written in the engine's dialect, whatever the caller's context says.
  const sqlCtx = { ...ctx, dialect: engine.dialect };
  const products: Record<string, unknown> = {};
  for (const [name, need] of Object.entries(analysis.products?.(params, ctx) ?? {})) {
    // The params planned for the whole run when the need was merged with others' (planProducts).
    const q = shared.plan.has(needKey(need, ctx)) ? shared.plan.get(needKey(need, ctx)) : need.params;
    const reductions = need.product.reductions(q, sqlCtx);
    // The context too: its locale and currency reach texts and money signs, not the SQL.
    const key = JSON.stringify([need.product.id, q, reductions, ctx]);
    if (!shared.products.has(key)) shared.products.set(key, need.product.compute(await fetch(reductions), q, ctx));
    products[name] = shared.products.get(key);
  }
  return plainResult(analysis.compute(await fetch(analysis.reductions(params, sqlCtx)), params, ctx, products));
}

/** Every SQL text an analysis sends with these params: its own reductions and its products'. */
export function reductionSql<P>(analysis: Analysis<P>, params: P, ctx: AnalysisContext): string[] {
  const own = Object.values(analysis.reductions(params, ctx));
  const products = Object.values(analysis.products?.(params, ctx) ?? {}).flatMap((n) => Object.values(n.product.reductions(n.params, ctx)));
  return [...own, ...products];
}

/** The analysis's definition text for the params it ran with (and its result's facts, when known). */
export function definitionOf<P>(analysis: Analysis<P>, params: P, ctx: AnalysisContext, result: AnalysisResult | null = null): Localized {
  return typeof analysis.definition === "function" ? analysis.definition(params, ctx, result) : analysis.definition;
}

/**
 * An analysis's definition as the appendix prints it: `plain`, its metrics in words a manager
 * reads (the catalogue's plainDefinitions); `full`, those words followed by the exact definition
 * (formulas, model details). An analysis without plain words (a transform cell's pseudo-analysis)
 * prints its definition as it is at both levels.
 */
export function appendixDefinition<P>(analysis: Analysis<P>, params: P, ctx: AnalysisContext, result: AnalysisResult | null, level: "plain" | "full"): string {
  const plain = (msg(ctx.locale).plainDefinitions as Record<string, string | undefined>)[analysis.id];
  const exact = definitionOf(analysis, params, ctx, result)[ctx.locale];
  if (plain === undefined) return exact;
  return level === "plain" ? plain : [plain, exact].filter(Boolean).join("\n");
}

/** Throws a clear error naming the missing role or field and the fields that exist. */
export function checkNeeds(analysis: Analysis, ctx: AnalysisContext, params: Record<string, unknown> = {}): void {
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
