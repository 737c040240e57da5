import { describe, expect, it } from "vitest";
import { renderChart } from "../../src/charts/index.js";
import { leakyBucket } from "../../src/analysis/leaky-bucket.js";
import { resolveParams } from "../../src/analysis/params.js";
import { runAnalysis } from "../../src/analysis/run.js";
import type { AnalysisContext, Row } from "../../src/analysis/types.js";
import { waterfallBars } from "../../src/charts/waterfall.js";
import { columns, planFor, runOnRows } from "../helpers/analysis.js";
import { sub, subscriptions } from "./fixtures/subscription-book.js";
import { withRavenstack } from "./fixtures/ravenstack.js";

// Subscriptions (end exclusive; null = open), report period 2026-10:
//   A 01-01 → open 100; B 01-01 → 10-15 50 (churn); C 10-05 → open 30 (new);
//   D 01-01 → 06-01 40 and 10-10 → open 60 (reactivated); E 10-03 → 10-20 20 (joins and leaves);
//   F 02-01 → 10-15 100 and 10-15 → open 150 (expansion); G 03-01 → 10-20 80 and 10-20 → open 60 (contraction);
//   H 01-01 → open 0 (free, left out); I 01-01 → 10-05 70 and 10-20 → open 70 (churns and comes back).
// October by hand: customers 5 + in (new 2: C E, reactivated 2: D I) − out (churned 3: B E I) = 6;
// MRR 400 + in (new 30, expansion 50, reactivation 60) − out (contraction 20, churn 50) = 470.
// June: 6 at start, D churns → 5 (MRR 440 → 400); July–September: 5 → 5, nothing moves.

