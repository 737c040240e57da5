import { describe, expect, it } from "vitest";
import { customerValue } from "../../src/analysis/customer-value.js";
import { classifyValue } from "../../src/analysis/segmentation/value-classes.js";
import type { Row } from "../../src/analysis/types.js";
import { renderChart } from "../../src/charts/index.js";
import { parsePeriod } from "../../src/util/period.js";
import { columns, runOnRows, chartPlan } from "../helpers/analysis.js";

const oct = { period: parsePeriod("2026-10") };
const t = (customer_id: string, date: string, amount: number, cost = 0, extra: Row = {}): Row => ({ customer_id, date, amount, cost, ...extra });

// As-of 2026-10-31; trend months May..Oct 2026 = m 0..5, slope = Σ (m − 2.5)·spend_m / 17.5.
const tx: Row[] = [
  t("A", "2026-05-10", 100, 20), t("A", "2026-10-10", 300, 60), // value 320; 2 purchases; May..Oct 6 months; slope (−2.5·100 + 2.5·300)/17.5
  t("B", "2026-09-01", 200, 10), // 190; Sep..Oct 2 months; slope 1.5·200/17.5
  t("C", "2026-01-15", 50, 5), t("C", "2026-02-15", 50, 5), t("C", "2026-03-15", 50, 5), // 135; Jan..Oct 10 months; slope 0
  t("D", "2026-10-01", 40, 100), // −60: negative value
  t("E", "2026-08-01", 60), t("E", "2026-08-05", -20), // 40 (return netted); 1 purchase; slope 0.5·40/17.5
  t("F", "2026-07-01", 80), t("G", "2026-06-01", 10), t("H", "2026-10-20", 5), t("I", "2026-10-21", 0), t("J", "2026-09-09", 20),
  t("K", "2026-11-02", 999), // after the as-of date: not a customer yet
];

