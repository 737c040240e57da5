import { describe, expect, it } from "vitest";
import { cohortRevenue } from "../../src/analysis/cohort-revenue.js";
import type { Row } from "../../src/analysis/types.js";
import { parsePeriod } from "../../src/util/period.js";
import { columns, runOnRows } from "../helpers/analysis.js";

const tx = (customer_id: string, date: string, amount: number, cost: number | null): Row => ({ customer_id, date, amount, cost });
const transactions: Row[] = [
  tx("a", "2026-01-05", 100, 60),
  tx("a", "2026-02-10", 50, 20),
  tx("a", "2026-03-15", 30, null), // missing cost: counted as 0, noted
  tx("a", "2026-04-02", 999, 0), // after the report period
  tx("b", "2026-01-20", 40, 10),
  tx("c", "2026-02-01", 70, 30),
  tx("c", "2026-03-31", 10, 5),
  tx("d", "2025-12-30", 5, 1), // December cohort: not shown
];

describe("cohort-revenue", () => {
  it("revenue, cost, profit and cumulative per-customer values (hand-computed)", async () => {
    const r = await runOnRows(cohortRevenue, { transactions }, { periods: 2, cohorts: 3 }, { period: parsePeriod("2026-03"), churn: { kind: "inactivity", days: 90 } });
    // Jan cohort {a, b}: age 0 = 100 + 40 (cost 70), age 1 = 50 (20), age 2 = 30 (cost missing → 0).
    //   cumulative revenue 140, 190, 220 → per customer 70, 95, 110; cumulative profit 70, 100, 130 → 35, 50, 65.
    // Feb cohort {c}: age 0 = 70 (30), age 1 = 10 (5); cumulative 70, 80; profit 40, 45. Age 2 would end after 04-01.
    // Mar cohort: nobody acquired → no rows.
    expect(columns(r.tables.cohort_revenue!)).toEqual({
      cohort: ["2026-01", "2026-01", "2026-01", "2026-02", "2026-02"],
      age: [0, 1, 2, 0, 1],
      customers: [2, 2, 2, 1, 1],
      buyers: [2, 1, 1, 1, 1],
      revenue: [140, 50, 30, 70, 10],
      cost: [70, 20, 0, 30, 5],
      profit: [70, 30, 30, 40, 5],
      cumulative_revenue: [140, 190, 220, 70, 80],
      cumulative_profit: [70, 100, 130, 40, 45],
      revenue_per_customer: [70, 95, 110, 70, 80],
      profit_per_customer: [35, 50, 65, 40, 45],
    });
    expect(r.tables.cohort_totals).toEqual([
      { cohort: "2026-01", customers: 2, periods_observed: 3, revenue: 220, profit: 130, revenue_per_customer: 110, profit_per_customer: 65 },
      { cohort: "2026-02", customers: 1, periods_observed: 2, revenue: 80, profit: 45, revenue_per_customer: 80, profit_per_customer: 45 },
    ]);
    // First period pooled over Jan and Feb: (140 + 70)/3 = 70, profit (70 + 40)/3; first 3 periods: Jan only 220/2.
    expect(r.scalars).toMatchObject({ cohorts: 2, customers: 3, revenue: 300, profit: 175, revenue_per_customer_1: 70, revenue_per_customer_3: 110, revenue_per_customer_6: null, profit_per_customer_3: 65 });
    expect(r.scalars.profit_per_customer_1 as number).toBeCloseTo(110 / 3, 12);
    expect(r.notes).toEqual(["1 transaction has no cost: counted as 0 in cost and profit"]);
  });

  it("without a cost field: profit is null", async () => {
    const noCost = transactions.map(({ cost: _c, ...rest }) => rest);
    const r = await runOnRows(cohortRevenue, { transactions: noCost }, { periods: 1, cohorts: 2 }, { period: parsePeriod("2026-03"), churn: { kind: "inactivity", days: 90 } });
    // Cohorts Feb, Mar: Feb {c}: 70 then 10.
    expect(r.tables.cohort_revenue!.map((x) => [x.cohort, x.age, x.revenue, x.cost, x.profit, x.cumulative_profit])).toEqual([["2026-02", 0, 70, null, null, null], ["2026-02", 1, 10, null, null, null]]);
    expect(r.scalars.profit).toBeNull();
    expect(r.notes).toEqual([]);
  });

  it("quarterly ages; acquisition from subscriptions on the subscription basis", async () => {
    const subs: Row[] = [{ customer_id: "a", start_date: "2026-02-15", end_date: null, mrr: 1 }, { customer_id: "c", start_date: "2026-01-01", end_date: null, mrr: 1 }];
    const r = await runOnRows(cohortRevenue, { transactions, subscriptions: subs }, { cohort_grain: "quarter", periods: 1, cohorts: 2 }, { period: parsePeriod("2026-06") });
    // Q1 cohort {a (acquired 02-15), c}: only transactions on/after acquisition: a 30 (03-15, the 02-10 one is before), c 70 + 10;
    // a's 04-02 purchase is in age 1 (Q2), complete by 07-01? Q2 ends 07-01 ≤ period end 07-01 ✓. b has no subscription: no cohort.
    expect(r.tables.cohort_revenue!.map((x) => [x.cohort, x.age, x.customers, x.revenue, x.cumulative_revenue])).toEqual([["2026-Q1", 0, 2, 110, 110], ["2026-Q1", 1, 2, 999, 1109]]);
  });
});