describe("leaky-bucket", () => {
  it("waterfall of the report period for customers and revenue", async () => {
    const r = await runOnRows(leakyBucket, { subscriptions });
    const w = r.tables.waterfall!;
    const cust = columns(w.filter((x) => x.measure === "customers"));
    expect(cust.step).toEqual(["customers_start", "new_customers", "reactivated_customers", "churned_customers", "customers_end"]);
    expect(cust.value).toEqual([5, 2, 2, -3, 6]);
    expect(cust.kind).toEqual(["start", "in", "in", "out", "end"]);
    expect(cust.label).toEqual(["Customers at start", "New", "Reactivated", "Churned", "Customers at end"]);
    const rev = columns(w.filter((x) => x.measure === "revenue"));
    expect(rev.value).toEqual([400, 30, 50, 60, -20, -50, 470]);
    expect(rev.kind).toEqual(["start", "in", "in", "in", "out", "out", "end"]);
    expect(r.scalars).toMatchObject({ customers_in: 4, customers_out: 3, net_customers: 1, mrr_in: 140, mrr_out: 70, net_new_mrr: 70 });
    // The chart's waterfall bars climb from 5 to 6 without a warning.
    const { bars, warnings } = waterfallBars(w.filter((x) => x.measure === "customers"), { x: "label" });
    expect(warnings).toEqual([]);
    expect(bars.map((b) => b.y2)).toEqual([5, 7, 9, 6, 6]);
  });

  it("per-period in/out flows for the trend", async () => {
    const r = await runOnRows(leakyBucket, { subscriptions }, { periods: 5 });
    const f = columns(r.tables.flows!);
    expect(f.period).toEqual(["2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]);
    expect(f.customers_in).toEqual([0, 0, 0, 0, 4]);
    expect(f.customers_out).toEqual([1, 0, 0, 0, 3]);
    expect(f.net_customers).toEqual([-1, 0, 0, 0, 1]);
    expect(f.mrr_start).toEqual([440, 400, 400, 400, 400]);
    expect(f.mrr_in).toEqual([0, 0, 0, 0, 140]);
    expect(f.mrr_out).toEqual([40, 0, 0, 0, 70]);
    expect(f.mrr_end).toEqual([400, 400, 400, 400, 470]);
  });

  it("localised default chart: a customer waterfall", async () => {
    const r = await runOnRows(leakyBucket, { subscriptions }, { periods: 1 }, { locale: "zh-CN" });
    const chart = leakyBucket.chart!(r, planFor(leakyBucket, {}, { locale: "zh-CN" }))!;
    expect(chart.title).toBe("漏水桶：客户流入与流出（2026-10）");
    expect(chart.marks).toEqual([{ mark: "waterfall", data: "waterfall", filter: { measure: "customers" }, options: { x: "label", y: "value", kind: "kind" } }]);
    expect(r.tables.waterfall!.filter((x) => x.measure === "customers").map((x) => x.label)).toEqual(["期初客户", "新增客户", "恢复客户", "流失客户", "期末客户"]);
    // The flows (4 in, 3 out against 5 → 6 customers) are readable from zero: no cut axis, no caption.
    expect(chart.y).toMatchObject({ zero: false });
    expect(chart.caption).toBeUndefined();
  });

  it("default chart: small flows against large totals get a cut axis, noted under the chart", () => {
    const rows: Row[] = [
      { measure: "customers", label: "期初客户", value: 940, kind: "start" },
      { measure: "customers", label: "新增客户", value: 78, kind: "in" },
      { measure: "customers", label: "恢复客户", value: 7, kind: "in" },
      { measure: "customers", label: "流失客户", value: -15, kind: "out" },
      { measure: "customers", label: "期末客户", value: 1010, kind: "end" },
    ];
    const result = { scalars: { period: "2026-10" }, tables: { waterfall: rows } };
    for (const locale of ["zh-CN", "en-US"] as const) {
      const spec = leakyBucket.chart!(result, planFor(leakyBucket, {}, { locale }))!;
      expect(spec.y?.zero).toBe(false);
      const drawn = renderChart(spec, result.tables, { locale, currency: "CNY", fontFamily: "sans-serif" });
      expect(drawn.warnings).toEqual([]);
      expect(drawn.note).toMatch(locale === "zh-CN" ? /纵轴不从零开始/ : /does not start at zero/);
    }
  });

  it("without revenue: customers only", async () => {
    const rows = subscriptions.map(({ customer_id, start_date, end_date }) => ({ customer_id, start_date, end_date }));
    const r = await runOnRows(leakyBucket, { subscriptions: rows }, { periods: 1 });
    expect(r.tables.waterfall!.every((x) => x.measure === "customers")).toBe(true);
    expect(r.tables.flows![0]!.mrr_in).toBeNull();
  });

  it("inactivity basis", async () => {
    // 30 days; last transaction 11-30. October: start a b, new c, reactivated d, churned b → 2 + 2 − 1 = 3.
    // Revenue: September 180 → October 200 (churn 80, new 60, reactivation 40).
    const transactions: Row[] = [
      { customer_id: "a", date: "2026-09-10", amount: 100 },
      { customer_id: "a", date: "2026-10-05", amount: 50 },
      { customer_id: "a", date: "2026-10-25", amount: 50 },
      { customer_id: "b", date: "2026-09-15", amount: 80 },
      { customer_id: "c", date: "2026-10-12", amount: 60 },
      { customer_id: "d", date: "2026-05-01", amount: 40 },
      { customer_id: "d", date: "2026-10-20", amount: 40 },
      { customer_id: "e", date: "2026-11-30", amount: 10 },
    ];
    const r = await runOnRows(leakyBucket, { transactions }, { periods: 1 }, { churn: { kind: "inactivity", days: 30 } });
    const w = r.tables.waterfall!;
    expect(w.filter((x) => x.measure === "customers").map((x) => x.value)).toEqual([2, 1, 1, -1, 3]);
    expect(w.filter((x) => x.measure === "revenue").map((x) => x.value)).toEqual([180, 60, 0, 40, 0, -80, 200])
    expect(Object.is(w.find((x) => x.step === "contraction_mrr")!.value, 0)).toBe(true); // not −0;
    expect(w.find((x) => x.step === "mrr_start")!.label).toBe("Previous period revenue");
  });
});

describe("leaky-bucket on ravenstack (integration)", () => {
  it("flows reconcile for every month of 2024: start + in − out = end, for customers and MRR", async () => {
    await withRavenstack(async (engine, ctxFor) => {
      const ctx = ctxFor("2024-12");
      const r = await runAnalysis(engine, leakyBucket, resolveParams(leakyBucket, {}), ctx);
      const f = r.tables.flows!;
      expect(f).toHaveLength(12);
      for (const x of f) {
        const n = (k: string) => x[k] as number;
        expect(n("customers_end")).toBe(n("customers_start") + n("customers_in") - n("customers_out"));
        expect(n("mrr_end")).toBeCloseTo(n("mrr_start") + n("mrr_in") - n("mrr_out"), 6);
      }
      const w = r.tables.waterfall!.filter((x) => x.measure === "revenue");
      expect(w[0]!.value as number + w.slice(1, -1).reduce((s, x) => s + (x.value as number), 0)).toBeCloseTo(w[w.length - 1]!.value as number, 6);
    });
  });
});
