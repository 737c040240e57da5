import { describe, expect, it } from "vitest";
import { churnSummary } from "../../src/analysis/churn-summary.js";
import { rolling30, dailyEvents, periodMetrics } from "../../src/analysis/period-metrics/metrics.js";
import type { Row } from "../../src/analysis/types.js";
import { ChurnbookError, isChurnbookError } from "../../src/util/errors.js";
import { runOnRows } from "../helpers/analysis.js";
import { sub, subscriptions as book } from "./fixtures/subscription-book.js";

// Hand-built fixtures shared by the period-metric tests (churn-summary, churn-trend,
// mrr-movements, leaky-bucket). Report period 2026-10 = [2026-10-01, 2026-11-01).
//
// Subscriptions (end exclusive; null = open):
//   A  2026-01-01 → open        100   at start and end, unchanged
//   B  2026-01-01 → 2026-10-15   50   churns in October
//   C  2026-10-05 → open         30   new in October
//   D  2026-01-01 → 2026-06-01   40   first spell, churned in June
//      2026-10-10 → open         60   reactivated in October (spell 2)
//   E  2026-10-03 → 2026-10-20   20   joins and leaves within October
//   F  2026-02-01 → 2026-10-15  100   upgrade, back-to-back (same spell):
//      2026-10-15 → open        150   expansion +50
//   G  2026-03-01 → 2026-10-20   80   downgrade, back-to-back:
//      2026-10-20 → open         60   contraction −20
//   H  2026-01-01 → open          0   free: left out by default
//   I  2026-01-01 → 2026-10-05   70   churns on 10-05 and comes back on 10-20:
//      2026-10-20 → open         70   (churned and reactivated within the period)
//   J  2026-10-02 → open          0   free new customer: left out by default
//
// October by hand (free excluded):
//   at start (start < 10-01 ≤ end): A B F G I = 5
//   new (first spell starts in Oct): C E = 2; reactivated (spell ≥ 2): D I = 2
//   churned (spell ends in Oct): B E I = 3; at end (11-01): A C D F G I = 6 = 5 + 2 + 2 − 3 ✓
//   joined and left: E; churned and reactivated: I; lost from the starting base: B
//   standard churn = 1/5 = 0.2; stripe = 3 / (5 + 2 + 2) = 1/3
//   MRR at start: A100 B50 F100 G80 I70 = 400; at end: A100 C30 D60 F150 G60 I70 = 470
//   movements: new C +30, expansion F +50, reactivation D +60, contraction G −20, churn B −50
//   (E: 0 → 0 no movement; I: 70 → 70 no movement); 400 + 30 + 50 + 60 − 20 − 50 = 470 ✓
//   gross MRR churn = 70/400 = 0.175; net = (70 − 50 − 60)/400 = −0.1
//   GRR = (100 + 0 + 100 + 60 + 70)/400 = 0.825; NRR = (100 + 0 + 150 + 60 + 70)/400 = 0.95
//   quick ratio = (30 + 50 + 60)/(50 + 20) = 2
// September (previous): start A B F G I = 5, no events, end 5; MRR 400 → 400; quick ratio null.
// October 2025 (last year): no customers at all → rates null.


const subscriptions: Row[] = [
  ...book,
  sub("J", "2026-10-02", null, 0),
];

// The reference example (REFERENCE-NUMBERS "Subscription metrics"): start 100, churn 10,
// contraction 10, expansion 10 → gross MRR churn 20%, net 10%.
//   X 10 → churns; Y 50 → 40 (contraction 10); Z 40 → 50 (expansion 10)
const referenceExample: Row[] = [
  sub("X", "2026-01-01", "2026-10-12", 10),
  sub("Y", "2026-01-01", "2026-10-15", 50),
  sub("Y", "2026-10-15", null, 40),
  sub("Z", "2026-01-01", "2026-10-20", 40),
  sub("Z", "2026-10-20", null, 50),
];

