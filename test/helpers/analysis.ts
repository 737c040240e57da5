// Run an analysis on hand-built rows through the real path: rows are loaded into DuckDB
// with their role's canonical types, the analysis's SQL reductions run, then `compute`.

import { createEngine } from "../../src/data/engine.js";
import { canonicalType, type Role } from "../../src/data/roles.js";
import { resolveParams } from "../../src/analysis/params.js";
import { definitionOf, runAnalysis } from "../../src/analysis/run.js";
import type { Analysis, AnalysisContext, AnalysisResult, Row } from "../../src/analysis/types.js";
import { parsePeriod } from "../../src/util/period.js";

const duckType = { string: "VARCHAR", date: "DATE", number: "DOUBLE", integer: "BIGINT", boolean: "BOOLEAN" } as const;

export async function runOnRows(
  analysis: Analysis,
  data: Partial<Record<Role, Row[]>>,
  params: Record<string, unknown> = {},
  ctx: Omit<Partial<AnalysisContext>, "period"> & { period?: AnalysisContext["period"] | string } = {},
): Promise<AnalysisResult> {
  const engine = await createEngine();
  try {
    const fields: AnalysisContext["fields"] = {};
    for (const [role, rows] of Object.entries(data) as [Role, Row[]][]) {
      const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
      const columns: Record<string, string> = {};
      for (const n of names) {
        const t = canonicalType(role, n) ?? (rows.some((r) => typeof r[n] === "number") ? "number" : "string");
        columns[n] = duckType[t];
      }
      await engine.loadRows(role, columns, rows);
      fields[role] = names;
    }
    const period = typeof ctx.period === "string" ? parsePeriod(ctx.period) : ctx.period ?? parsePeriod("2026-10");
    const full: AnalysisContext = { locale: "en-US", currency: "USD", churn: { kind: "subscriptions" }, ...ctx, period, fields: { ...fields, ...ctx.fields } };
    return await runAnalysis(engine, analysis, resolveParams(analysis, params), full);
  } finally {
    engine.close();
  }
}

/** Turns rows into {column: values}, Arquero-test style, for compact assertions. */
export function columns(rows: Row[]): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const r of rows) for (const [k, v] of Object.entries(r)) (out[k] ??= []).push(v);
  return out;
}

/** An analysis's definition text with its default params (as `churnbook analyses` would state it). */
export function defaultDefinition(analysis: Analysis, ctx: Partial<AnalysisContext> = {}): Record<"zh-CN" | "en-US", string> {
  // The data a definition is planned for: a subscriptions book with MRR, purchases and customers.
  const fields = { subscriptions: ["customer_id", "start_date", "end_date", "mrr", "plan"], transactions: ["customer_id", "date", "amount"], customers: ["customer_id", "region"] };
  const full: AnalysisContext = { locale: "en-US", currency: "USD", churn: { kind: "subscriptions" }, period: parsePeriod("2026-10"), fields, ...ctx };
  return definitionOf(analysis, resolveParams(analysis, {}), full);
}

/** An analysis's plan for these params, in a context like runOnRows's (a subscriptions book with MRR by default). */
export function planFor<P, L>(analysis: Analysis<P, L>, params: Record<string, unknown> = {}, ctx: Partial<AnalysisContext> = {}): L {
  const full: AnalysisContext = { locale: "en-US", currency: "USD", churn: { kind: "subscriptions" }, period: parsePeriod("2026-10"), fields: { subscriptions: ["customer_id", "start_date", "end_date", "mrr"] }, ...ctx };
  return analysis.plan(resolveParams(analysis, params), full);
}

/**
 * A plan stand-in for the default-chart tests: a chart reads only its params (as \`p\` or \`params\`)
 * and the context's locale from the plan.
 */
export function chartPlan(params: unknown, ctx: unknown): never {
  return { p: params, params, ctx } as never;
}

/** A stand-in analysis for render and runner tests: no data, no SQL; tests add the outputs, chart or notes they exercise. */
export function fakeAnalysis(extra: Partial<Analysis> = {}): Analysis {
  return {
    id: "fake",
    title: { "zh-CN": "示例分析", "en-US": "Example analysis" },
    summary: { "zh-CN": "", "en-US": "" },
    definition: { "zh-CN": "", "en-US": "" },
    params: {} as Analysis["params"],
    needs: [],
    plan: () => ({}),
    reductions: () => ({}),
    compute: () => ({ scalars: {}, tables: {} }),
    mainTable: "rows",
    ...extra,
  };
}
