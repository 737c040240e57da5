import { describe, expect, it } from "vitest";
import { customerCard } from "../../src/analysis/customer-card.js";
import { riskList } from "../../src/analysis/risk-list.js";
import { runOnRows } from "../helpers/analysis.js";
import { syntheticCompany, telcoRows } from "./predict/fixtures.js";

const data = syntheticCompany(300);
const asOf = "2026-11-01";
// an active customer with complaints
const active = new Set(data.subscriptions.filter((s) => s.end_date === null || s.end_date! >= asOf).map((s) => s.customer_id as string));
const id = [...active].sort().find((c) => data.tickets.some((t) => t.customer_id === c))!;

describe("customer-card", () => {
  it("shows contribution, complaints, probability (same model as the risk list), CLV and an offer", async () => {
    const card = await runOnRows(customerCard, data, { customer_id: id, cutoffs: 6, train_sample: 1_000_000 });
    const s = card.scalars;
    // contribution to date = Σ amount − Σ cost before the period end, from the fixture rows
    const tx = data.transactions.filter((t) => t.customer_id === id && (t.date as string) < asOf);
    const revenue = tx.reduce((a, t) => a + (t.amount as number), 0), cost = tx.reduce((a, t) => a + (t.cost as number), 0);
    expect(s.revenue_to_date).toBeCloseTo(revenue, 9);
    expect(s.contribution_to_date).toBeCloseTo(revenue - cost, 9);
    const tickets = data.tickets.filter((t) => t.customer_id === id).map((t) => t.date).sort().reverse();
    expect(card.tables.tickets!.map((r) => r.date)).toEqual(tickets);
    expect(s.tickets_total).toBe(tickets.length);
    // same training rows as the risk list → same probability
    const risk = await runOnRows(riskList, data, {});
    const mine = risk.tables.risk_list!.find((r) => r.customer_id === id)!;
    expect(s.churn_probability).toBeCloseTo(mine.probability as number, 8);
    expect(s.annual_value).toBeCloseTo(mine.annual_value as number, 9);
    // CLV = annual value / 12 × min(1/q, 120), q = 1 − (1 − p)^(30/90)
    const p = s.churn_probability as number;
    const q = 1 - Math.pow(1 - p, 30 / 90);
    expect(s.monthly_churn_probability).toBeCloseTo(q, 12);
    expect(s.clv).toBeCloseTo(((s.annual_value as number) / 12) * Math.min(1 / q, 120), 6);
    expect(typeof s.recommended_action).toBe("string");
    expect(s.segment).toMatch(/(Basic|Pro|Enterprise) · (East|North|South|West)/);
    expect(card.tables.card!.map((r) => r.item)).toContain("recommended_action");
  });

  it("errors clearly when the customer is missing or unknown, with close matches", async () => {
    await expect(runOnRows(customerCard, data, {})).rejects.toThrow(/needs a customer/);
    const wrong = id.replace(/^C/, "c");
    await expect(runOnRows(customerCard, data, { customer_id: wrong })).rejects.toMatchObject({ code: "unknown-customer", hint: expect.stringContaining(`"${id}"`) });
  });

  it("says so for a customer who already left", async () => {
    const gone = data.subscriptions.find((s) => s.end_date !== null && (s.end_date as string) < "2026-06-01")!.customer_id as string;
    const card = await runOnRows(customerCard, data, { customer_id: gone });
    expect(card.scalars).toMatchObject({ status: "churned", churn_probability: null, clv: null, recommended_action: null });
    expect(card.notes![0]).toMatch(/not active/);
  });

  it("works on a flat customers table (Telco)", async () => {
    const card = await runOnRows(customerCard, { customers: telcoRows() }, { customer_id: "7590-VHVEG" });
    // month-to-month, 1 month tenure, electronic check: a high-risk profile
    expect(card.scalars.churn_probability as number).toBeGreaterThan(0.5);
    expect(card.scalars.annual_value).toBeCloseTo(29.85 * 12, 9);
    expect(card.scalars.contribution_to_date).toBeNull();
    expect(String(card.scalars.reason_1)).toMatch(/tenure|Contract|PaymentMethod|InternetService/);
  });
});
