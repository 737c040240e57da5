import { describe, expect, it } from "vitest";
import { churnedValue } from "../../src/analysis/churned-value.js";
import type { Row } from "../../src/analysis/types.js";
import { parsePeriod } from "../../src/util/period.js";
import { columns, runOnRows, chartPlan } from "../helpers/analysis.js";

const sub = (customer_id: string, start_date: string, end_date: string | null, mrr: number): Row => ({ customer_id, start_date, end_date, mrr });
// Report period 2026-03 (boundary 03-01). Base at 03-01 and its MRR the day before:
// c1 1000, c2 500, c3 400, c4 300, c5 300, c6 200, c7 60 + 40, c8 50, c9 50, c10 0  (n = 10).
const subscriptions: Row[] = [
  sub("c1", "2025-06-01", "2026-03-15", 1000), // churns 03-15
  sub("c2", "2025-01-01", null, 500),
  sub("c3", "2025-01-01", null, 400),
  sub("c4", "2025-10-01", "2026-03-31", 300), // churns 03-31
  sub("c5", "2026-02-01", null, 300), // new in February
  sub("c6", "2025-01-01", "2026-04-01", 200), // churns in April: not in March
  sub("c7", "2025-01-01", null, 60),
  sub("c7", "2025-05-01", null, 40),
  sub("c8", "2025-01-01", null, 50),
  sub("c9", "2025-03-01", "2026-03-01", 50), // churns on the period's first day: in the base, churned in March
  sub("c10", "2026-01-15", null, 0), // trial
  sub("n1", "2026-03-05", "2026-03-20", 80), // joined and churned within March: not in the base
  sub("x", "2026-03-01", null, 10), // new on 03-01: not in the base
  sub("f1", "2025-01-01", "2026-02-10", 900), // churned in February
];
const customers: Row[] = [{ customer_id: "c1", name: "Acme" }, { customer_id: "c4", name: "Beta" }];
const churn_events: Row[] = [
  { customer_id: "c1", date: "2026-03-15", reason: "pricing" },
  { customer_id: "c1", date: "2026-02-01", reason: "old" },
  { customer_id: "c4", date: "2026-03-31", reason: "support" },
];