describe("customer-value", () => {
  it("classifies a hand-computed fixture", async () => {
    const res = await runOnRows(customerValue, { transactions: tx }, {}, oct);
    // values sorted: A 320, B 190, C 135, F 80, E 40, J 20, G 10, H 5, I 0, D −60 (n = 10)
    // most valuable: ⌈0.2·10⌉ = 2 → A, B. Potential (one peer group): p80 of
    // [−60, 0, 5, 10, 20, 40, 80, 135, 190, 320]: h = 7.2 → 135 + 0.2·55 = 146; gaps I 146, H 141, G 136, J 126, …
    // most growable: the 2 largest gaps among the rest with value ≥ 0 → I, H. D is negative. Others: C F E J G.
    const c = columns(res.tables.customers!);
    expect(c.customer_id).toEqual(["A", "B", "C", "F", "E", "J", "G", "H", "I", "D"]);
    expect(c.value).toEqual([320, 190, 135, 80, 40, 20, 10, 5, 0, -60]);
    expect(c.class).toEqual(["most_valuable", "most_valuable", "other", "other", "other", "other", "other", "most_growable", "most_growable", "negative_value"]);
    expect(c.potential![0]).toBeCloseTo(146, 12);
    expect(c.gap![8]).toBeCloseTo(146, 12);
    expect(c.gap![0]).toBe(0);
    expect(c.purchases).toEqual([2, 1, 3, 1, 1, 1, 1, 1, 1, 1]);
    const a = res.tables.customers![0]!, b = res.tables.customers![1]!, cc = res.tables.customers![2]!, e = res.tables.customers![4]!;
    expect(a).toMatchObject({ revenue: 400, cost: 80, repeat_frequency: 1 / 6, purchase_rate: 2 / 6 });
    expect(a.spend_trend).toBeCloseTo(500 / 17.5, 10);
    expect(b).toMatchObject({ repeat_frequency: 0, purchase_rate: 0.5 });
    expect(b.spend_trend).toBeCloseTo(300 / 17.5, 10);
    expect(cc).toMatchObject({ repeat_frequency: 0.2, purchase_rate: 0.3, spend_trend: 0 });
    expect(e.spend_trend).toBeCloseTo(20 / 17.5, 10);
    const k = columns(res.tables.classes!);
    expect(k.class).toEqual(["most_valuable", "most_growable", "other", "negative_value"]);
    expect(k.customers).toEqual([2, 2, 5, 1]);
    expect(k.revenue).toEqual([600, 5, 300, 40]);
    expect(k.cost).toEqual([90, 0, 15, 100]);
    expect(k.value).toEqual([510, 5, 285, -60]);
    expect(k.value_share![0]).toBeCloseTo(510 / 740, 12);
    expect(k.gap![1]).toBeCloseTo(287, 10);
    expect(String(k.treatment![3])).toMatch(/Spend nothing/);
    expect(res.scalars).toMatchObject({ customers: 10, revenue: 945, cost: 205, value: 740, negative_value_customers: 1, negative_value_total: -60, most_valuable_customers: 2 });
    expect(res.notes!.join(" ")).not.toMatch(/negative-value/);
  });

  it("uses peer groups and extra cost columns from both datasets", async () => {
    const customers: Row[] = [
      { customer_id: "p1", plan: "X", support_cost: 10 }, { customer_id: "p2", plan: "X", support_cost: 0 }, { customer_id: "p3", plan: "X", support_cost: null },
      { customer_id: "q1", plan: "Y", support_cost: 0 }, { customer_id: "q2", plan: "Y", support_cost: 5 },
    ];
    const rows = [t("p1", "2026-10-01", 100, 0, { discount: 5 }), t("p2", "2026-10-01", 50, 0, { discount: 0 }), t("p3", "2026-10-01", 10, 0, { discount: null }), t("q1", "2026-10-01", 1000, 0, { discount: 0 }), t("q2", "2026-10-01", 10, 0, { discount: 0 })];
    const res = await runOnRows(customerValue, { transactions: rows, customers }, { cost_columns: "discount, support_cost", peer_by: "plan", min_peers: 2, top_share: 0.2, growable_share: 0.4 }, { ...oct, locale: "zh-CN" });
    // values: p1 100 − 5 − 10 = 85, p2 50, p3 10, q1 1000, q2 10 − 5 = 5
    // X: p80 of [10, 50, 85] = 85 − 0.4·35 = 71 → gaps p1 0, p2 21, p3 61; Y: p80 of [5, 1000] = 801 → q2 796
    // most valuable ⌈0.2·5⌉ = 1 → q1; most growable ⌈0.4·5⌉ = 2 → q2, p3; others p1, p2
    const byId = Object.fromEntries(res.tables.customers!.map((r) => [r.customer_id, [r.value, r.peer_group, r.class]]));
    expect(byId).toEqual({ q1: [1000, "Y", "most_valuable"], p1: [85, "X", "other"], p2: [50, "X", "other"], p3: [10, "X", "most_growable"], q2: [5, "Y", "most_growable"] });
    expect(res.tables.customers!.find((r) => r.customer_id === "q2")!.gap).toBeCloseTo(796, 10);
    expect(res.tables.classes![3]).toMatchObject({ label: "负值客户", customers: 0 });
    expect(String(res.tables.classes![3]!.treatment)).toMatch(/不投入/);
    await expect(runOnRows(customerValue, { transactions: rows }, { cost_columns: "discont" }, oct)).rejects.toThrow(/no column "discont"/);
    await expect(runOnRows(customerValue, { transactions: rows }, { peer_by: "plan" }, oct)).rejects.toThrow(/needs a customers dataset/);
  });

  it("classes are a partition, under any shares", () => {
    const rows = Array.from({ length: 37 }, (_, i) => ({ customer_id: `c${String(i).padStart(2, "0")}`, value: ((i * 7919) % 101) - 20, peer_group: i % 3 === 0 ? "a" : "b" }));
    for (const [topShare, growableShare] of [[0.2, 0.2], [1, 1], [0.01, 0], [0.5, 0.9]] as const) {
      const out = classifyValue(rows, { topShare, growableShare, peerPercentile: 80, minPeers: 5, currency: "USD" });
      expect(out).toHaveLength(37);
      for (const c of out) {
        expect(c.class === "negative_value").toBe(c.value < 0);
        if (c.class === "most_valuable") expect(c.value).toBeGreaterThan(0);
        if (c.class === "most_growable") expect(c.gap).toBeGreaterThan(0);
      }
      expect(out.filter((c) => c.class === "most_valuable").length).toBeLessThanOrEqual(Math.ceil(topShare * 37));
    }
  });

  it("handles empty data and draws its chart", async () => {
    const empty = await runOnRows(customerValue, { transactions: [t("z", "2027-01-01", 1)] }, {}, oct);
    expect(empty.scalars).toMatchObject({ customers: 0, value: 0, most_valuable_value_share: null });
    expect(empty.tables.classes!.every((r) => r.customers === 0 && r.share === null && r.avg_value === null)).toBe(true);
    const res = await runOnRows(customerValue, { transactions: tx }, {}, oct);
    const spec = customerValue.chart!(res, chartPlan({} as never, { ...oct, locale: "en-US", currency: "USD", churn: { kind: "subscriptions" }, fields: {} }))!;
    expect(renderChart(spec, res.tables, { locale: "en-US", currency: "USD", fontFamily: "sans-serif" }).warnings).toEqual([]);
  });
});