// Inactivity basis, 30-day window; the data's last transaction is 2026-11-30.
//   a  09-10 (100), 10-05 (50), 10-25 (50): one spell [09-10, 11-24) — active all October
//   b  09-15 (80): spell [09-15, 10-15) — churns in October
//   c  10-12 (60): new in October, spell [10-12, 11-11)
//   d  05-01 (40): spell [05-01, 05-31); 10-20 (40): spell 2 [10-20, 11-19) — reactivated
//   e  11-30 (10): spell [11-30, 12-30), whose end lies after the data → not yet happened
// October: start a b = 2, new c, reactivated d, churned b, end a c d = 3 (2 + 1 + 1 − 1)
// Period revenue: September (start level) a100 b80 = 180; October (end level) a100 c60 d40 = 200
//   churn b −80, new c +60, reactivation d +40; a 100 → 100: 180 − 80 + 60 + 40 = 200
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

/** Reads a metric from a churn-summary `metrics` table. */
function metric(rows: Row[], key: string, column: "value" | "previous" | "last_year" = "value"): unknown {
  const r = rows.find((x) => x.metric === key);
  if (!r) throw new Error(`no metric ${key}`);
  return r[column];
}


describe("churn-summary: contractual fixture (2026-10)", () => {
  it("counts spell events and reconciles end = start + new + reactivated − churned", async () => {
    const r = await runOnRows(churnSummary, { subscriptions });
    const m = r.tables.metrics!;
    expect(m.map((x) => x.metric).slice(0, 5)).toEqual(["customers_start", "new_customers", "reactivated_customers", "churned_customers", "customers_end"]);
    expect([metric(m, "customers_start"), metric(m, "new_customers"), metric(m, "reactivated_customers"), metric(m, "churned_customers"), metric(m, "customers_end")]).toEqual([5, 2, 2, 3, 6]);
    expect(metric(m, "net_growth")).toBe(1);
    expect(metric(m, "joined_and_left")).toBe(1);
    expect(metric(m, "churned_and_reactivated")).toBe(1);
    expect(r.scalars.churn_rate).toBeCloseTo(0.2, 12);
    expect(r.scalars.churn_numerator).toBe(1);
    expect(r.scalars.churn_denominator).toBe(5);
    expect(r.scalars.retention_rate).toBeCloseTo(0.8, 12);
    expect(r.scalars.growth_rate).toBeCloseTo(0.4, 12);
    expect(r.scalars.period).toBe("2026-10");
    expect(r.scalars.prev_period).toBe("2026-09");
    expect(r.scalars.ly_period).toBe("2025-10");
  });

  it("classifies MRR movements: new, expansion, reactivation, contraction, churn", async () => {
    const r = await runOnRows(churnSummary, { subscriptions });
    const s = r.scalars;
    expect([s.mrr_start, s.new_mrr, s.expansion_mrr, s.reactivation_mrr, s.contraction_mrr, s.churned_mrr, s.mrr_end]).toEqual([400, 30, 50, 60, 20, 50, 470]);
    expect(s.net_new_mrr).toBe(70);
    expect(s.gross_mrr_churn_rate).toBeCloseTo(0.175, 12);
    expect(s.net_mrr_churn_rate).toBeCloseTo(-0.1, 12);
    expect(s.grr).toBeCloseTo(0.825, 12);
    expect(s.nrr).toBeCloseTo(0.95, 12);
    expect(s.quick_ratio).toBeCloseTo(2, 12);
    expect(s.revenue_basis).toBe("mrr");
  });

  it("previous period and same period last year (empty: rates null, not NaN)", async () => {
    const r = await runOnRows(churnSummary, { subscriptions });
    const m = r.tables.metrics!;
    // September: 5 at start, nothing happens.
    expect([metric(m, "customers_start", "previous"), metric(m, "customers_end", "previous"), metric(m, "churn_rate", "previous")]).toEqual([5, 5, 0]);
    expect(r.scalars.prev_mrr_start).toBe(400);
    expect(r.scalars.prev_quick_ratio).toBeNull(); // no churn or contraction: 0/0 → null
    // October 2025: nobody yet.
    expect(r.scalars.ly_customers_start).toBe(0);
    for (const k of ["ly_churn_rate", "ly_retention_rate", "ly_growth_rate", "ly_gross_mrr_churn_rate", "ly_net_mrr_churn_rate", "ly_grr", "ly_nrr", "ly_quick_ratio"]) expect(r.scalars[k]).toBeNull();
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
  });

  it("the period param overrides the report period", async () => {
    const r = await runOnRows(churnSummary, { subscriptions }, { period: "2026-06" });
    // June: D's spell ends 06-01 → churned; at start A B D F G I = 6, end 5.
    expect([r.scalars.customers_start, r.scalars.churned_customers, r.scalars.customers_end]).toEqual([6, 1, 5]);
    expect(r.scalars.prev_period).toBe("2026-05");
  });

  it("ChartMogul (standard) vs Stripe conventions differ as defined", async () => {
    const std = await runOnRows(churnSummary, { subscriptions }, { convention: "standard" });
    const stripe = await runOnRows(churnSummary, { subscriptions }, { convention: "stripe" });
    expect(std.scalars.churn_rate).toBeCloseTo(1 / 5, 12); // B only
    expect(stripe.scalars.churn_rate).toBeCloseTo(3 / 9, 12); // B, E, I ÷ (5 + 2 + 2)
    expect(stripe.scalars.churn_numerator).toBe(3);
    expect(stripe.scalars.churn_denominator).toBe(9);
    expect(stripe.scalars.retention_rate).toBeCloseTo(6 / 9, 12);
  });

  it("rolling30: mean of the daily trailing 30-day rates", async () => {
    // Every boundary t−29 (Sep 2 … Oct 2) has the same 5 active spells (A B F G I1).
    // Ends: I1 10-05, B 10-15, E 10-20. Trailing count on day t: 0 (t = 1..4, 4 days),
    // 1 (5..14, 10 days), 2 (15..19, 5 days), 3 (20..31, 12 days) → Σ = 56;
    // rate = 56 / (31 · 5) = 0.361290…
    const r = await runOnRows(churnSummary, { subscriptions }, { convention: "rolling30" });
    expect(r.scalars.churn_rate).toBeCloseTo(56 / 155, 12);
    expect(r.scalars.churn_numerator).toBeNull();
    // September: bases at Aug 3 … Sep 1 are 5, no ends → 0.
    expect(r.scalars.prev_churn_rate).toBe(0);
    expect(r.scalars.ly_churn_rate).toBeNull();
  });

  it("conventions=compare returns the rates side by side, localised", async () => {
    const r = await runOnRows(churnSummary, { subscriptions }, { conventions: "compare" }, { locale: "zh-CN" });
    const t = r.tables.conventions!;
    expect(t.map((x) => x.convention)).toEqual(["standard", "stripe", "rolling30"]);
    expect(t[0]!.churn_rate).toBeCloseTo(0.2, 12);
    expect(t[1]!.churn_rate).toBeCloseTo(1 / 3, 12);
    expect(t[2]!.churn_rate).toBeCloseTo(56 / 155, 12);
    expect([t[0]!.numerator, t[0]!.denominator, t[1]!.numerator, t[1]!.denominator, t[2]!.numerator]).toEqual([1, 5, 3, 9, null]);
    expect(String(t[0]!.explanation)).toContain("ChartMogul");
    expect(String(t[0]!.explanation)).toContain("期初客户");
    const plain = await runOnRows(churnSummary, { subscriptions });
    expect(plain.tables.conventions).toBeUndefined();
  });

  it("free customers are excluded by default and counted with include_free", async () => {
    const r = await runOnRows(churnSummary, { subscriptions }, { include_free: true });
    // H joins the starting base, J the new customers: start 6, new 3, react 2, churned 3, end 8.
    expect([r.scalars.customers_start, r.scalars.new_customers, r.scalars.reactivated_customers, r.scalars.churned_customers, r.scalars.customers_end]).toEqual([6, 3, 2, 3, 8]);
    expect(r.scalars.churn_rate).toBeCloseTo(1 / 6, 12);
    expect(r.scalars.mrr_start).toBe(400); // free customers carry no MRR
  });

  it("a free trial followed by a paid spell makes a new (not reactivated) customer", async () => {
    const rows = [sub("T", "2026-07-01", "2026-07-15", 0), sub("T", "2026-10-10", null, 90), sub("K", "2026-01-01", null, 10)];
    const r = await runOnRows(churnSummary, { subscriptions: rows });
    expect([r.scalars.new_customers, r.scalars.reactivated_customers, r.scalars.new_mrr, r.scalars.reactivation_mrr]).toEqual([1, 0, 90, 0]);
    const all = await runOnRows(churnSummary, { subscriptions: rows }, { include_free: true });
    expect([all.scalars.new_customers, all.scalars.reactivated_customers, all.scalars.reactivation_mrr]).toEqual([0, 1, 90]);
  });
});