describe("churned-value", () => {
  it("value tiers of the base, churn by tier, lost MRR and the top lost customers (hand-computed)", async () => {
    const r = await runOnRows(churnedValue, { subscriptions, customers, churn_events }, { trend_periods: 2 }, { period: parsePeriod("2026-03") });
    // High threshold: rank ⌈0.2·10⌉ = 2 by value desc → 500: high = {c1, c2}.
    // Low threshold: rank 2 by value asc (0, 50, 50, …) → 50: low = {c8, c9, c10} (the tie at 50 joins).
    // Middle = {c3, c4, c5, c6, c7}. Churned in March: c1 (lost 1000), c4 (300), c9 (50).
    expect(columns(r.tables.tiers!)).toEqual({
      tier: ["high", "middle", "low"],
      label: ["High value (top 20%)", "Middle", "Low value (bottom 20%)"],
      base_customers: [2, 5, 3],
      base_share: [0.2, 0.5, 0.3],
      base_value: [1500, 1300, 100],
      churned_customers: [1, 1, 1],
      churned_share: [1 / 3, 1 / 3, 1 / 3],
      churn_rate: [0.5, 0.2, 1 / 3],
      lost_mrr: [1000, 300, 50],
      lost_annual_revenue: [12000, 3600, 600],
      lost_share: [1000 / 1350, 300 / 1350, 50 / 1350],
    });
    // Tenure: c1 2025-06-01 → 2026-03-15 = 287 days = 9.43 months; c4 181 days = 5.95; c9 365 days = 11.99.
    expect(r.tables.lost_customers).toEqual([
      { customer_id: "c1", name: "Acme", tier: "high", tier_label: "High value (top 20%)", value_at_start: 1000, mrr: 1000, annual_revenue: 12000, tenure_months: 9.4, churn_date: "2026-03-15", reason: "pricing", reason_label: "pricing" },
      { customer_id: "c4", name: "Beta", tier: "middle", tier_label: "Middle", value_at_start: 300, mrr: 300, annual_revenue: 3600, tenure_months: 5.9, churn_date: "2026-03-31", reason: "support", reason_label: "support" },
      { customer_id: "c9", name: null, tier: "low", tier_label: "Low value (bottom 20%)", value_at_start: 50, mrr: 50, annual_revenue: 600, tenure_months: 12, churn_date: "2026-03-01", reason: null, reason_label: null },
    ]);
    // February: base at 02-01 = c1, f1, c2, c3, c4, c6, c7, c8, c9, c10 (10); high threshold 900 → {c1, f1}; f1 churned → high share 1.
    expect(r.tables.trend!.map((t) => [t.period, t.base_customers, t.churned_customers, t.high_value_churned, t.high_share_churned, t.high_threshold])).toEqual([
      ["2026-02", 10, 1, 1, 1, 900],
      ["2026-03", 10, 3, 1, 1 / 3, 500],
    ]);
    expect(r.scalars).toEqual({
      value_basis: "mrr", base_customers: 10, churned_customers: 3, churn_rate: 0.3, high_threshold: 500, low_threshold: 50,
      high_share_base: 0.2, high_share_churned: 1 / 3, high_value_churn_rate: 0.5, lost_mrr: 1350, lost_annual_revenue: 16200,
      high_value_lost_mrr: 1000, high_value_lost_share: 1000 / 1350, high_share_churned_previous: 1, high_value_alarm: false, joined_and_churned: 1,
    });
    expect(r.notes).toEqual(["1 customer joined and churned within 2026-03: not in the starting base, not counted here"]);
    expect(r.tables.mix!.map((m) => [m.group, m.tier, m.customers])).toEqual([["base", "high", 2], ["base", "middle", 5], ["base", "low", 3], ["churned", "high", 1], ["churned", "middle", 1], ["churned", "low", 1]]);
  });

  it("rising high-value churn raises the alarm; top limits the list", async () => {
    // April: base at 04-01 = c2, c3, c5, c6 (ends 04-01 ≥ boundary), c7, c8, c10, x (8). c6 churns on 04-01.
    // High threshold: rank ⌈1.6⌉ = 2 → 400 (c2 500, c3 400). c6 (200) is middle: high share churned 0 < March's 1/3.
    const r = await runOnRows(churnedValue, { subscriptions }, { trend_periods: 2, top: 0 }, { period: parsePeriod("2026-04") });
    expect(r.scalars).toMatchObject({ base_customers: 8, churned_customers: 1, high_threshold: 400, high_share_churned: 0, high_share_churned_previous: 1 / 3, high_value_alarm: false });
    expect(r.tables.lost_customers).toEqual([]);
    const up = await runOnRows(churnedValue, { subscriptions: [...subscriptions, sub("c2b", "2025-01-01", "2026-04-10", 5000)] }, { trend_periods: 2 }, { period: parsePeriod("2026-04") });
    // A 5000-MRR customer churning in April (high: threshold rank 2 of 9 = 500): high share of the churned
    // 1/2 > March's 1/3 (March high = {c2b, c1, c2}, c1 churned of 3) → alarm.
    expect(up.scalars).toMatchObject({ churned_customers: 2, high_share_churned: 0.5, high_value_alarm: true });
  });

  it("inactivity basis: trailing 12-month revenue, censored churn after the data's end", async () => {
    const tx = (customer_id: string, date: string, amount: number): Row => ({ customer_id, date, amount });
    const transactions: Row[] = [
      tx("t1", "2025-12-15", 100), tx("t1", "2026-02-20", 200), // spell [02-20, 03-22): ends after the data → not churned
      tx("t2", "2026-02-25", 50), // spell [02-25, 03-27): same
      tx("t5", "2026-02-10", 40), // spell [02-10, 03-12): churned
      tx("t3", "2026-03-20", 10), // last date in the data: known up to 03-21
    ];
    const r = await runOnRows(churnedValue, { transactions }, { trend_periods: 1 }, { period: parsePeriod("2026-03"), churn: { kind: "inactivity", days: 30 } });
    // Base t1 (300), t2 (50), t5 (40): high threshold rank 1 → 300; low threshold rank 1 asc → 40.
    expect(r.tables.tiers!.map((t) => [t.tier, t.base_customers, t.base_value, t.churned_customers])).toEqual([["high", 1, 300, 0], ["middle", 1, 50, 0], ["low", 1, 40, 1]]);
    // Lost: revenue in the 12 months before 03-12 = 40 → MRR 40/12, annual 40.
    expect(r.scalars).toMatchObject({ value_basis: "trailing_12m_revenue", base_customers: 3, churned_customers: 1, high_threshold: 300, low_threshold: 40 });
    expect(r.scalars.lost_mrr as number).toBeCloseTo(40 / 12, 12);
    expect(r.scalars.lost_annual_revenue as number).toBeCloseTo(40, 12);
  });

  it("labels tiers and reasons of the lost customers in the report's language, keeping the codes", async () => {
    const events: Row[] = [
      { customer_id: "c1", date: "2026-03-15", reason: "Service" },
      { customer_id: "c4", date: "2026-03-31", reason: "pricing" },
      { customer_id: "c9", date: "2026-03-01", reason: "竞争" },
    ];
    const r = await runOnRows(churnedValue, { subscriptions, customers, churn_events: events }, {}, { period: parsePeriod("2026-03"), locale: "zh-CN" });
    expect(r.tables.lost_customers!.map((c) => [c.tier, c.tier_label, c.reason, c.reason_label])).toEqual([
      ["high", "高价值客户（前20%）", "Service", "服务"],
      ["middle", "中等价值客户", "pricing", "pricing"], // not a known category: kept as it is
      ["low", "低价值客户（后20%）", "竞争", "竞争"],
    ]);
  });

  it("empty base: null shares and a note; needs mrr on the subscriptions basis", async () => {
    const r = await runOnRows(churnedValue, { subscriptions: [sub("z", "2026-03-05", null, 1)] }, {}, { period: parsePeriod("2026-03") });
    expect(r.scalars).toMatchObject({ base_customers: 0, churn_rate: null, high_threshold: null, high_share_base: null, high_value_alarm: null });
    expect(r.notes).toEqual(["no customers were active at the start of 2026-03: no value tiers"]);
    expect(churnedValue.chart!(r, chartPlan({} as never, { locale: "en-US" } as never))).toBeNull();
    await expect(runOnRows(churnedValue, { subscriptions: [{ customer_id: "z", start_date: "2026-01-01", end_date: null }] }, {}, { period: parsePeriod("2026-03") })).rejects.toThrow(/needs field "mrr"/);
  });
});
