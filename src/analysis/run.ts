// Running one analysis: check the roles and fields it needs, send its SQL reductions to
// the engine, then call its pure `compute`. The result is checked to be plain data.

import type { Engine } from "../data/engine.js";
import { ChurnbookError } from "../util/errors.js";
import { isParamNeed, type Analysis, type AnalysisContext, type AnalysisResult, type Localized, type ParamNeed, type RoleNeed, type Row, type Value } from "./types.js";

/**
 * Runs one analysis. `shared` (one per report run) holds the rows of reductions already run:
 * cells that ask the engine the same SQL get the same rows, which analyses never mutate.
 */
export async function runAnalysis<P>(engine: Engine, analysis: Analysis<P>, params: P, ctx: AnalysisContext, shared?: Map<string, Row[]>): Promise<AnalysisResult> {
  checkNeeds(analysis, ctx, params as Record<string, unknown>);
  const data: Record<string, Row[]> = {};
  // The reductions are written in the engine's dialect, whatever the caller's context says.
  for (const [name, sql] of Object.entries(analysis.reductions(params, { ...ctx, dialect: engine.dialect }))) {
    let rows = shared?.get(sql);
    if (!rows) {
      rows = await engine.query(sql);
      shared?.set(sql, rows);
    }
    data[name] = rows;
  }
  return plainResult(analysis.compute(data, params, ctx));
}

/** The analysis's definition text for the params it ran with (and its result's facts, when known). */
export function definitionOf<P>(analysis: Analysis<P>, params: P, ctx: AnalysisContext, result: AnalysisResult | null = null): Localized {
  return typeof analysis.definition === "function" ? analysis.definition(params, ctx, result) : analysis.definition;
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

/** Replaces non-finite numbers by null and freezes nothing: results go straight to JSON. */
export function plainResult(result: AnalysisResult): AnalysisResult {
  const fix = (v: Value): Value => (typeof v === "number" && !Number.isFinite(v) ? null : v);
  const scalars: Record<string, Value> = {};
  for (const [k, v] of Object.entries(result.scalars)) scalars[k] = fix(v);
  const tables: Record<string, Row[]> = {};
  for (const [name, rows] of Object.entries(result.tables)) {
    tables[name] = rows.map((r) => {
      const o: Row = {};
      for (const [k, v] of Object.entries(r)) o[k] = fix(v as Value);
      return o;
    });
  }
  return { ...result, scalars, tables };
}
