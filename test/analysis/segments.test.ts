import { describe, expect, it } from "vitest";
import { segments } from "../../src/analysis/segments.js";
import type { Row } from "../../src/analysis/types.js";
import { renderChart } from "../../src/charts/index.js";
import { parsePeriod } from "../../src/util/period.js";
import { columns, runOnRows, chartPlan } from "../helpers/analysis.js";

const oct = parsePeriod("2026-10");
const inactivity = { period: oct, churn: { kind: "inactivity" as const, days: 30 } };
const c = (customer_id: string, region: string | null, plan: string, age: number): Row => ({ customer_id, region, plan, age, signup_date: "2026-01-01", name: `Customer ${customer_id}` });
const t = (customer_id: string, date: string, amount: number): Row => ({ customer_id, date, amount });

const customers = [c("u1", "North", "pro", 30), c("u2", "North", "basic", 41), c("u3", "North", "pro", 52), c("u4", "South", "basic", 23), c("u5", "South", "basic", 35), c("u6", null, "pro", 60), c("u7", "South", "pro", 44)];
// Inactivity basis, 30 days; period 2026-10-01..2026-11-01; the data's last date L = 2026-10-25.
const tx = [
  t("u1", "2026-09-10", 10), t("u1", "2026-09-20", 10), t("u1", "2026-10-15", 10), // 3 purchase days; spell 09-10..11-14: active at start, not churned
  t("u2", "2026-09-05", 20), // 1; spell 09-05..10-05: active at start, churned 10-05
  t("u3", "2026-08-01", 5), t("u3", "2026-08-01", 5), // 1 purchase day; spell ends 08-31: not active at start
  t("u4", "2026-09-15", 50), t("u4", "2026-09-16", 50), // 2; spell 09-15..10-16: active at start, churned
  t("u5", "2026-10-20", 40), t("u5", "2026-10-25", 40), // 2; new in the period
  t("u7", "2026-09-28", 10), // 1; spell 09-28..10-28: active at start; 10-28 > L → not yet churned (censored)
];