describe("churn-summary: reference numbers and edge cases", () => {
  it("reproduces the reference example: gross MRR churn 20%, net 10%", async () => {
    const r = await runOnRows(churnSummary, { subscriptions: referenceExample });
    const s = r.scalars;
    expect([s.mrr_start, s.churned_mrr, s.contraction_mrr, s.expansion_mrr, s.mrr_end]).toEqual([100, 10, 10, 10, 90]);
    expect(s.gross_mrr_churn_rate).toBeCloseTo(0.2, 12);
    expect(s.net_mrr_churn_rate).toBeCloseTo(0.1, 12);
    expect(s.grr).toBeCloseTo(0.8, 12); // (0 + 40 + 40)/100, ≤ 100%
    expect(s.nrr).toBeCloseTo(0.9, 12); // (0 + 40 + 50)/100
    expect(s.quick_ratio).toBeCloseTo(0.5, 12); // 10 / 20
  });

  it("quick ratio with a zero denominator is null with a note, never Infinity", async () => {
    const rows = [sub("A", "2026-01-01", null, 100), sub("N", "2026-10-10", null, 50)];
    const r = await runOnRows(churnSummary, { subscriptions: rows });
    expect(r.scalars.new_mrr).toBe(50);
    expect(r.scalars.quick_ratio).toBeNull();
    expect(r.scalars.gross_mrr_churn_rate).toBe(0);
    expect(r.notes!.some((n) => n.includes("quick ratio"))).toBe(true);
  });

  it("no customers at the start: rates null, with a note", async () => {
    const rows = [sub("N", "2026-10-10", "2026-10-20", 50), sub("M", "2026-10-12", null, 20)];
    const r = await runOnRows(churnSummary, { subscriptions: rows });
    expect([r.scalars.customers_start, r.scalars.new_customers, r.scalars.churned_customers, r.scalars.customers_end]).toEqual([0, 2, 1, 1]);
    expect(r.scalars.churn_rate).toBeNull();
    expect(r.scalars.retention_rate).toBeNull();
    expect(r.scalars.growth_rate).toBeNull();
    expect(r.scalars.gross_mrr_churn_rate).toBeNull();
    expect(r.scalars.grr).toBeNull();
    expect(r.notes!.some((n) => n.includes("no customers at the start"))).toBe(true);
  });

  it("throws mrr-bridge naming the rows that cannot be attributed", async () => {
    const rows = [...referenceExample, sub(null, "2026-01-01", "2026-10-10", 25)];
    await expect(runOnRows(churnSummary, { subscriptions: rows })).rejects.toSatisfy(
      (e: unknown) => isChurnbookError(e) && e.code === "mrr-bridge" && e.message.includes("(no customer_id)") && e.message.includes("2026-10"),
    );
  });

  it("without an mrr field: customer metrics only, revenue null", async () => {
    const rows = subscriptions.map(({ customer_id, start_date, end_date }) => ({ customer_id, start_date, end_date }));
    const r = await runOnRows(churnSummary, { subscriptions: rows });
    // Without mrr nothing is free: H and J count (as with include_free).
    expect([r.scalars.customers_start, r.scalars.customers_end]).toEqual([6, 8]);
    expect(r.scalars.mrr_start).toBeNull();
    expect(r.scalars.quick_ratio).toBeNull();
    expect(r.scalars.revenue_basis).toBeNull();
  });
});

