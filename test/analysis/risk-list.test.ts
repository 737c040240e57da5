import { describe, expect, it } from "vitest";
import { riskList } from "../../src/analysis/risk-list.js";
import { runOnRows, chartPlan } from "../helpers/analysis.js";
import { syntheticCompany, telcoRows } from "./predict/fixtures.js";

describe("risk-list", () => {
  it("scores every not-yet-churned Telco customer, value at risk = p × MonthlyCharges × 12, sorted", async () => {
    const rows = telcoRows();
    const res = await runOnRows(riskList, { customers: rows }, { top: 10 });
    const list = res.tables.risk_list!;
    expect(list).toHaveLength(7043 - 1869);
    expect(res.tables.top).toHaveLength(10);
    expect(res.scalars.value_basis).toBe("column MonthlyCharges × 12");
    const byId = new Map(rows.map((r) => [r.customer_id, r]));
    for (const r of list.slice(0, 50)) {
      expect(r.annual_value).toBeCloseTo((byId.get(r.customer_id as string)!.MonthlyCharges as number) * 12, 9);
      expect(r.value_at_risk).toBeCloseTo((r.probability as number) * (r.annual_value as number), 9);
    }
    for (let i = 1; i < list.length; i++) {
      const a = list[i - 1]!, b = list[i]!;
      expect((a.value_at_risk as number) > (b.value_at_risk as number) || (a.value_at_risk === b.value_at_risk && (a.customer_id as string) < (b.customer_id as string))).toBe(true);
    }
    expect(list.map((r) => r.rank)).toEqual(list.map((_, i) => i + 1));
    // MVC = top fifth of positive values: ⌈0.2·5174⌉ = 1035 customers, plus ties at the threshold
    const mvc = list.filter((r) => r.value_class === "mvc").length;
    expect(mvc).toBeGreaterThanOrEqual(1035);
    expect(mvc).toBeLessThan(1060);
    // reasons name the column and the customer's value; only risk-raising columns
    expect(list[0]!.reason_1).toMatch(/^[A-Za-z]+: /);
    expect(res.scalars.expected_churners as number).toBeGreaterThan(0);
    const s = res.tables.by_value_class!.reduce((a, r) => a + (r.customers as number), 0);
    expect(s).toBe(list.length);
  });

  it("scores the active base of a subscription company at the period end", async () => {
    const data = syntheticCompany(300);
    const res = await runOnRows(riskList, data, { top: 5, model: "gbdt" });
    const active = data.subscriptions.filter((s) => s.end_date === null || s.end_date! >= "2026-11-01").length;
    expect(res.tables.risk_list).toHaveLength(active);
    const first = res.tables.risk_list![0]!;
    expect(first.plan).toMatch(/Basic|Pro|Enterprise/);
    expect(first.annual_value).toBeGreaterThan(0); // trailing margin: 12 × MRR × 0.6 at most
    expect(res.scalars.value_basis).toMatch(/trailing 12-month margin/);
    expect(res.scalars.top_share_of_value_at_risk as number).toBeGreaterThan(0);
    expect(riskList.chart!(res, chartPlan({ top: 5 } as never, { locale: "zh-CN" } as never))!.title).toBe("风险价值最高的 5 位客户");
  });

  it("fits on the seeded stratified training sample only when the training rows exceed train_sample, and says so", async () => {
    const data = syntheticCompany(300);
    const whole = await runOnRows(riskList, data, { top: 5 });
    const population = whole.scalars.training_rows as number;
    // A limit covering every training row: no sample, the same numbers as no limit at all.
    expect(await runOnRows(riskList, data, { top: 5, train_sample: population })).toEqual(whole);
    expect(await runOnRows(riskList, data, { top: 5, train_sample: 0 })).toEqual(whole);
    expect(whole.notes!.join(" ")).not.toMatch(/sample of/);
    // Below it: the model is fitted on about train_sample rows (each label rounded), noted with the seed.
    const sampled = await runOnRows(riskList, data, { top: 5, train_sample: Math.floor(population / 2), seed: 3 });
    expect(Math.abs((sampled.scalars.training_rows as number) - Math.floor(population / 2))).toBeLessThanOrEqual(1);
    expect(sampled.notes!.join(" ")).toContain(`of the ${population.toLocaleString("en-US")} training rows`);
    expect(sampled.notes!.join(" ")).toContain("seed 3");
    expect(sampled.tables.risk_list).toHaveLength(whole.tables.risk_list!.length);
  });
});