describe("segments", () => {
  it("computes a hand-checked fixture for two attributes", async () => {
    const res = await runOnRows(segments, { customers, transactions: tx }, { min_customers: 1 }, inactivity);
    // region: North u1 u2 u3 — buyers 3, repeaters u1 → 1/3; at start u1 u2, churned u2 → 1/2; value (30 + 20 + 10)/3 = 20
    //         South u4 u5 u7 — buyers 3, repeaters u4 u5 → 2/3; at start u4 u7, churned u4 (u7 censored) → 1/2; value 190/3
    //         null  u6       — no purchases: repeat null, nobody at start: churn null, value 0
    // plan:   pro u1 u3 u6 u7 — buyers 3, repeaters 1 → 1/3; at start u1 u7, churned 0 → 0; value 50/4 = 12.5
    //         basic u2 u4 u5 — buyers 3, repeaters 2 → 2/3; at start u2 u4, both churned → 1; value 200/3
    // age is numeric → skipped by default; name and signup_date are never attributes.
    const s = columns(res.tables.segments!);
    expect(s.attribute).toEqual(["region", "region", "region", "plan", "plan"]);
    expect(s.segment).toEqual(["North", "South", null, "pro", "basic"]);
    expect(s.customers).toEqual([3, 3, 1, 4, 3]);
    expect(s.share).toEqual([3 / 7, 3 / 7, 1 / 7, 4 / 7, 3 / 7]);
    expect(s.buyers).toEqual([3, 3, 0, 3, 3]);
    expect(s.repeat_rate).toEqual([1 / 3, 2 / 3, null, 1 / 3, 2 / 3]);
    expect(s.customers_at_start).toEqual([2, 2, 0, 2, 2]);
    expect(s.churned).toEqual([1, 1, 0, 0, 2]);
    expect(s.churn_rate).toEqual([0.5, 0.5, null, 0, 1]);
    expect(s.avg_value![0]).toBeCloseTo(20, 12);
    expect(s.avg_value![1]).toBeCloseTo(190 / 3, 12);
    expect(s.avg_value![2]).toBe(0);
    expect(s.avg_value![3]).toBeCloseTo(12.5, 12);
    expect(s.highest_repeat).toEqual([false, true, false, false, true]);
    expect(res.tables.highlights).toEqual([
      { attribute: "region", attribute_label: "Region", segment: "South", customers: 3, repeat_rate: 2 / 3 },
      { attribute: "plan", attribute_label: "Plan", segment: "basic", customers: 3, repeat_rate: 2 / 3 },
    ]);
    expect(res.scalars).toMatchObject({ attributes: 2, churn_source: "spells", customers: 7, top_repeat_region: "South", top_repeat_plan: "basic" });
    expect(res.notes!.some((n) => n.startsWith('"age" is skipped'))).toBe(true);
    // The call-out is a result (highlights, scalars), not a warning: notes stay for problems.
    expect(res.notes!.some((n) => n.includes("highest repeat-purchase rate"))).toBe(false);
    expect(s.label).toEqual(["Region: North", "Region: South", "Region: —", "Plan: pro", "Plan: basic"]);
  });

  it("segments on an explicit numeric attribute and a value field", async () => {
    const res = await runOnRows(segments, { customers, transactions: tx }, { by: "age", value_field: "age", min_customers: 1 }, inactivity);
    expect(res.tables.segments).toHaveLength(7);
    expect(res.tables.segments![0]).toMatchObject({ attribute: "age", segment: "23.0", avg_value: 23 });
    await expect(runOnRows(segments, { customers, transactions: tx }, { by: "regoin" }, inactivity)).rejects.toThrow(/no column "regoin"/);
  });

  it("does not call out segments smaller than min_customers", async () => {
    const res = await runOnRows(segments, { customers, transactions: tx }, {}, inactivity);
    expect(res.tables.highlights).toEqual([]);
    expect(res.notes!.some((n) => n.includes("no segment has 20+ customers"))).toBe(true);
  });

  it("uses the churned label for flat customer tables", async () => {
    const flat: Row[] = [
      { customer_id: "a", contract: "Month-to-month", churned: true },
      { customer_id: "b", contract: "Month-to-month", churned: false },
      { customer_id: "c", contract: "Month-to-month", churned: true },
      { customer_id: "d", contract: "Two year", churned: false },
      { customer_id: "e", contract: "Two year", churned: null },
    ];
    const res = await runOnRows(segments, { customers: flat }, {}, { period: oct });
    // Month-to-month 2/3; Two year: 0 of 1 labelled
    expect(columns(res.tables.segments!)).toMatchObject({ segment: ["Month-to-month", "Two year"], churn_rate: [2 / 3, 0], repeat_rate: [null, null], avg_value: [null, null] });
    expect(res.scalars.churn_source).toBe("label");
    expect(segments.chart!(res, chartPlan({} as never, { period: oct, locale: "en-US", currency: "USD", churn: { kind: "subscriptions" }, fields: {} }))).toBeNull();
  });

  it("uses subscription spells for contractual data", async () => {
    const subs: Row[] = [
      { customer_id: "a", start_date: "2026-01-01", end_date: "2026-10-15" },
      { customer_id: "b", start_date: "2026-01-01", end_date: null },
      { customer_id: "c", start_date: "2026-10-05", end_date: "2026-10-20" }, // joined and left in the period: not in the base
    ];
    const cs: Row[] = [{ customer_id: "a", region: "N" }, { customer_id: "b", region: "N" }, { customer_id: "c", region: "N" }];
    const res = await runOnRows(segments, { customers: cs, subscriptions: subs }, {}, { period: oct });
    expect(res.tables.segments![0]).toMatchObject({ segment: "N", customers: 3, customers_at_start: 2, churned: 1, churn_rate: 0.5 });
  });

  it("draws the repeat-rate chart without warnings", async () => {
    const res = await runOnRows(segments, { customers, transactions: tx }, { min_customers: 1 }, { ...inactivity, locale: "zh-CN" });
    const spec = segments.chart!(res, chartPlan({} as never, { ...inactivity, locale: "zh-CN", currency: "CNY", fields: {} }))!;
    const out = renderChart(spec, res.tables, { locale: "zh-CN", currency: "CNY", fontFamily: "sans-serif" });
    expect(out.warnings).toEqual([]);
  });
});