describe("churn-summary: inactivity (non-contractual) basis", () => {
  const ctx = { churn: { kind: "inactivity" as const, days: 30 } };
  it("counts spells from purchases and uses period revenue", async () => {
    const r = await runOnRows(churnSummary, { transactions }, {}, ctx);
    const s = r.scalars;
    expect([s.customers_start, s.new_customers, s.reactivated_customers, s.churned_customers, s.customers_end]).toEqual([2, 1, 1, 1, 3]);
    expect(s.churn_rate).toBeCloseTo(0.5, 12);
    expect(s.revenue_basis).toBe("period_revenue");
    expect([s.mrr_start, s.new_mrr, s.reactivation_mrr, s.expansion_mrr, s.contraction_mrr, s.churned_mrr, s.mrr_end]).toEqual([180, 60, 40, 0, 0, 80, 200]);
    expect(s.grr).toBeCloseTo(100 / 180, 12);
    expect(s.nrr).toBeCloseTo(100 / 180, 12);
  });

  it("a churn after the data's last date has not happened yet (right-censored)", async () => {
    // December: e's spell [11-30, 12-30) ends after the last transaction (11-30) → still active.
    const r = await runOnRows(churnSummary, { transactions }, { period: "2026-12" }, ctx);
    expect([r.scalars.customers_start, r.scalars.churned_customers, r.scalars.customers_end]).toEqual([1, 0, 1]);
    // November: a (11-24), c (11-11), d (11-19) end within the data → 3 churned; e new.
    const nov = await runOnRows(churnSummary, { transactions }, { period: "2026-11" }, ctx);
    expect([nov.scalars.customers_start, nov.scalars.new_customers, nov.scalars.churned_customers, nov.scalars.customers_end]).toEqual([3, 1, 3, 1]);
  });
});

