// Products shared between analyses (analysis/types.ts Product): computed once per report run, by
// the runner, for every cell that asks for the same one.

import { join } from "node:path";
import { Type } from "@sinclair/typebox";
import { describe, expect, it, vi } from "vitest";
import type { Engine } from "../../src/data/engine.js";
import { duckdb } from "../../src/data/dialects/duckdb.js";
import { parseReportText } from "../../src/runner/definitions.js";
import { planAnalysis, planProducts, runAnalysis, runShared } from "../../src/analysis/run.js";
import { resolveParams } from "../../src/analysis/params.js";
import { churnSummary } from "../../src/analysis/churn-summary.js";
import { churnTrend } from "../../src/analysis/churn-trend.js";
import { leakyBucket } from "../../src/analysis/leaky-bucket.js";
import type { PeriodAggregateParams } from "../../src/analysis/period-metrics/sql.js";
import type { Analysis, AnalysisContext, Product } from "../../src/analysis/types.js";
import { runReport } from "../../src/runner/run.js";
import { parsePeriod } from "../../src/util/period.js";

// Counts the churn model's fits: train() of the prediction pipeline, wrapped.
const fits = vi.hoisted(() => ({ count: 0 }));
vi.mock("../../src/analysis/predict/pipeline.js", async (importOriginal) => {
  const orig = await importOriginal<typeof import("../../src/analysis/predict/pipeline.js")>();
  return { ...orig, train: (...args: Parameters<typeof orig.train>) => (fits.count++, orig.train(...args)) };
});

describe("products", () => {
  const ctx: AnalysisContext = { period: parsePeriod("2026-10"), locale: "en-US", currency: "USD", churn: { kind: "subscriptions" }, fields: {} };
  // The period analyses check, when planned, that the subscriptions they read are there.
  const periodCtx: AnalysisContext = { ...ctx, fields: { subscriptions: ["customer_id", "start_date", "end_date", "mrr"] } };
  // A stand-in engine: the products under test ask it nothing.
  const engine = { query: async () => [], dialect: duckdb } as unknown as Engine;
  let computed = 0;
  const doubled: Product<{ n: number }, number> = { id: "doubled", reductions: () => ({}), compute: (_d, q) => (computed++, 2 * q.n) };
  const user = (id: string): Analysis<{ n: number }> => ({
    id,
    title: { "zh-CN": id, "en-US": id },
    summary: { "zh-CN": id, "en-US": id },
    definition: { "zh-CN": id, "en-US": id },
    params: Type.Object({ n: Type.Integer() }),
    needs: [],
    plan: (p) => p,
    reductions: () => ({}),
    products: (p) => ({ twice: { product: doubled, params: { n: p.n } } }),
    compute: (_d, _p, products) => ({ scalars: { value: products!.twice as number }, tables: {} }),
    mainTable: "none",
  });

  it("are computed once per run for the same params, again for other params or another run", async () => {
    const shared = runShared();
    const a = await runAnalysis(engine, user("a"), { n: 3 }, ctx, shared);
    const b = await runAnalysis(engine, user("b"), { n: 3 }, ctx, shared);
    expect([a.scalars.value, b.scalars.value, computed]).toEqual([6, 6, 1]);
    expect((await runAnalysis(engine, user("b"), { n: 4 }, ctx, shared)).scalars.value).toBe(8);
    await runAnalysis(engine, user("a"), { n: 3 }, ctx);
    expect(computed).toBe(3);
  });

  it("the period aggregates of churn-summary, churn-trend and leaky-bucket are planned as one list: the trend's", () => {
    const shared = runShared();
    const cells = ([churnSummary, churnTrend, leakyBucket] as Analysis[]).map((a) => planAnalysis(a, resolveParams(a, a === churnTrend ? { periods: 12 } : {}), periodCtx));
    planProducts(shared, cells);
    const planned = [...new Set(shared.merged.values())] as PeriodAggregateParams[];
    expect(planned).toHaveLength(1);
    const labels = planned[0]!.periods.map((p) => p.label);
    expect(labels).toHaveLength(24); // 2024-11 … 2026-10: the trend's 12 periods and its year of lookback
    expect([labels[0], labels[23]]).toEqual(["2024-11", "2026-10"]);
    // Another include_free cannot share the list.
    const other = runShared();
    planProducts(other, [cells[0]!, planAnalysis(churnTrend, resolveParams(churnTrend, { include_free: true }), periodCtx)]);
    expect(new Set(other.merged.values()).size).toBe(2);
  });

  it("the churn model of risk-list and playbook is trained once per report run", async () => {
    const report = parseReportText(
      `title: Risk
locale: en-US
datasets:
  customers: { path: ../data/acme/customers.csv }
  subscriptions: { path: ../data/acme/subscriptions.csv }
  transactions: { path: ../data/acme/transactions.csv }
  tickets: { path: ../data/acme/tickets.csv }
cells:
  - { id: risk, analysis: risk-list }
  - { id: plays, analysis: playbook }
  - { id: risk2, analysis: risk-list, params: { top: 5 } }
`,
      join(import.meta.dirname, "..", "..", "reports", "products.yaml"),
    );
    fits.count = 0;
    const run = await runReport(report, { overrides: { period: "2026-10" }, now: new Date("2026-11-25T00:00:00Z") });
    expect(fits.count).toBe(1);
    const risk = run.results.get("risk")!.result, plays = run.results.get("plays")!.result;
    expect(risk.scalars.scored_customers).toBeGreaterThan(0);
    // One model: the same probabilities in both tables.
    const p = new Map(risk.tables.risk_list!.map((r) => [r.customer_id, r.probability]));
    expect(plays.tables.assignments!.length).toBeGreaterThan(0);
    for (const a of plays.tables.assignments!) expect(a.probability).toBe(p.get(a.customer_id));
    expect(run.results.get("risk2")!.result.tables.top).toEqual(risk.tables.top!.slice(0, 5));
    await runReport(report, { overrides: { period: "2026-10" }, now: new Date("2026-11-25T00:00:00Z") });
    expect(fits.count).toBe(2);
  }, 120_000);
});
