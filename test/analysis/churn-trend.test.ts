import { describe, expect, it } from "vitest";
import { churnTrend } from "../../src/analysis/churn-trend.js";
import { resolveParams } from "../../src/analysis/params.js";
import { runAnalysis } from "../../src/analysis/run.js";
import type { AnalysisContext, Row } from "../../src/analysis/types.js";
import { parsePeriod } from "../../src/util/period.js";
import { columns, planFor, runOnRows } from "../helpers/analysis.js";
import { sub, subscriptions } from "./fixtures/subscription-book.js";
import { withRavenstack } from "./fixtures/ravenstack.js";

// Subscriptions (end exclusive; null = open), report period 2026-10:
//   A 01-01 → open 100; B 01-01 → 10-15 50; C 10-05 → open 30; D 01-01 → 06-01 40 and 10-10 → open 60;
//   E 10-03 → 10-20 20; F 02-01 → 10-15 100 and 10-15 → open 150; G 03-01 → 10-20 80 and 10-20 → open 60;
//   H 01-01 → open 0 (free, left out); I 01-01 → 10-05 70 and 10-20 → open 70.
// By hand (free excluded):
//   July, August, September: at start A B F G I = 5, no events, end 5, churn 0, MRR 400 → 400.
//   October: 5 + new 2 (C E) + reactivated 2 (D I) − churned 3 (B E I) = 6; standard churn 1/5;
//            MRR 400 → 470; gross MRR churn 70/400; net −40/400; GRR 0.825; NRR 0.95.
//   June: at start A B D F G I = 6, D churns (06-01) → end 5, churn 1/6.
//   Quarters: Q2 = Apr–Jun: start 6 (A B D F G I), churned 1 (D), end 5; Q3 = Jul–Sep: 5 → 5.
//   2025 (a year earlier): nobody → rates null.