describe("period-metrics pure helpers", () => {
  it("rolling30 skips days without a base and is null when none has one", () => {
    const ev = dailyEvents([{ date: "2026-10-10", starts: 2, ends: 0 }, { date: "2026-10-20", starts: 0, ends: 1 }]);
    expect(rolling30({ start: "2026-10-01", end: "2026-11-01" }, ev)).toBeNull(); // base at t−29 ≤ 10-02: 0
    // November: b = t−29 runs Oct 3 … Nov 1. t = Nov 1–8: b ≤ Oct 10, base 0 → skipped.
    // t = Nov 9–18: b in Oct 11–20, base 2, the 10-20 end in [b, t] → 1/2 (10 days).
    // t = Nov 19–30: b ≥ Oct 21, base 1, no end in the window → 0 (12 days). Mean = 5/22.
    expect(rolling30({ start: "2026-11-01", end: "2026-12-01" }, ev)).toBeCloseTo(5 / 22, 12);
  });

  it("the identity is checked: a broken one is a located data error (see identity-errors.test.ts)", () => {
    const row: Row = { label: "x", period_start: "2026-10-01", period_end: "2026-11-01", customers_start: 3, new_customers: 1, reactivated_customers: 0, churned_customers: 1, customers_end: 4, lost_from_start: 0 };
    expect(() => periodMetrics(row, "standard")).toThrow(/customer counts of x do not add up/);
    expect(() => periodMetrics(row, "standard")).toThrow(ChurnbookError);
  });
});