describe("churn-trend", () => {
  it("gives the summary metrics for each of the last N months, with prev_ and ly_ columns", async () => {
    const r = await runOnRows(churnTrend, { subscriptions }, { periods: 5 });
    const t = columns(r.tables.trend!);
    expect(t.period).toEqual(["2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]);
    expect(t.customers_start).toEqual([6, 5, 5, 5, 5]);
    expect(t.new_customers).toEqual([0, 0, 0, 0, 2]);
    expect(t.reactivated_customers).toEqual([0, 0, 0, 0, 2]);
    expect(t.churned_customers).toEqual([1, 0, 0, 0, 3]);
    expect(t.customers_end).toEqual([5, 5, 5, 5, 6]);
    expect(t.churn_rate).toEqual([1 / 6, 0, 0, 0, 0.2]);
    expect(t.retention_rate).toEqual([5 / 6, 1, 1, 1, 0.8]);
    expect(t.growth_rate).toEqual([0, 0, 0, 0, 0.4]);
    expect(t.mrr_start).toEqual([440, 400, 400, 400, 400]);
    expect(t.mrr_end).toEqual([400, 400, 400, 400, 470]);
    expect(t.gross_mrr_churn_rate![4]).toBeCloseTo(0.175, 12);
    expect(t.net_mrr_churn_rate![4]).toBeCloseTo(-0.1, 12);
    expect(t.grr![4]).toBeCloseTo(0.825, 12);
    expect(t.nrr![4]).toBeCloseTo(0.95, 12);
    // prev_ = the column of the row before (and May for June); ly_ = 2025: empty → null.
    expect(t.prev_churn_rate).toEqual([0, 1 / 6, 0, 0, 0]);
    expect(t.prev_customers_start).toEqual([6, 6, 5, 5, 5]);
    expect(t.ly_customers_start).toEqual([0, 0, 0, 0, 0]);
    expect(t.ly_churn_rate).toEqual([null, null, null, null, null]);
    expect(Object.keys(r.tables.trend![0]!).slice(0, 4)).toEqual(["period", "period_start", "period_end", "customers_start"]);
    expect(r.scalars).toMatchObject({ grain: "month", periods: 5, first_period: "2026-06", last_period: "2026-10" });
    expect(r.scalars.mean_churn_rate).toBeCloseTo((1 / 6 + 0.2) / 5, 12);
  });

  it("quarter grain from a month report period ends with the last complete quarter", async () => {
    const r = await runOnRows(churnTrend, { subscriptions }, { periods: 2, grain: "quarter" });
    const t = columns(r.tables.trend!);
    expect(t.period).toEqual(["2026-Q2", "2026-Q3"]);
    expect(t.customers_start).toEqual([6, 5]);
    expect(t.churned_customers).toEqual([1, 0]);
    expect(t.customers_end).toEqual([5, 5]);
    // prev of Q2 is Q1 = [01-01, 04-01): subscriptions starting on 01-01 are not active at the
    // 01-01 boundary (start < b), so Q1 starts with 0 customers; prev of Q3 is Q2 (6).
    expect(t.prev_customers_start).toEqual([0, 6]);
  });

  it("a quarter report period trends by quarter (Q4 has October's events)", async () => {
    const r = await runOnRows(churnTrend, { subscriptions }, { periods: 1 }, { period: parsePeriod("2026-Q4") });
    const [q4] = r.tables.trend!;
    expect([q4!.customers_start, q4!.new_customers, q4!.reactivated_customers, q4!.churned_customers, q4!.customers_end]).toEqual([5, 2, 2, 3, 6]);
    expect(q4!.prev_customers_end).toBe(5);
  });

  it("rolling30 convention and the localised default chart", async () => {
    const r = await runOnRows(churnTrend, { subscriptions }, { periods: 2, convention: "rolling30" }, { locale: "zh-CN" });
    // October: 56/155 (see churn-summary.test.ts); September: base 5, no ends → 0.
    const rates = r.tables.trend!.map((x) => x.churn_rate as number);
    expect(rates[0]).toBe(0);
    expect(rates[1]).toBeCloseTo(56 / 155, 12);
    expect(r.tables.rates!.map((x) => x.label)).toEqual(["客户流失率", "客户保持率", "客户流失率", "客户保持率"]);
    const chart = churnTrend.chart!(r, planFor(churnTrend, {}, { locale: "zh-CN" }))!;
    expect(chart.title).toBe("客户流失率趋势");
    expect(chart.y!.format).toBe("percent");
    // Churn alone on its own scale: retention never shares its 0–100 % axis.
    expect(chart.marks.map((m) => m.filter)).toEqual([{ metric: "churn_rate" }, { metric: "churn_rate" }]);
    expect(chart.marks[0]).toMatchObject({ mark: "lineY", data: "rates" });
    expect(chart.y!.domain).toBeUndefined();
  });

  it("inactivity basis", async () => {
    // 30-day window: a 09-10, 10-05, 10-25 → [09-10, 11-24); b 09-15 → [09-15, 10-15); c 10-12 → [10-12, 11-11);
    // last transaction 10-25, so every end after 10-25 is censored.
    const transactions: Row[] = [
      { customer_id: "a", date: "2026-09-10", amount: 100 },
      { customer_id: "a", date: "2026-10-05", amount: 50 },
      { customer_id: "a", date: "2026-10-25", amount: 50 },
      { customer_id: "b", date: "2026-09-15", amount: 80 },
      { customer_id: "c", date: "2026-10-12", amount: 60 },
    ];
    const r = await runOnRows(churnTrend, { transactions }, { periods: 3 }, { period: parsePeriod("2026-11"), churn: { kind: "inactivity", days: 30 } });
    const t = columns(r.tables.trend!);
    expect(t.period).toEqual(["2026-09", "2026-10", "2026-11"]);
    expect(t.customers_start).toEqual([0, 2, 2]);
    expect(t.new_customers).toEqual([2, 1, 0]);
    expect(t.churned_customers).toEqual([0, 1, 0]); // November ends (11-11, 11-24) lie after the data: not yet
    expect(t.customers_end).toEqual([2, 2, 2]);
    // Period revenue: September a100 b80 = 180; October a100 c60 = 160; November 0.
    expect(t.mrr_start).toEqual([0, 180, 160]); // the previous period's revenue
    expect(t.mrr_end).toEqual([180, 160, 0]);
    expect(t.churn_rate).toEqual([null, 0.5, 0]);
    expect(r.notes!.some((n) => n.includes("2026-09"))).toBe(true);
  });
});

describe("churn-trend on ravenstack (integration)", () => {
  it("every month of 2024 reconciles: end = start + new + reactivated − churned, and chains to the next month", async () => {
    await withRavenstack(async (engine, ctxFor) => {
      const ctx = ctxFor("2024-12");
      for (const include_free of [false, true]) {
        const r = await runAnalysis(engine, churnTrend, resolveParams(churnTrend, { include_free }), ctx);
        const t = r.tables.trend!;
        expect(t.map((x) => x.period)).toEqual(Array.from({ length: 12 }, (_, i) => `2024-${String(i + 1).padStart(2, "0")}`));
        t.forEach((x, i) => {
          const n = (k: string) => x[k] as number;
          expect(n("customers_end")).toBe(n("customers_start") + n("new_customers") + n("reactivated_customers") - n("churned_customers"));
          if (i > 0) {
            expect(n("customers_start")).toBe(t[i - 1]!.customers_end);
            expect(n("mrr_start")).toBeCloseTo(t[i - 1]!.mrr_end as number, 6);
            expect(n("prev_churn_rate")).toBe(t[i - 1]!.churn_rate);
          }
          expect(n("churn_rate")).toBeGreaterThanOrEqual(0);
          expect(n("churn_rate")).toBeLessThanOrEqual(1);
          expect(n("grr")).toBeLessThanOrEqual(1);
        });
        expect(t.reduce((s, x) => s + (x.churned_customers as number), 0)).toBeGreaterThan(0);
      }
    });
  });
});
